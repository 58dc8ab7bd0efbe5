import { describe, expect, it } from 'vitest';
import { adminNotes, durationProblem, durationSettable, escalationsOf, latestFlagging, providerIds, sessionTitle, startingMinutes, type Notification, type SessionChange } from './attention';
import { administers } from './roles';
import { schoolName, stateLabel } from './labels';

function change(fields: Partial<SessionChange>): SessionChange {
  return { id: 'c1', at: '2026-12-01T15:00:00.000Z', actorId: 'u1', actorName: 'Pia Tutor', action: 'updated', detail: {}, ...fields };
}

describe('who flagged a session', () => {
  it('is the newest change that set the flag, not one that cleared it or changed something else', () => {
    const changes = [
      change({ id: 'a', at: '2026-12-01T15:00:00.000Z', detail: { needsAttention: true }, actorName: 'Pia Tutor' }),
      change({ id: 'b', at: '2026-12-01T16:00:00.000Z', detail: { needsAttention: false }, actorName: 'Ada Admin' }),
      change({ id: 'c', at: '2026-12-02T09:00:00.000Z', detail: { needsAttention: true }, actorName: 'Cal Coach' }),
      change({ id: 'd', at: '2026-12-03T09:00:00.000Z', action: 'duration-adjusted', detail: { to: 45 } }),
      change({ id: 'e', at: '2026-12-03T10:00:00.000Z', detail: { description: 'x' } }),
    ];
    expect(latestFlagging(changes)).toEqual({ by: 'Cal Coach', at: '2026-12-02T09:00:00.000Z' });
  });

  it('is unknown when the trail has no flagging', () => {
    expect(latestFlagging([change({ detail: { description: 'x' } })])).toBeNull();
  });
});

describe('the provider’s notes to admins', () => {
  it('keeps the participants with a note, trimmed', () => {
    const participants = [
      { id: 'p1', name: 'Ada Dent', adminNote: '  Left early, parent called.  ' },
      { id: 'p2', name: 'Ben Dent', adminNote: null },
      { id: 'p3', name: 'Cal Dent', adminNote: '   ' },
      { id: 'p4', name: 'Dee Dent' },
    ];
    expect(adminNotes({ participants } as never)).toEqual([{ participantId: 'p1', name: 'Ada Dent', note: 'Left early, parent called.' }]);
  });
});

describe('duration waiting for an admin', () => {
  it('is the audit’s out-of-range problem, in its words', () => {
    const audit = {
      problems: [
        { code: 'PARTICIPANT.NO_STUDENT_NOTE', message: 'Ada has no student note' },
        { code: 'SESSION.DURATION_OUT_OF_RANGE', message: 'The duration must be at most 60 minutes (the planned 30 plus 30)' },
      ],
    };
    expect(durationProblem(audit)).toBe('The duration must be at most 60 minutes (the planned 30 plus 30)');
    expect(durationProblem({ problems: [] })).toBeNull();
    expect(durationProblem(undefined)).toBeNull();
  });

  it('can be set on an ended session not yet posted only', () => {
    expect(durationSettable({ state: 'ended', posted: null })).toBe(true);
    expect(durationSettable({ state: 'ended', posted: { version: 1, at: '2026-12-01T15:00:00.000Z' } })).toBe(false);
    expect(durationSettable({ state: 'active', posted: null })).toBe(false);
    expect(durationSettable({ state: 'cancelled', posted: null })).toBe(false);
  });

  it('starts from the session’s duration, else its run time to 5 minutes', () => {
    expect(startingMinutes({ adjustedMinutes: 90, rawMinutes: 92 })).toBe(90);
    expect(startingMinutes({ adjustedMinutes: null, rawMinutes: 92 })).toBe(90);
    expect(startingMinutes({ adjustedMinutes: null, rawMinutes: 1 })).toBe(5);
    expect(startingMinutes({ adjustedMinutes: null, rawMinutes: null })).toBeNull();
  });
});

describe('words of the queue', () => {
  it('names a session by its service, group and description', () => {
    const name = (code: string) => (code === 'tutoring' ? 'Tutoring' : code);
    expect(sessionTitle({ service: 'tutoring', group: { id: 'g', name: 'Group A' }, description: 'Fractions' } as never, name)).toBe('Tutoring · Group A · Fractions');
    expect(sessionTitle({ service: 'mentoring', group: null, description: null }, name)).toBe('mentoring');
  });

  it('keeps escalations among the notifications and asks once per provider', () => {
    const items = [
      { id: 'n1', kind: 'escalation', providerId: 'p1' },
      { id: 'n2', kind: 'reminder', providerId: 'p1' },
      { id: 'n3', kind: 'escalation', providerId: 'p1' },
      { id: 'n4', kind: 'escalation', providerId: null },
    ] as Notification[];
    expect(escalationsOf(items).map((n) => n.id)).toEqual(['n1', 'n3', 'n4']);
    expect(providerIds(escalationsOf(items))).toEqual(['p1']);
  });

  it('says posted before ended, and a school it cannot name plainly', () => {
    expect(stateLabel({ state: 'ended', posted: { version: 1, at: '2026-12-01T15:00:00.000Z' } })).toBe('Posted');
    expect(stateLabel({ state: 'ended', posted: null })).toBe('Ended, not posted');
    expect(schoolName(new Map([['s1', 'Lincoln']]), 's1')).toBe('Lincoln');
    expect(schoolName(new Map(), 's2')).toBe('Not known');
  });

  it('is for district and school admins only', () => {
    expect(administers(['school_admin'])).toBe(true);
    expect(administers(['provider', 'district_admin'])).toBe(true);
    expect(administers(['provider'])).toBe(false);
    expect(administers(['payroll'])).toBe(false);
  });
});
