import { as, Session, signIn, TestDistrict, TestUser } from '../support/gateway-harness';
import { addStudent, addWorkOrder, guardianOf, linkStudentAccount } from '../support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

interface Task {
  id: string;
  sessionId: string;
  kind: 'attendance' | 'notes';
  dueAt: string;
  completedAt: string | null;
  overdue: boolean;
}

interface AuditBody {
  postable: boolean;
  problems: { code: string; participantId?: string }[];
  payment: { payable: boolean; reason: string };
}

const HOUR = 3_600_000;
const DETENTION = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };
const CREDIT_RECOVERY = { ...DETENTION, detention: false, creditRecovery: true };
const REMEDIAL = { ...DETENTION, detention: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Mathematics' };
const NO_QUALIFIER = { ...DETENTION, detention: false };

describe('Post-session tasks and the audit view (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let schoolAdmin: Session;
  let otherSchoolAdmin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let otherTutorSession: Session;
  let coachSession: Session;
  let teacher: TestUser;
  let guardian: Session;
  let studentAccount: Session;
  let students: { id: string }[];

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(2);
    const school = district.schools[0].id;
    admin = await signIn(platform.gateway, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
    const otherTutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
    const coach = await district.user(['provider'], { schoolIds: [school], providerKind: 'coach' });
    teacher = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Terry' });
    const schoolAdminUser = await district.user(['school_admin'], { schoolIds: [school] });
    const otherSchoolAdminUser = await district.user(['school_admin'], { schoolIds: [district.schools[1].id] });
    students = [];
    for (let i = 0; i < 6; i++) students.push(await addStudent(platform.gateway, admin, school));
    const guardianUser = await guardianOf(platform.gateway, district, [students[0].id]);
    const studentUser = await linkStudentAccount(platform.gateway, district, students[0].id);
    [tutorSession, otherTutorSession, coachSession, schoolAdmin, otherSchoolAdmin, guardian, studentAccount] = await Promise.all(
      [tutor, otherTutor, coach, schoolAdminUser, otherSchoolAdminUser, guardianUser, studentUser].map((user) => signIn(platform.gateway, user.email)),
    );
  });

  afterAll(() => platform.stop());

  /** Starts a session and adds the students one by one (ad hoc), answering with the session as it then is. */
  async function sessionWith(provider: Session, studentIds: string[], body: Record<string, unknown> = {}) {
    let session = await startSession(platform.gateway, provider, { service: 'tutoring', startedAt: minutesAgo(50), ...body });
    for (const studentId of studentIds) {
      const added = await as(platform.gateway, provider).post(`/api/sessions/${session.id}/participants`).send({ studentId });
      expect(added.status).toBe(201);
      session = added.body;
    }
    return session;
  }

  async function end(provider: Session, sessionId: string) {
    const current = await as(platform.gateway, provider).get(`/api/sessions/${sessionId}`).expect(200);
    return (await as(platform.gateway, provider).post(`/api/sessions/${sessionId}/end`).send({ version: current.body.version, endedAt: minutesAgo(2) }).expect(200)).body;
  }

  /** Updates one participant at the version it now has. */
  async function update(provider: Session, sessionId: string, participantId: string, changes: Record<string, unknown>) {
    const current = await as(platform.gateway, provider).get(`/api/sessions/${sessionId}`).expect(200);
    const { version } = current.body.participants.find((p: { id: string }) => p.id === participantId);
    const response = await as(platform.gateway, provider).patch(`/api/sessions/${sessionId}/participants/${participantId}`).send({ version, ...changes });
    if (response.status !== 200) throw new Error(`participant update answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function audit(reader: Session, sessionId: string): Promise<AuditBody> {
    return (await as(platform.gateway, reader).get(`/api/sessions/${sessionId}/audit`).expect(200)).body;
  }

  function codes(body: AuditBody): string[] {
    return body.problems.map((p) => `${p.code}${p.participantId ? ` ${p.participantId}` : ''}`).sort();
  }

  async function tasksOf(reader: Session, url: string, sessionId: string): Promise<Task[]> {
    const response = await as(platform.gateway, reader).get(url).expect(200);
    return (response.body.items as Task[]).filter((t) => t.sessionId === sessionId).sort((a, b) => a.kind.localeCompare(b.kind));
  }

  async function taskRows(sessionId: string): Promise<Record<string, { done: boolean }>> {
    const rows = await sessionLogRows<{ kind: string; done: boolean }>(
      platform.sessionLog,
      district.id,
      'select kind, completed_at is not null as done from session_log.post_session_task where session_id = ?',
      [sessionId],
    );
    return Object.fromEntries(rows.map((row) => [row.kind, { done: row.done }]));
  }

  describe('post-session tasks', () => {
    it('creates an attendance and a notes task at the start, due 24 hours after it, listed to their provider only', async () => {
      const session = await sessionWith(tutorSession, [students[0].id]);
      const due = new Date(new Date(session.startedAt).getTime() + 24 * HOUR).toISOString();

      const mine = await tasksOf(tutorSession, '/api/me/tasks', session.id);
      expect(mine).toEqual([
        expect.objectContaining({ kind: 'attendance', dueAt: due, completedAt: null, overdue: false }),
        expect.objectContaining({ kind: 'notes', dueAt: due, completedAt: null, overdue: false }),
      ]);
      expect(await taskRows(session.id)).toEqual({ attendance: { done: false }, notes: { done: false } });

      const theirs = await as(platform.gateway, otherTutorSession).get('/api/me/tasks').expect(200);
      expect(theirs.body.items.filter((t: Task) => t.sessionId === session.id)).toEqual([]);
      await end(tutorSession, session.id);
    });

    it('completes the attendance task only after the end, once every participant has a status', async () => {
      const session = await sessionWith(tutorSession, [students[0].id, students[1].id]);
      const [first, second] = session.participants.map((p: { id: string }) => p.id);

      await update(tutorSession, session.id, first, { attendanceStatus: 'attended' });
      await update(tutorSession, session.id, second, { attendanceStatus: 'missed_billable' });
      expect((await taskRows(session.id)).attendance).toEqual({ done: false });

      await end(tutorSession, session.id);
      expect((await taskRows(session.id)).attendance).toEqual({ done: true });
    });

    it('leaves the attendance task open while one participant has no status', async () => {
      const session = await sessionWith(tutorSession, [students[0].id, students[1].id]);
      const [first, second] = session.participants.map((p: { id: string }) => p.id);
      await end(tutorSession, session.id);
      await update(tutorSession, session.id, first, { attendanceStatus: 'attended' });
      expect((await taskRows(session.id)).attendance).toEqual({ done: false });

      await update(tutorSession, session.id, second, { attendanceStatus: 'cancelled_billable' });
      const [attendance] = await tasksOf(tutorSession, '/api/me/tasks', session.id);
      expect(attendance).toMatchObject({ kind: 'attendance', completedAt: expect.any(String), overdue: false });
    });

    it('completes the notes task when every attended student has a student note, and reopens it when a note is cleared', async () => {
      const session = await sessionWith(tutorSession, [students[0].id, students[1].id]);
      const [first, second] = session.participants.map((p: { id: string }) => p.id);
      await end(tutorSession, session.id);
      await update(tutorSession, session.id, first, { attendanceStatus: 'attended' });
      await update(tutorSession, session.id, second, { attendanceStatus: 'missed_billable' });
      expect((await taskRows(session.id)).notes).toEqual({ done: false });

      await update(tutorSession, session.id, first, { studentNote: 'You read two chapters aloud with expression. Next, summarise each one.' });
      expect((await taskRows(session.id)).notes).toEqual({ done: true });

      await update(tutorSession, session.id, first, { studentNote: null });
      expect((await taskRows(session.id)).notes).toEqual({ done: false });
      expect(await tasksOf(tutorSession, '/api/me/tasks?open=true', session.id)).toEqual([expect.objectContaining({ kind: 'notes', completedAt: null })]);
    });

    it('shows overdue tasks to the school’s admin and the district admin, not to another school’s admin nor to providers', async () => {
      // Started 30 hours ago under the default 24: both tasks are 6 hours overdue.
      const late = await sessionWith(otherTutorSession, [students[2].id], { startedAt: minutesAgo(30 * 60) });
      const fresh = await sessionWith(tutorSession, [students[3].id]);

      for (const reader of [schoolAdmin, admin]) {
        const overdue = await tasksOf(reader, '/api/tasks?overdue=true&pageSize=200', late.id);
        expect(overdue).toEqual([
          expect.objectContaining({ kind: 'attendance', overdue: true, completedAt: null }),
          expect.objectContaining({ kind: 'notes', overdue: true, completedAt: null }),
        ]);
        expect(await tasksOf(reader, '/api/tasks?overdue=true&pageSize=200', fresh.id)).toEqual([]);
      }
      expect(await tasksOf(otherSchoolAdmin, '/api/tasks?overdue=true&pageSize=200', late.id)).toEqual([]);
      expect(await tasksOf(otherSchoolAdmin, '/api/tasks?pageSize=200', late.id)).toEqual([]);

      const refused = await as(platform.gateway, tutorSession).get('/api/tasks?overdue=true');
      expect(refused.status).toBe(403);
      await Promise.all([end(otherTutorSession, late.id), end(tutorSession, fresh.id)]);
    });

    it('dates new sessions’ tasks by the taskDueHours a district sets with PATCH /api/district', async () => {
      const hurried = await platform.district(1);
      const hurriedAdmin = await signIn(platform.gateway, hurried.admin.email);
      const provider = await hurried.user(['provider'], { schoolIds: [hurried.schools[0].id], providerKind: 'tutor' });
      const providerSession = await signIn(platform.gateway, provider.email);
      const before = await startSession(platform.gateway, providerSession, { service: 'tutoring', startedAt: minutesAgo(40) });
      await as(platform.gateway, providerSession).post(`/api/sessions/${before.id}/end`).send({ version: before.version, endedAt: minutesAgo(5) }).expect(200);

      const current = await as(platform.gateway, hurriedAdmin).get('/api/district').expect(200);
      const patched = await as(platform.gateway, hurriedAdmin).patch('/api/district').send({ version: current.body.version, settings: { taskDueHours: 2 } });
      expect(patched.status).toBe(200);
      expect(patched.body.settings.taskDueHours).toBe(2);
      await replicated(platform.sessionLog, hurried.id, patched.body.version);

      const after = await startSession(platform.gateway, providerSession, { service: 'tutoring', startedAt: minutesAgo(20) });
      const rows = await sessionLogRows<{ session_id: string; due_at: Date }>(
        platform.sessionLog,
        hurried.id,
        'select session_id, due_at from session_log.post_session_task where session_id in (?, ?)',
        [before.id, after.id],
      );
      const dueOf = (id: string) => [...new Set(rows.filter((r) => r.session_id === id).map((r) => new Date(r.due_at).toISOString()))];
      expect(dueOf(after.id)).toEqual([new Date(new Date(after.startedAt).getTime() + 2 * HOUR).toISOString()]);
      expect(dueOf(before.id)).toEqual([new Date(new Date(before.startedAt).getTime() + 24 * HOUR).toISOString()]);
    });
  });

  describe('GET /api/sessions/:id/audit', () => {
    it('names a running session nobody is in, and says why it will not be paid', async () => {
      const session = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(30) });
      const body = await audit(tutorSession, session.id);
      expect(codes(body)).toEqual(['SESSION.NOT_ENDED', 'SESSION.NO_PARTICIPANTS']);
      expect(body.postable).toBe(false);
      expect(body.payment).toEqual({ payable: false, reason: expect.stringMatching(/no work order/i) });
      await end(tutorSession, session.id);
    });

    it('lists each participant without attendance, then each attended student without a note, and is empty once all is done', async () => {
      const session = await sessionWith(tutorSession, [students[0].id, students[1].id]);
      const [first, second] = session.participants.map((p: { id: string }) => p.id);
      await end(tutorSession, session.id);
      expect(codes(await audit(tutorSession, session.id))).toEqual([`PARTICIPANT.NO_ATTENDANCE ${first}`, `PARTICIPANT.NO_ATTENDANCE ${second}`].sort());

      await update(tutorSession, session.id, first, { attendanceStatus: 'attended' });
      await update(tutorSession, session.id, second, { attendanceStatus: 'missed_billable' });
      expect(codes(await audit(tutorSession, session.id))).toEqual([`PARTICIPANT.NO_STUDENT_NOTE ${first}`]);

      await update(tutorSession, session.id, first, { studentNote: 'You solved four of five problems alone. Next time we check units.' });
      const done = await audit(schoolAdmin, session.id);
      expect(done).toMatchObject({ sessionId: session.id, postable: true, problems: [] });
    });

    it('refuses a Career Ladder session without a description, warns of a missing goal tag without blocking posting, and pays it for one remedial student', async () => {
      const order = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: district.schools[0].id });
      const undescribed = await as(platform.gateway, tutorSession).post('/api/sessions').send({ service: 'tutoring', startedAt: minutesAgo(50), workOrderId: order.id });
      expect(undescribed.status).toBe(400);
      expect(undescribed.body.fields.map((f: { field: string }) => f.field)).toEqual(['description']);
      const plain = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(50) });
      const assigned = await as(platform.gateway, tutorSession).put(`/api/sessions/${plain.id}/work-order`).send({ version: plain.version, workOrderId: order.id });
      expect(assigned.status).toBe(400);
      expect(assigned.body.fields.map((f: { field: string }) => f.field)).toEqual(['description']);
      await end(tutorSession, plain.id);

      const session = await sessionWith(tutorSession, [students[0].id], { workOrderId: order.id, description: 'Reading fluency plan' });
      const [only] = session.participants.map((p: { id: string }) => p.id);
      const ended = await end(tutorSession, session.id);
      await update(tutorSession, session.id, only, { attendanceStatus: 'attended', studentNote: 'Read with fewer stops today. Next, longer passages.' });

      const clearing = await as(platform.gateway, tutorSession).patch(`/api/sessions/${session.id}`).send({ version: ended.version, description: null });
      expect(clearing.status).toBe(400);
      expect(clearing.body.fields).toEqual([{ field: 'description', problems: [expect.stringContaining('Career Ladder')] }]);

      const untagged = await audit(tutorSession, session.id);
      expect(untagged).toMatchObject({ postable: true, problems: [], warnings: [{ code: 'SESSION.CAREER_LADDER_GOAL_MISSING', message: expect.stringMatching(/neither paid nor exported/) }] });
      expect(untagged.payment).toEqual({ payable: false, reason: expect.stringMatching(/Career Ladder goal/) });

      await as(platform.gateway, tutorSession).put(`/api/sessions/${session.id}/tags`).send({ version: ended.version, tags: ['student_achievement'] }).expect(200);
      const notRemedial = await audit(tutorSession, session.id);
      expect(notRemedial).toMatchObject({ postable: true, problems: [], warnings: [] });
      expect(notRemedial.payment).toEqual({ payable: false, reason: expect.stringMatching(/remedial.*has 0/) });

      await update(tutorSession, session.id, only, { qualifiers: REMEDIAL });
      expect((await audit(tutorSession, session.id)).payment.payable).toBe(true);
    });

    it('pays a Tutoring session from 4 qualifying students, not 3', async () => {
      const order = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
      const session = await sessionWith(tutorSession, students.slice(0, 4).map((s) => s.id), { workOrderId: order.id });
      const ids: string[] = session.participants.map((p: { id: string }) => p.id);
      const qualifiers = [REMEDIAL, CREDIT_RECOVERY, REMEDIAL, NO_QUALIFIER];
      for (const [i, id] of ids.entries()) await update(tutorSession, session.id, id, { attendanceStatus: 'attended', qualifiers: qualifiers[i] });

      const three = await audit(tutorSession, session.id);
      expect(three.payment).toEqual({ payable: false, reason: expect.stringMatching(/at least 4 qualifying students.*has 3/) });

      await update(tutorSession, session.id, ids[3], { qualifiers: DETENTION });
      expect((await audit(tutorSession, session.id)).payment).toEqual({ payable: true, reason: expect.stringContaining('4') });
      await end(tutorSession, session.id);
    });

    it('pays a Club session from 6 students, and does not count one cancelled with notice', async () => {
      const order = await addWorkOrder(platform.gateway, admin, { type: 'club', providerId: tutor.id, schoolId: district.schools[0].id });
      const session = await sessionWith(tutorSession, students.map((s) => s.id), { workOrderId: order.id });
      const ids: string[] = session.participants.map((p: { id: string }) => p.id);
      for (const id of ids.slice(0, 5)) await update(tutorSession, session.id, id, { attendanceStatus: 'attended' });

      const five = await audit(tutorSession, session.id);
      expect(five.payment).toEqual({ payable: false, reason: expect.stringMatching(/at least 6 students.*has 5/) });

      await update(tutorSession, session.id, ids[5], { attendanceStatus: 'attended' });
      expect((await audit(tutorSession, session.id)).payment.payable).toBe(true);

      await update(tutorSession, session.id, ids[5], { attendanceStatus: 'cancelled_nonbillable' });
      expect((await audit(tutorSession, session.id)).payment).toEqual({ payable: false, reason: expect.stringMatching(/has 5/) });
      await end(tutorSession, session.id);
    });

    it('names an incomplete coaching log until it is saved', async () => {
      const started = await startSession(platform.gateway, coachSession, { service: 'coaching', startedAt: minutesAgo(40) });
      const added = await as(platform.gateway, coachSession).post(`/api/sessions/${started.id}/participants`).send({ staffId: teacher.id }).expect(201);
      const [coached] = added.body.participants.map((p: { id: string }) => p.id);
      await end(coachSession, started.id);
      await update(coachSession, started.id, coached, { attendanceStatus: 'attended' });

      const incomplete = await audit(coachSession, started.id);
      expect(codes(incomplete)).toEqual(['SESSION.COACHING_LOG_INCOMPLETE']);
      expect(incomplete.problems[0]).toMatchObject({ message: expect.stringContaining('category') });
      expect(await taskRows(started.id)).toEqual({ attendance: { done: true }, notes: { done: false } });

      const current = await as(platform.gateway, coachSession).get(`/api/sessions/${started.id}`).expect(200);
      await as(platform.gateway, coachSession).put(`/api/sessions/${started.id}/coaching-log`).send({ version: current.body.version, values: { category: 'Observation' } }).expect(200);
      expect(await audit(coachSession, started.id)).toMatchObject({ postable: true, problems: [] });
      expect(await taskRows(started.id)).toEqual({ attendance: { done: true }, notes: { done: true } });
    });

    it('is staff only: guardians and students get 403, another provider, another school’s admin and another district 404', async () => {
      const session = await sessionWith(tutorSession, [students[0].id]);
      await end(tutorSession, session.id);
      const other = await platform.district(1);
      const otherAdmin = await signIn(platform.gateway, other.admin.email);

      for (const reader of [guardian, studentAccount]) {
        expect((await as(platform.gateway, reader).get(`/api/sessions/${session.id}/audit`)).status).toBe(403);
      }
      for (const reader of [otherTutorSession, otherSchoolAdmin, otherAdmin]) {
        const response = await as(platform.gateway, reader).get(`/api/sessions/${session.id}/audit`);
        expect(response.status).toBe(404);
        expect(response.body).not.toHaveProperty('problems');
      }
      await audit(schoolAdmin, session.id);
    });
  });
});
