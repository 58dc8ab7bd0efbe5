import { describe, expect, it } from 'vitest';
import { arrivalAnnouncement, newArrivals, noticeTitle } from './describe';

const notice = (id: string, kind: 'roster-import' | 'state-export', status: 'succeeded' | 'failed') => ({
  id,
  job: { kind, id: `${id}-job`, status, link: null, finishedAt: '2026-12-04T10:00:00.000Z' },
});

describe('finished-job notices', () => {
  it('names the job and how it ended', () => {
    expect(noticeTitle(notice('a', 'roster-import', 'succeeded'))).toBe('Roster import finished');
    expect(noticeTitle(notice('b', 'state-export', 'failed'))).toBe('State export failed');
  });

  it('announces the newest by name and counts the rest', () => {
    expect(arrivalAnnouncement([])).toBe('');
    expect(arrivalAnnouncement([notice('a', 'state-export', 'failed')])).toBe('State export failed.');
    expect(arrivalAnnouncement([notice('a', 'roster-import', 'succeeded'), notice('b', 'state-export', 'failed'), notice('c', 'state-export', 'succeeded')])).toBe(
      'Roster import finished, and 2 more finished jobs.',
    );
  });

  it('lets each notice arrive once, however often the list is read again', () => {
    const seen = new Set<string>();
    expect(newArrivals([notice('a', 'roster-import', 'succeeded')], seen).map((n) => n.id)).toEqual(['a']);
    expect(newArrivals([notice('b', 'state-export', 'failed'), notice('a', 'roster-import', 'succeeded')], seen).map((n) => n.id)).toEqual(['b']);
    expect(newArrivals([notice('b', 'state-export', 'failed')], seen)).toEqual([]);
  });
});
