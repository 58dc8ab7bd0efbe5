import { Response } from 'supertest';
import { as, Session, signIn, TestDistrict, TestUser } from '../support/gateway-harness';
import { addStudent, guardianOf } from '../support/session-fixtures';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

interface ParticipantRow {
  time_in: string | null;
  time_out: string | null;
  time_away_minutes: number;
  present: boolean | null;
  attendance_status: string | null;
  homebound: boolean;
  detention: boolean;
  remedial: boolean;
  remedial_criteria: string[];
  subject: string | null;
  activities: string[];
  accommodations: string[];
  student_note: string | null;
  version: number;
}

const NO_QUALIFIERS = { homebound: false, detention: false, creditRecovery: false, remedial: false, remedialCriteria: [] as string[] };

/** timestamptz columns read raw arrive as text. */
function instant(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function fieldsOf(response: Response): string[] {
  return (response.body.fields ?? []).map((f: { field: string }) => f.field);
}

function expectInvalid(response: Response, field: string): void {
  expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'REQUEST.INVALID' });
  expect(fieldsOf(response)).toContain(field);
}

describe('Sessions: participants (times, attendance, qualifiers, catalog choices) and concurrent writes', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let schoolId: string;

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(2);
    admin = await signIn(platform.gateway, district.admin.email);
    schoolId = district.schools[0].id;
  });

  afterAll(() => platform.stop());

  /** A provider has at most one active session, so each scenario gets its own. */
  async function newProvider(): Promise<{ user: TestUser; session: Session }> {
    const user = await district.user(['provider'], { schoolIds: [schoolId], providerKind: 'tutor' });
    return { user, session: await signIn(platform.gateway, user.email) };
  }

  function participantRows(sessionId: string): Promise<(ParticipantRow & { person_id: string })[]> {
    return sessionLogRows(platform.sessionLog, district.id, 'select * from session_log.participant where session_id = ? order by added_at, id', [sessionId]);
  }

  async function participantRow(participantId: string): Promise<ParticipantRow> {
    const [row] = await sessionLogRows<ParticipantRow>(platform.sessionLog, district.id, 'select * from session_log.participant where id = ?', [participantId]);
    return row;
  }

  function add(staff: Session, sessionId: string, body: Record<string, unknown>) {
    return as(platform.gateway, staff).post(`/api/sessions/${sessionId}/participants`).send(body);
  }

  function patchParticipant(staff: Session, sessionId: string, participantId: string, body: Record<string, unknown>) {
    return as(platform.gateway, staff).patch(`/api/sessions/${sessionId}/participants/${participantId}`).send(body);
  }

  /** Adds a student and answers the new participant's id, failing loudly on anything but 201. */
  async function addStudentTo(staff: Session, sessionId: string, studentId: string, timeIn?: string): Promise<string> {
    const response = await add(staff, sessionId, { studentId, ...(timeIn ? { timeIn } : {}) });
    if (response.status !== 201) throw new Error(`add answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.participants.find((p: { personId: string }) => p.personId === studentId).id;
  }

  it('times a participant in at the start by default, and refuses times outside the session or out of order, naming the field', async () => {
    const { session: tutor } = await newProvider();
    const [amy, ben, cal] = await Promise.all([0, 1, 2].map(() => addStudent(platform.gateway, admin, schoolId)));
    const startedAt = minutesAgo(40);
    const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt });

    const added = await add(tutor, started.id, { studentId: amy.id }).expect(201);
    const amyEntry = added.body.participants.find((p: { personId: string }) => p.personId === amy.id);
    expect(amyEntry).toMatchObject({ timeIn: startedAt, timeOut: null, present: null, version: 1 });
    const benIn = minutesAgo(30);
    const benId = await addStudentTo(tutor, started.id, ben.id, benIn);

    expectInvalid(await add(tutor, started.id, { studentId: cal.id, timeIn: minutesAgo(50) }), 'timeIn');
    expectInvalid(await patchParticipant(tutor, started.id, amyEntry.id, { version: 1, timeIn: minutesAgo(45) }), 'timeIn');
    expectInvalid(await patchParticipant(tutor, started.id, benId, { version: 1, timeOut: minutesAgo(35) }), 'timeOut');
    // Amy was there 30 minutes (40 → 10 minutes ago): 31 minutes away is more than she was present.
    expectInvalid(await patchParticipant(tutor, started.id, amyEntry.id, { version: 1, timeOut: minutesAgo(10), timeAwayMinutes: 31 }), 'timeAwayMinutes');

    const amyOut = minutesAgo(10);
    const timedOut = await patchParticipant(tutor, started.id, amyEntry.id, { version: 1, timeOut: amyOut, timeAwayMinutes: 5 }).expect(200);
    expect(timedOut.body.participants.find((p: { id: string }) => p.id === amyEntry.id)).toMatchObject({ timeIn: startedAt, timeOut: amyOut, timeAwayMinutes: 5, version: 2 });

    const rows = await participantRows(started.id);
    expect(rows.map((r) => r.person_id)).toEqual([amy.id, ben.id]);
    expect(rows.map((r) => [instant(r.time_in), instant(r.time_out), r.time_away_minutes, r.version])).toEqual([
      [startedAt, amyOut, 5, 2],
      [benIn, null, 0, 1],
    ]);
  });

  it('keeps present and attendance status consistent: present means attended; not present clears the times', async () => {
    const { session: tutor } = await newProvider();
    const [amy, ben] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, schoolId)));
    const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(30) });
    const amyId = await addStudentTo(tutor, started.id, amy.id);
    const benId = await addStudentTo(tutor, started.id, ben.id);

    const present = await patchParticipant(tutor, started.id, amyId, { version: 1, present: true }).expect(200);
    expect(present.body.participants.find((p: { id: string }) => p.id === amyId)).toMatchObject({ present: true, attendanceStatus: 'attended' });
    expect(await participantRow(amyId)).toMatchObject({ present: true, attendance_status: 'attended' });

    expectInvalid(await patchParticipant(tutor, started.id, benId, { version: 1, present: false, attendanceStatus: 'attended' }), 'attendanceStatus');
    expectInvalid(await patchParticipant(tutor, started.id, benId, { version: 1, present: true, attendanceStatus: 'missed_billable' }), 'attendanceStatus');
    expect(await participantRow(benId)).toMatchObject({ present: null, attendance_status: null, version: 1 });

    // Amy turns out not to have been there after all: she was attended, now she is not, and has no times.
    const absent = await patchParticipant(tutor, started.id, amyId, { version: 2, present: false }).expect(200);
    expect(absent.body.participants.find((p: { id: string }) => p.id === amyId)).toMatchObject({ present: false, attendanceStatus: null, timeIn: null, timeOut: null });
    expect(await participantRow(amyId)).toMatchObject({ present: false, attendance_status: null, time_in: null, time_out: null });

    await patchParticipant(tutor, started.id, benId, { version: 1, attendanceStatus: 'missed_billable' }).expect(200);
    expect(await participantRow(benId)).toMatchObject({ present: false, attendance_status: 'missed_billable', time_in: null });
  });

  it('lets only the student’s homebound teacher set homebound; remedial needs a criterion and a catalog subject; detention alone is fine', async () => {
    const teacher = await newProvider();
    const other = await newProvider();
    const homebound = await addStudent(platform.gateway, admin, schoolId, { homeboundTeacherId: teacher.user.id });
    const [remedial, detention] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, schoolId)));

    const ownSession = await startSession(platform.gateway, teacher.session, { service: 'tutoring', startedAt: minutesAgo(20) });
    const ownEntry = await addStudentTo(teacher.session, ownSession.id, homebound.id);
    const set = await patchParticipant(teacher.session, ownSession.id, ownEntry, { version: 1, qualifiers: { ...NO_QUALIFIERS, homebound: true } }).expect(200);
    expect(set.body.participants[0].qualifiers).toMatchObject({ homebound: true });
    expect(await participantRow(ownEntry)).toMatchObject({ homebound: true });

    const otherSession = await startSession(platform.gateway, other.session, { service: 'tutoring', startedAt: minutesAgo(20) });
    const otherEntry = await addStudentTo(other.session, otherSession.id, homebound.id);
    expectInvalid(await patchParticipant(other.session, otherSession.id, otherEntry, { version: 1, qualifiers: { ...NO_QUALIFIERS, homebound: true } }), 'qualifiers.homebound');
    expect(await participantRow(otherEntry)).toMatchObject({ homebound: false, version: 1 });

    const remedialEntry = await addStudentTo(other.session, otherSession.id, remedial.id);
    const noCriteria = await patchParticipant(other.session, otherSession.id, remedialEntry, { version: 1, qualifiers: { ...NO_QUALIFIERS, remedial: true, subject: 'Mathematics' } });
    expectInvalid(noCriteria, 'qualifiers.remedialCriteria');
    const noSubject = await patchParticipant(other.session, otherSession.id, remedialEntry, { version: 1, qualifiers: { ...NO_QUALIFIERS, remedial: true, remedialCriteria: ['d_or_f_grade'] } });
    expectInvalid(noSubject, 'qualifiers.subject');
    const unknownSubject = await patchParticipant(other.session, otherSession.id, remedialEntry, {
      version: 1,
      qualifiers: { ...NO_QUALIFIERS, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Basket weaving' },
    });
    expectInvalid(unknownSubject, 'qualifiers.subject');
    await patchParticipant(other.session, otherSession.id, remedialEntry, {
      version: 1,
      qualifiers: { ...NO_QUALIFIERS, remedial: true, remedialCriteria: ['d_or_f_grade', 'reading_improvement_plan'], subject: 'Reading' },
    }).expect(200);
    expect(await participantRow(remedialEntry)).toMatchObject({ remedial: true, remedial_criteria: ['d_or_f_grade', 'reading_improvement_plan'], subject: 'Reading', version: 2 });

    const detentionEntry = await addStudentTo(other.session, otherSession.id, detention.id);
    const detained = await patchParticipant(other.session, otherSession.id, detentionEntry, { version: 1, qualifiers: { ...NO_QUALIFIERS, detention: true } }).expect(200);
    expect(detained.body.participants.find((p: { id: string }) => p.id === detentionEntry).qualifiers).toEqual({ ...NO_QUALIFIERS, detention: true, subject: null });
    expect(await participantRow(detentionEntry)).toMatchObject({ detention: true, remedial: false, subject: null });
  });

  it('takes activities and accommodations only from the service’s catalog, and a session-level description of activities', async () => {
    const { session: tutor } = await newProvider();
    const student = await addStudent(platform.gateway, admin, schoolId);
    const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
    const entry = await addStudentTo(tutor, started.id, student.id);

    expectInvalid(await patchParticipant(tutor, started.id, entry, { version: 1, activities: ['Guided practice', 'Juggling'] }), 'activities');
    // Personal care's activities are not tutoring's.
    expectInvalid(await patchParticipant(tutor, started.id, entry, { version: 1, activities: ['Mobility assistance'] }), 'activities');
    expectInvalid(await patchParticipant(tutor, started.id, entry, { version: 1, accommodations: ['Naps'] }), 'accommodations');
    expect(await participantRow(entry)).toMatchObject({ activities: [], accommodations: [], version: 1 });

    await patchParticipant(tutor, started.id, entry, { version: 1, activities: ['Guided practice', 'Homework help'], accommodations: ['Extended time'] }).expect(200);
    expect(await participantRow(entry)).toMatchObject({ activities: ['Guided practice', 'Homework help'], accommodations: ['Extended time'] });

    const described = await as(platform.gateway, tutor).patch(`/api/sessions/${started.id}`).send({ version: started.version, activitiesDescription: 'Long division with base-ten blocks' }).expect(200);
    expect(described.body).toMatchObject({ activitiesDescription: 'Long division with base-ten blocks', version: started.version + 1 });
    const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select activities_description from session_log.session where id = ?', [started.id]);
    expect(row).toEqual({ activities_description: 'Long division with base-ten blocks' });
  });

  it('removes a participant, and refuses a student twice (409), staff in a tutoring session and another district’s student (400)', async () => {
    const { session: tutor } = await newProvider();
    const [stays, leaves] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, schoolId)));
    const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
    await addStudentTo(tutor, started.id, stays.id);
    const leavingId = await addStudentTo(tutor, started.id, leaves.id);

    const twice = await add(tutor, started.id, { studentId: stays.id }).expect(409);
    expect(twice.body.code).toBe('PARTICIPANT.ALREADY_IN_SESSION');

    const removed = await as(platform.gateway, tutor).delete(`/api/sessions/${started.id}/participants/${leavingId}`).expect(200);
    expect(removed.body.participants.map((p: { personId: string }) => p.personId)).toEqual([stays.id]);
    expect((await participantRows(started.id)).map((r) => r.person_id)).toEqual([stays.id]);
    await as(platform.gateway, tutor).delete(`/api/sessions/${started.id}/participants/${leavingId}`).expect(404);

    const colleague = await district.user(['provider'], { schoolIds: [schoolId], providerKind: 'tutor' });
    expectInvalid(await add(tutor, started.id, { staffId: colleague.id }), 'staffId');

    const elsewhere = await platform.district(1);
    const elsewhereAdmin = await signIn(platform.gateway, elsewhere.admin.email);
    const foreign = await addStudent(platform.gateway, elsewhereAdmin, elsewhere.schools[0].id);
    expectInvalid(await add(tutor, started.id, { studentId: foreign.id }), 'studentId');

    // Only staff who run or administer the session change its people.
    const stranger = await newProvider();
    await add(stranger.session, started.id, { studentId: leaves.id }).expect(404);
    await add(elsewhereAdmin, started.id, { studentId: foreign.id }).expect(404);
    const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [stays.id])).email);
    await add(guardian, started.id, { studentId: leaves.id }).expect(403);
    expect((await participantRows(started.id)).map((r) => r.person_id)).toEqual([stays.id]);
  });

  describe('concurrent writes', () => {
    it('lets one of two edits of the same session version win; the other gets 409 SESSION.STALE', async () => {
      const { session: tutor } = await newProvider();
      const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
      const edits = ['Fractions', 'Decimals'];
      const responses = await Promise.all(edits.map((description) => as(platform.gateway, tutor).patch(`/api/sessions/${started.id}`).send({ version: 1, description })));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = responses.find((r) => r.status === 200)!;
      const loser = responses.find((r) => r.status === 409)!;
      expect(loser.body.code).toBe('SESSION.STALE');
      const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select description, version from session_log.session where id = ?', [started.id]);
      expect(row).toEqual({ description: winner.body.description, version: 2 });
      expect(edits).toContain(row.description);
    });

    it('lets one of two edits of the same participant version win; the other gets 409 PARTICIPANT.STALE', async () => {
      const { session: tutor } = await newProvider();
      const student = await addStudent(platform.gateway, admin, schoolId);
      const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
      const entry = await addStudentTo(tutor, started.id, student.id);
      const notes = ['Worked through ten problems.', 'Read two chapters aloud.'];
      const responses = await Promise.all(notes.map((studentNote) => patchParticipant(tutor, started.id, entry, { version: 1, studentNote })));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = responses.find((r) => r.status === 200)!;
      expect(responses.find((r) => r.status === 409)!.body.code).toBe('PARTICIPANT.STALE');
      const row = await participantRow(entry);
      expect(row).toMatchObject({ student_note: winner.body.participants[0].studentNote, version: 2 });
      expect(notes).toContain(row.student_note);
    });

    it('lets the provider and a school admin add different students at the same moment', async () => {
      const { session: tutor } = await newProvider();
      const schoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [schoolId] })).email);
      const [first, second] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, schoolId)));
      const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
      const responses = await Promise.all([add(tutor, started.id, { studentId: first.id }), add(schoolAdmin, started.id, { studentId: second.id })]);
      expect(responses.map((r) => r.status)).toEqual([201, 201]);
      expect((await participantRows(started.id)).map((r) => r.person_id).sort()).toEqual([first.id, second.id].sort());
    });

    it('lets only one of two staff adding the same student at the same moment in (the other 409)', async () => {
      const { session: tutor } = await newProvider();
      const schoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [schoolId] })).email);
      const student = await addStudent(platform.gateway, admin, schoolId);
      const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
      const responses = await Promise.all([add(tutor, started.id, { studentId: student.id }), add(schoolAdmin, started.id, { studentId: student.id })]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(responses.find((r) => r.status === 409)!.body.code).toBe('PARTICIPANT.ALREADY_IN_SESSION');
      expect((await participantRows(started.id)).map((r) => r.person_id)).toEqual([student.id]);
    });

    it('lets two staff update different participants at the same moment', async () => {
      const { session: tutor } = await newProvider();
      const schoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [schoolId] })).email);
      const [first, second] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, schoolId)));
      const started = await startSession(platform.gateway, tutor, { service: 'tutoring', startedAt: minutesAgo(20) });
      const firstId = await addStudentTo(tutor, started.id, first.id);
      const secondId = await addStudentTo(tutor, started.id, second.id);
      const responses = await Promise.all([
        patchParticipant(tutor, started.id, firstId, { version: 1, present: true }),
        patchParticipant(schoolAdmin, started.id, secondId, { version: 1, attendanceStatus: 'missed_billable' }),
      ]);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(await participantRow(firstId)).toMatchObject({ present: true, attendance_status: 'attended', version: 2 });
      expect(await participantRow(secondId)).toMatchObject({ present: false, attendance_status: 'missed_billable', version: 2 });
    });
  });
});
