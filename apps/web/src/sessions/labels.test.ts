import { describe, expect, it } from 'vitest';
import { fixLink, qualifierSummary } from './labels';

describe('fixLink', () => {
  const id = 's1';

  it('sends a missing student note to that student’s note field', () => {
    expect(fixLink(id, { code: 'PARTICIPANT.NO_STUDENT_NOTE', participantId: 'p1' })).toEqual({ to: '/sessions/s1#note-p1', label: 'Write the student note' });
  });

  it('opens the student’s encounter for attendance and times', () => {
    expect(fixLink(id, { code: 'PARTICIPANT.NO_ATTENDANCE', participantId: 'p1' }).to).toBe('/sessions/s1?encounter=p1');
    expect(fixLink(id, { code: 'PARTICIPANT.TIMES_MISSING', participantId: 'p1' }).to).toBe('/sessions/s1?encounter=p1');
  });

  it('sends session problems to their section', () => {
    expect(fixLink(id, { code: 'SESSION.NOT_ENDED' }).to).toBe('/sessions/s1#session-end');
    expect(fixLink(id, { code: 'SESSION.DESCRIPTION_REQUIRED' }).to).toBe('/sessions/s1#session-details');
    expect(fixLink(id, { code: 'SESSION.CAREER_LADDER_GOAL_MISSING' }).to).toBe('/sessions/s1#session-tags');
    expect(fixLink(id, { code: 'SESSION.DURATION_OUT_OF_RANGE' }).to).toBe('/sessions/s1#session-duration');
  });

  it('still links somewhere for a code it does not know', () => {
    expect(fixLink(id, { code: 'SOMETHING.NEW' })).toEqual({ to: '/sessions/s1', label: 'Open the session' });
    expect(fixLink(id, { code: 'SOMETHING.NEW', participantId: 'p2' }).to).toBe('/sessions/s1?encounter=p2');
  });
});

describe('qualifierSummary', () => {
  it('names the qualifiers and the remedial subject', () => {
    const qualifiers = { homebound: false, detention: true, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade' as const], subject: 'Reading' };
    expect(qualifierSummary({ qualifiers })).toBe('Detention, Remedial (Reading)');
    expect(qualifierSummary({ qualifiers: { ...qualifiers, detention: false, remedial: false } })).toBe('No qualifiers');
  });
});
