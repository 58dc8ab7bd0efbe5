import { describe, expect, it } from 'vitest';
import { problemGroups, describeProgress, entityRows, importPercent, linkRows, pageOf, peopleCreated } from './roster';

const files = ['manifest.csv', 'orgs.csv', 'users.csv', 'classes.csv'];

describe('importPercent', () => {
  it('counts each file read and each writing step as one step', () => {
    expect(importPercent({ status: 'queued', files, progress: {} })).toBe(0);
    expect(importPercent({ status: 'running', files, progress: { phase: 'reading orgs.csv', rowsRead: 0 } })).toBe(0);
    expect(importPercent({ status: 'running', files, progress: { phase: 'reading users.csv', rowsRead: 10 } })).toBe(17);
    expect(importPercent({ status: 'running', files, progress: { phase: 'writing staff, students and guardians', rowsRead: 10 } })).toBe(67);
    expect(importPercent({ status: 'succeeded', files, progress: { phase: 'done' } })).toBe(100);
    expect(importPercent({ status: 'failed', files, progress: { phase: 'failed' } })).toBe(100);
  });

  it('says 0 for a phase it does not know rather than guessing', () => {
    expect(importPercent({ status: 'running', files, progress: { phase: 'starting' } })).toBe(0);
  });
});

describe('describeProgress', () => {
  it('names the phase and the rows read', () => {
    expect(describeProgress({ status: 'running', files, progress: { phase: 'reading users.csv', rowsRead: 1234 } })).toBe('Reading users.csv, 1,234 rows read so far');
    expect(describeProgress({ status: 'queued', files, progress: { phase: 'retrying: the worker died' } })).toBe('Waiting to run again (retrying: the worker died)');
    expect(describeProgress({ status: 'failed', files, progress: {} })).toBe('Stopped: nothing was written');
  });
});

describe('counts', () => {
  const counts = {
    students: { created: 3, updated: 1, deactivated: 0, unchanged: 2 },
    staff: { created: 2, updated: 0, deactivated: 0, unchanged: 0 },
    guardians: { created: 1, updated: 0, deactivated: 0, unchanged: 0 },
    memberships: { added: 4, removed: 1 },
  };
  it('lists the entities reported, in a fixed order, and the people created', () => {
    expect(entityRows(counts).map((row) => row.label)).toEqual(['Staff', 'Students', 'Guardians']);
    expect(linkRows(counts)).toEqual([{ label: 'Group memberships', added: 4, removed: 1 }]);
    expect(peopleCreated(counts)).toBe(6);
  });
});

describe('pageOf', () => {
  it('pages a whole list and keeps the page in range', () => {
    const items = Array.from({ length: 45 }, (_, i) => i);
    expect(pageOf(items, 1, 20)).toMatchObject({ page: 1, pages: 3, items: items.slice(0, 20) });
    expect(pageOf(items, 3, 20).items).toEqual(items.slice(40));
    expect(pageOf(items, 9, 20).page).toBe(3);
    expect(pageOf([], 1, 20)).toEqual({ items: [], page: 1, pages: 1 });
  });
});

describe('problemGroups', () => {
  it('counts the people not invited per kind and reason', () => {
    const reason = 'no e-mail address';
    expect(
      problemGroups([
        { kind: 'student', reason },
        { kind: 'student', reason },
        { kind: 'staff', reason: 'deactivated' },
      ]),
    ).toEqual([
      { key: `student\u0000${reason}`, kind: 'student', reason, count: 2 },
      { key: 'staff\u0000deactivated', kind: 'staff member', reason: 'deactivated', count: 1 },
    ]);
  });
});
