import { describe, expect, it } from 'vitest';
import { describeCounts, lastExportedAt, rangeProblem } from './reporting';

const counts = { records: 3, added: 2, corrected: 1, unchanged: 0, deleted: 0, skipped: 0, skippedReasons: [], students: 2, ineligibleSessions: 1 };

describe('describeCounts', () => {
  it('names the records, the students and the kinds of row', () => {
    expect(describeCounts(counts)).toBe('3 records for 2 students: 2 new, 1 corrected');
    expect(describeCounts({ ...counts, records: 1, added: 0, corrected: 0, students: 1 })).toBe('1 record for 1 student');
  });
});

describe('lastExportedAt', () => {
  it('takes the newest finished export of the format (the list is newest first)', () => {
    const exports = [
      { status: 'running' as const, format: 'csv' as const, startedAt: '2026-12-04T10:00:00Z', createdAt: '2026-12-04T10:00:00Z' },
      { status: 'done' as const, format: 'edfi' as const, startedAt: '2026-12-03T10:00:00Z', createdAt: '2026-12-03T10:00:00Z' },
      { status: 'done' as const, format: 'csv' as const, startedAt: '2026-12-02T10:00:01Z', createdAt: '2026-12-02T10:00:00Z' },
    ];
    expect(lastExportedAt(exports, 'csv')).toBe('2026-12-02T10:00:01Z');
    expect(lastExportedAt(exports, 'edfi')).toBe('2026-12-03T10:00:00Z');
    expect(lastExportedAt([], 'csv')).toBeNull();
  });
});

describe('rangeProblem', () => {
  it('wants two days in order', () => {
    expect(rangeProblem('2026-11-01', '2026-11-30')).toBeNull();
    expect(rangeProblem('', '2026-11-30')).toBe('Give the first session date');
    expect(rangeProblem('2026-11-30', '2026-11-01')).toBe('The last date is before the first');
  });
});
