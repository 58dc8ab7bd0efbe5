import { describe, expect, it } from 'vitest';
import { categoriesOf, coachingSessionsOf, initialLogValues, logEntries, sessionMinutes, sessionsWithTeacher, teachersOf, type CoachingField, type CoachingSession } from './history';
import { coaches } from './roles';

const FIELDS: CoachingField[] = [
  { name: 'category', label: 'Coaching category', type: 'choice', options: ['Planning', 'Observation'], required: true },
  { name: 'practices', label: 'Practices', type: 'multi_choice', options: ['Questioning', 'Wait time'], required: false },
  { name: 'minutesObserved', label: 'Minutes observed', type: 'number', required: false },
  { name: 'followUp', label: 'Follow-up planned', type: 'boolean', required: true },
  { name: 'focus', label: 'Focus', type: 'text', required: false },
];

function participant(personId: string, name: string, kind: 'staff' | 'student' = 'staff') {
  return { id: `p-${personId}`, kind, personId, name, schoolId: null, timeIn: null, timeOut: null, timeAwayMinutes: 0, present: true, attendanceStatus: 'attended' as const, qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: false, remedialCriteria: [], subject: null }, activities: [], accommodations: [], version: 1 };
}

function session(fields: Partial<CoachingSession> & { id: string }): CoachingSession {
  return {
    audience: 'provider',
    providerId: 'coach',
    providerName: 'Casey Coach',
    schoolId: 's1',
    service: 'coaching',
    participantKind: 'staff',
    group: null,
    workOrder: null,
    description: null,
    familyInvolvement: false,
    activitiesDescription: null,
    state: 'ended',
    posted: null,
    sessionDate: '2026-12-01',
    startedAt: '2026-12-01T15:00:00.000Z',
    endedAt: '2026-12-01T15:30:00.000Z',
    rawMinutes: 31,
    plannedMinutes: null,
    adjustedMinutes: 30,
    durationOverride: null,
    cancelledAt: null,
    cancelReason: null,
    tags: [],
    coachingLog: null,
    participants: [participant('t1', 'Tess Teacher')],
    version: 3,
    createdAt: '2026-12-01T15:00:00.000Z',
    ...fields,
  };
}

describe('the coaching sessions of a provider’s list', () => {
  it('keeps sessions with staff participants and leaves tutoring and family-shaped replies out', () => {
    const tutoring = session({ id: 'b', participantKind: 'student', participants: [participant('st', 'Ada Dent', 'student')] });
    const family = { id: 'c', audience: 'guardian', sessionDate: '2026-12-01', startedAt: '', endedAt: null, providerName: 'x', participants: [] } as never;
    expect(coachingSessionsOf([session({ id: 'a' }), tutoring, family]).map((s) => s.id)).toEqual(['a']);
  });
});

describe('a coaching session’s minutes', () => {
  it('are the adjusted duration, else the raw one, and none for a running or cancelled session', () => {
    expect(sessionMinutes({ state: 'ended', adjustedMinutes: 30, rawMinutes: 31 })).toBe(30);
    expect(sessionMinutes({ state: 'ended', adjustedMinutes: null, rawMinutes: 31 })).toBe(31);
    expect(sessionMinutes({ state: 'active', adjustedMinutes: null, rawMinutes: null })).toBeNull();
    expect(sessionMinutes({ state: 'cancelled', adjustedMinutes: 30, rawMinutes: 30 })).toBeNull();
  });
});

describe('the teachers a coach worked with', () => {
  it('counts each teacher’s sessions and minutes, keeps their newest day, and sorts by name', () => {
    const sessions = [
      session({ id: 'new', sessionDate: '2026-12-03', adjustedMinutes: 45, participants: [participant('t2', 'Ben Reed'), participant('t1', 'Tess Teacher')] }),
      session({ id: 'running', sessionDate: '2026-12-02', state: 'active', adjustedMinutes: null, rawMinutes: null }),
      session({ id: 'old', sessionDate: '2026-11-20' }),
    ];
    expect(teachersOf(sessions)).toEqual([
      { staffId: 't2', name: 'Ben Reed', sessions: 1, minutes: 45, lastDay: '2026-12-03' },
      { staffId: 't1', name: 'Tess Teacher', sessions: 3, minutes: 75, lastDay: '2026-12-03' },
    ]);
    expect(sessionsWithTeacher(sessions, 't2').map((s) => s.id)).toEqual(['new']);
    expect(sessionsWithTeacher(sessions, 'nobody')).toEqual([]);
  });
});

describe('a coaching log as the history shows it', () => {
  const log = { category: 'Observation', practices: ['Questioning', 'Wait time'], minutesObserved: 20, followUp: false, focus: '', retired: 'Kept' };

  it('names the categories: the values of the choice fields', () => {
    expect(categoriesOf(log, FIELDS)).toEqual(['Observation', 'Questioning', 'Wait time']);
    expect(categoriesOf(null, FIELDS)).toEqual([]);
  });

  it('labels every value given in the catalog’s order, keeps a removed field’s value under its name, and leaves empty ones out', () => {
    expect(logEntries(log, FIELDS)).toEqual([
      { label: 'Coaching category', value: 'Observation' },
      { label: 'Practices', value: 'Questioning, Wait time' },
      { label: 'Minutes observed', value: '20' },
      { label: 'Follow-up planned', value: 'No' },
      { label: 'retired', value: 'Kept' },
    ]);
  });

  it('starts a new log with every yes/no field at no, keeping what was saved', () => {
    expect(initialLogValues(null, FIELDS)).toEqual({ followUp: false });
    expect(initialLogValues({ followUp: true, focus: 'x' }, FIELDS)).toEqual({ followUp: true, focus: 'x' });
  });
});

describe('who is a coach', () => {
  it('is a provider whose kind is coach, not a tutor nor an admin', () => {
    expect(coaches({ roles: ['provider'], providerKind: 'coach' })).toBe(true);
    expect(coaches({ roles: ['provider'], providerKind: 'tutor' })).toBe(false);
    expect(coaches({ roles: ['district_admin'], providerKind: null })).toBe(false);
  });
});
