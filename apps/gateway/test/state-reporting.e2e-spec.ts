import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Environment } from '@sessionledger/config';
import { eventQueueOf, PostedSessionSnapshot, SESSION_AMENDED, SESSION_POSTED } from '@sessionledger/contracts';
import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { EVENT_JOB_OPTIONS, EventEnvelope, messagingTransport, ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { redisOptionsFrom } from '@sessionledger/platform';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { postedSnapshot, postedStudent, REMEDIAL } from '../../payroll/test/support/posted-sessions';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

const ZONE = 'America/Chicago';
const DAY_MS = 24 * 60 * 60_000;
const GOOD_NOTE = 'You worked through every problem today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two a night.';
const SCHOOL_DAY = { start: '08:00', end: '15:00' };
const EVERY_DAY = { monday: SCHOOL_DAY, tuesday: SCHOOL_DAY, wednesday: SCHOOL_DAY, thursday: SCHOOL_DAY, friday: SCHOOL_DAY, saturday: SCHOOL_DAY, sunday: SCHOOL_DAY };

/** The district's local calendar date `days` ago. */
function localDateDaysAgo(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() - days * DAY_MS));
}

/** The instant the district's clocks show `time` on `date` (found by trying CDT and CST, checked against Intl). */
function localInstant(date: string, time: string): Date {
  const clock = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  for (const offsetHours of [5, 6]) {
    const instant = new Date(Date.parse(`${date}T${time}:00Z`) + offsetHours * 3_600_000);
    if (clock.format(instant).replace(',', '') === `${date} ${time}`) return instant;
  }
  throw new Error(`${date} ${time} is not a time in ${ZONE}`);
}

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

interface RecordBody {
  sessionId: string;
  sessionVersion: number;
  studentId: string;
  minutes: number;
  minutesOutsideSchoolDay: number | null;
  [key: string]: unknown;
}

describe('State reporting: reportable records and eligibility (session-log → state-reporting → gateway)', () => {
  let platform: SessionPlatform;
  let stateReporting: NestFastifyApplication;
  let queue: Queue;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let schoolAdmin: Session;
  let otherSchoolAdmin: Session;
  let school: { id: string; stateSchoolCode: string };
  let students: { id: string; stateId: string }[];
  let smallGroup: { id: string };
  let oneStudent: { id: string };
  let workOrder: { id: string };
  /** The session posted in the first test (three students, 14:30–16:00 local two days ago). */
  let posted: { id: string; participants: { id: string; personId: string }[] };
  const sessionDate = localDateDaysAgo(2);

  const rows = <T = Record<string, unknown>>(districtId: string, sql: string, params: unknown[] = []) =>
    stateReporting.get(TenantTransactions).run(districtId, (em) => em.execute(sql, params) as Promise<T[]>);
  const recordRows = (sessionId: string) =>
    rows<{ session_version: number; current: boolean; student_id: string; minutes: number; minutes_outside_school_day: number | null }>(
      district.id,
      'select session_version, current, student_id, minutes, minutes_outside_school_day from state_reporting.reportable_record where session_id = ? order by session_version, student_id',
      [sessionId],
    );
  const inboxCount = async (districtId: string, name: string) =>
    (await rows<{ count: number }>(districtId, 'select count(*)::int as count from state_reporting.inbox_event where name = ?', [name]))[0].count;

  /**
   * Delivers session-log's outbox events of one session to state reporting's
   * queue exactly as the relay does (the event id as job id), and waits until
   * state reporting has taken each. Session-log's own relay stays off: test
   * files share the database, and it would publish other files' events here.
   */
  const delivered = new Map<string, EventEnvelope>();
  async function deliverSessionEvents(sessionId: string): Promise<EventEnvelope[]> {
    const outbox = await sessionLogRows<{ id: string; district_id: string; name: string; payload: object; correlation_id: string | null; occurred_at: Date }>(
      platform.sessionLog,
      district.id,
      `select id, district_id, name, payload, correlation_id, occurred_at from session_log.outbox_event
        where payload->'snapshot'->>'sessionId' = ? and name like 'session-log.session-%' order by occurred_at`,
      [sessionId],
    );
    const fresh = outbox
      .filter((row) => !delivered.has(row.id))
      .map((row) => ({
        id: row.id,
        name: row.name,
        districtId: row.district_id,
        occurredAt: new Date(row.occurred_at).toISOString(),
        correlationId: row.correlation_id ?? undefined,
        payload: row.payload,
      }));
    for (const envelope of fresh) {
      delivered.set(envelope.id, envelope);
      await queue.add(envelope.name, envelope, { ...EVENT_JOB_OPTIONS, jobId: envelope.id });
    }
    await waitFor(async () => {
      const taken = await rows(district.id, 'select event_id from state_reporting.inbox_event where event_id = any(?::uuid[])', [`{${fresh.map((e) => e.id).join(',')}}`]);
      return taken.length === fresh.length;
    }, 15_000);
    return fresh;
  }

  /** Emits built snapshots on the real bus (a new event id each) and waits until state reporting has taken them. */
  async function emitPostings(districtId: string, ...events: ({ posted: PostedSessionSnapshot } | { amended: PostedSessionSnapshot })[]): Promise<void> {
    const before = await inboxCount(districtId, SESSION_POSTED.name) + (await inboxCount(districtId, SESSION_AMENDED.name));
    const bus = platform.gateway.get(ServiceBus);
    for (const event of events) {
      if ('posted' in event) await bus.emit(SESSION_POSTED, { districtId, snapshot: event.posted });
      else await bus.emit(SESSION_AMENDED, { districtId, snapshot: event.amended, previousVersion: event.amended.version - 1, reason: 'Corrected' });
    }
    await waitFor(async () => (await inboxCount(districtId, SESSION_POSTED.name)) + (await inboxCount(districtId, SESSION_AMENDED.name)) >= before + events.length, 15_000);
  }

  /** Starts, runs and ends a session of `groupId` from 14:30 to 16:00 local on `sessionDate`; each participant's entry by student id. */
  async function runSession(groupId: string, entries: Record<string, Record<string, unknown>>, options: { workOrderId?: string } = {}) {
    const started = await startSession(platform.gateway, tutorSession, {
      service: 'tutoring',
      groupId,
      ...(options.workOrderId ? { workOrderId: options.workOrderId } : {}),
      startedAt: localInstant(sessionDate, '14:30').toISOString(),
    });
    for (const participant of started.participants as { id: string; personId: string }[]) {
      await as(platform.gateway, tutorSession).patch(`/api/sessions/${started.id}/participants/${participant.id}`).send({ version: 1, ...entries[participant.personId] }).expect(200);
    }
    const ended = await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: localInstant(sessionDate, '16:00').toISOString() })
      .expect(200);
    return ended.body;
  }

  const records = (session: Session, query = '') => as(platform.gateway, session).get(`/api/reporting/records${query}`);
  const recordsOf = async (session: Session, sessionId: string, query = `?from=${sessionDate}&to=${sessionDate}&pageSize=200`): Promise<RecordBody[]> =>
    ((await records(session, query).expect(200)).body.items as RecordBody[]).filter((r) => r.sessionId === sessionId);
  const ineligible = (session: Session, query = '') => as(platform.gateway, session).get(`/api/reporting/ineligible${query}`);
  const bellSchedule = (session: Session, schoolId: string) => as(platform.gateway, session).get(`/api/schools/${schoolId}/bell-schedule`);
  const setBellSchedule = (session: Session, schoolId: string, body: object) => as(platform.gateway, session).put(`/api/schools/${schoolId}/bell-schedule`).send(body);

  beforeAll(async () => {
    platform = await startSessionPlatform();
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    const env = stateReporting.get(Environment);
    queue = new Queue(eventQueueOf('state-reporting'), { connection: redisOptionsFrom(env.REDIS_URL, 'commands'), prefix: env.REDIS_PREFIX });
    [district, other] = await Promise.all([platform.district(2), platform.district(1)]);
    for (const d of [district, other]) {
      await waitFor(async () => (await stateReporting.get(TenantTransactions).run(d.id, (em) => em.count(DistrictReplica, { districtId: d.id }))) > 0, 15_000);
    }
    [admin, otherAdmin] = await Promise.all([signIn(platform.gateway, district.admin.email), signIn(platform.gateway, other.admin.email)]);

    // A school made through the API, so its state code reaches session-log and state reporting as it would in production.
    const code = `SR-${randomBytes(3).toString('hex')}`;
    school = (await as(platform.gateway, admin).post('/api/schools').send({ name: `Reporting school ${code}`, stateSchoolCode: code }).expect(201)).body;
    await waitFor(async () => {
      const [inSessionLog] = await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.school_replica where id = ?', [school.id]);
      const inReporting = await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(SchoolReplica, { id: school.id }));
      return inSessionLog !== undefined && inReporting > 0;
    }, 15_000);

    tutor = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Tess' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    [schoolAdmin, otherSchoolAdmin] = await Promise.all([
      district.user(['school_admin'], { schoolIds: [school.id] }).then((u) => signIn(platform.gateway, u.email)),
      district.user(['school_admin'], { schoolIds: [district.schools[0].id] }).then((u) => signIn(platform.gateway, u.email)),
    ]);
    students = [];
    for (let i = 0; i < 4; i += 1) {
      const stateId = `ST${randomBytes(4).toString('hex')}`;
      students.push({ ...(await addStudent(platform.gateway, admin, school.id, { stateId })), stateId });
    }
    smallGroup = await addGroup(platform.gateway, admin, school.id, tutor.id, students.slice(0, 3).map((s) => s.id));
    oneStudent = await addGroup(platform.gateway, admin, school.id, tutor.id, [students[3].id]);
    workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school.id });
  });

  afterAll(async () => {
    await queue?.close();
    await stopApps(stateReporting);
    await platform?.stop();
  });

  it('sets a school’s bell schedule (district admins) and shows it to its admins, in the district’s time zone', async () => {
    const none = await bellSchedule(admin, school.id).expect(200);
    expect(none.body).toMatchObject({ schoolId: school.id, days: null, version: 0, timeZone: ZONE });

    const set = await setBellSchedule(admin, school.id, { version: 0, days: EVERY_DAY }).expect(200);
    expect(set.body).toMatchObject({ schoolId: school.id, days: EVERY_DAY, version: 1, timeZone: ZONE, recomputedRecords: 0 });

    const shown = await bellSchedule(schoolAdmin, school.id).expect(200);
    expect(shown.body).toMatchObject({ days: EVERY_DAY, version: 1, updatedBy: district.admin.id });

    const stale = await setBellSchedule(admin, school.id, { version: 0, days: { monday: SCHOOL_DAY } }).expect(409);
    expect(stale.body).toMatchObject({ code: 'BELL_SCHEDULE.STALE', details: { currentVersion: 1 } });
    expect((await bellSchedule(admin, school.id).expect(200)).body.days).toEqual(EVERY_DAY);
  });

  it('refuses a bad bell schedule with 400 naming each field, and changes nothing', async () => {
    const bad = await setBellSchedule(admin, school.id, {
      version: 1,
      days: { monday: { start: '8am', end: '15:00' }, tuesday: { start: '15:00', end: '08:00' }, wednesday: { start: '08:00', end: '24:00' }, funday: SCHOOL_DAY },
    }).expect(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect(fieldsOf(bad.body)).toEqual(['days.funday', 'days.monday.start', 'days.tuesday.end', 'days.wednesday.end']);
    expect(bad.body.fields.find((f: { field: string }) => f.field === 'days.tuesday.end').problems).toEqual(['end must be after start (15:00)']);

    const noVersion = await setBellSchedule(admin, school.id, { days: EVERY_DAY }).expect(400);
    expect(fieldsOf(noVersion.body)).toEqual(['version']);
    const noDays = await setBellSchedule(admin, school.id, { version: 1 }).expect(400);
    expect(fieldsOf(noDays.body)).toEqual(['days']);
    await as(platform.gateway, admin).put('/api/schools/not-a-uuid/bell-schedule').send({ version: 1, days: EVERY_DAY }).expect(400);

    expect((await bellSchedule(admin, school.id).expect(200)).body).toMatchObject({ days: EVERY_DAY, version: 1 });
  });

  it('keeps one record per student of a posted session: minutes, minutes outside the school day, qualifiers, subject, delivery, school code, provider, work order, attendance', async () => {
    const remedial = { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade', 'reading_improvement_plan'], subject: 'Mathematics' };
    const detention = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };
    const session = await runSession(
      smallGroup.id,
      {
        [students[0].id]: { present: true, qualifiers: remedial, studentNote: GOOD_NOTE },
        [students[1].id]: { present: true, qualifiers: detention, studentNote: GOOD_NOTE },
        [students[2].id]: { attendanceStatus: 'missed_billable' },
      },
      { workOrderId: workOrder.id },
    );
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const [event] = await deliverSessionEvents(session.id);
    expect(event.name).toBe(SESSION_POSTED.name);
    posted = session;

    const found = await recordsOf(admin, session.id);
    expect(found).toHaveLength(3);
    const byStudent = new Map(found.map((r) => [r.studentId, r]));
    const common = {
      sessionVersion: 1,
      sessionDate,
      schoolId: school.id,
      schoolCode: school.stateSchoolCode,
      studentSchoolId: school.id,
      studentSchoolCode: school.stateSchoolCode,
      service: 'tutoring',
      delivery: 'small_group',
      providerId: tutor.id,
      providerName: expect.stringContaining('Tess'),
      workOrderId: workOrder.id,
      workOrderType: 'tutoring',
      eligible: true,
    };
    // 14:30–16:00 local against a school day ending at 15:00: 90 minutes, 60 of them outside it.
    expect(byStudent.get(students[0].id)).toMatchObject({
      ...common,
      stateId: students[0].stateId,
      attendanceStatus: 'attended',
      minutes: 90,
      minutesOutsideSchoolDay: 60,
      qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade', 'reading_improvement_plan'] },
      subject: 'Mathematics',
    });
    expect(byStudent.get(students[1].id)).toMatchObject({
      ...common,
      attendanceStatus: 'attended',
      minutes: 90,
      minutesOutsideSchoolDay: 60,
      qualifiers: { detention: true, remedial: false, remedialCriteria: [] },
      subject: null,
    });
    expect(byStudent.get(students[2].id)).toMatchObject({ ...common, attendanceStatus: 'missed_billable', minutes: 0, minutesOutsideSchoolDay: 0 });

    const stored = await rows(district.id, 'select session_version, current, eligible, participant_kind, students from state_reporting.reported_session where session_id = ?', [session.id]);
    expect(stored).toEqual([{ session_version: 1, current: true, eligible: true, participant_kind: 'student', students: 3 }]);
    expect(await recordRows(session.id)).toHaveLength(3);
  });

  it('has no second effect when the same event is delivered again, or the same version republished under a new event id', async () => {
    const [first] = [...delivered.values()].filter((e) => (e.payload as { snapshot: { sessionId: string } }).snapshot.sessionId === posted.id);
    const before = await recordRows(posted.id);
    // Each version recorded is acknowledged to session-log (for its reconciler) in the same transaction.
    const acknowledgements = () =>
      rows<{ payload: { sessionId: string; version: number } }>(
        district.id,
        `select payload from state_reporting.outbox_event where name = 'state-reporting.session-recorded' and payload->>'sessionId' = ?`,
        [posted.id],
      );
    expect((await acknowledgements()).map((a) => a.payload.version)).toEqual([1]);

    await queue.add(first.name, first, { ...EVENT_JOB_OPTIONS, jobId: first.id });
    // Completed jobs are removed: the job is gone once state reporting has taken it (a failure would leave it failed or delayed).
    await waitFor(async () => (await queue.getJobState(first.id)) === 'unknown', 15_000);
    await emitPostings(district.id, { posted: (first.payload as { snapshot: PostedSessionSnapshot }).snapshot });

    expect(await recordRows(posted.id)).toEqual(before);
    expect(await rows(district.id, 'select event_id from state_reporting.inbox_event where event_id = ?', [first.id])).toHaveLength(1);
    expect(await rows(district.id, 'select id from state_reporting.reported_session where session_id = ?', [posted.id])).toHaveLength(1);
    // No second effect, but acknowledged again each time: a lost acknowledgement is how a republish comes about.
    expect((await acknowledgements()).map((a) => a.payload.version)).toEqual([1, 1, 1]);
  });

  it('supersedes a version’s records with the amendment’s, keeping the earlier ones as history', async () => {
    const first = posted.participants.find((p) => p.personId === students[0].id)!;
    await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${posted.id}/amendments`)
      .send({
        password: TEST_PASSWORD,
        basedOnVersion: 1,
        reason: 'The first student left at 15:30',
        changes: { participants: [{ participantId: first.id, timeOut: localInstant(sessionDate, '15:30').toISOString() }] },
      })
      .expect(200);
    const [event] = await deliverSessionEvents(posted.id);
    expect(event.name).toBe(SESSION_AMENDED.name);

    const current = await recordsOf(admin, posted.id);
    expect(current.map((r) => r.sessionVersion)).toEqual([2, 2, 2]);
    // 14:30–15:30: 60 minutes, 30 after 15:00.
    expect(current.find((r) => r.studentId === students[0].id)).toMatchObject({ minutes: 60, minutesOutsideSchoolDay: 30 });
    expect(current.find((r) => r.studentId === students[1].id)).toMatchObject({ minutes: 90, minutesOutsideSchoolDay: 60 });

    const stored = await recordRows(posted.id);
    expect(stored.filter((r) => r.session_version === 1).map((r) => r.current)).toEqual([false, false, false]);
    expect(stored.filter((r) => r.session_version === 2).map((r) => r.current)).toEqual([true, true, true]);
    expect(stored.find((r) => r.session_version === 1 && r.student_id === students[0].id)).toMatchObject({ minutes: 90, minutes_outside_school_day: 60 });
    const versions = await rows(district.id, 'select session_version, current, superseded_by, event from state_reporting.reported_session where session_id = ? order by session_version', [
      posted.id,
    ]);
    expect(versions).toEqual([
      { session_version: 1, current: false, superseded_by: 2, event: 'posted' },
      { session_version: 2, current: true, superseded_by: null, event: 'amended' },
    ]);
  });

  it('reports a session of one student as individual; without a work order it is listed as ineligible, saying why', async () => {
    const session = await runSession(oneStudent.id, {
      [students[3].id]: { present: true, qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] }, studentNote: GOOD_NOTE },
    });
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    await deliverSessionEvents(session.id);

    const [record] = await recordsOf(admin, session.id);
    expect(record).toMatchObject({ studentId: students[3].id, delivery: 'individual', workOrderId: null, eligible: false, minutes: 90, minutesOutsideSchoolDay: 60 });
    expect(await recordsOf(admin, session.id, `?from=${sessionDate}&eligible=true&pageSize=200`)).toEqual([]);
    expect(await recordsOf(admin, session.id, `?from=${sessionDate}&eligible=false&pageSize=200`)).toHaveLength(1);
    // The amended session of the earlier test is eligible: it is never among the ineligible.
    expect(await recordsOf(admin, posted.id, `?from=${sessionDate}&eligible=false&pageSize=200`)).toEqual([]);

    const listed = (await ineligible(admin, `?schoolId=${school.id}`).expect(200)).body;
    expect(listed.items).toEqual([
      expect.objectContaining({ sessionId: session.id, sessionVersion: 1, sessionDate, schoolId: school.id, schoolCode: school.stateSchoolCode, students: 1, reasons: ['No work order'] }),
    ]);
    expect(listed.total).toBe(1);
  });

  it('leaves a Career Ladder session out until it is tagged with a goal, and keeps a late older version as history', async () => {
    const careerLadder = postedSnapshot({
      providerId: tutor.id,
      schoolId: school.id,
      workOrderId: randomUUID(),
      workOrderType: 'career_ladder',
      sessionDate,
      careerLadderGoalTagged: false,
      participants: [{ ...postedStudent('attended', 45, REMEDIAL), schoolId: school.id }],
    });
    await emitPostings(district.id, { posted: careerLadder });
    const listed = (await ineligible(schoolAdmin, `?from=${sessionDate}&to=${sessionDate}`).expect(200)).body.items;
    expect(listed.find((s: { sessionId: string }) => s.sessionId === careerLadder.sessionId)).toMatchObject({
      workOrderType: 'career_ladder',
      reasons: ['Career Ladder session not tagged with a goal'],
    });

    // Version 3 (tagged) arrives before version 2: 2 is kept as history, 3 is current and eligible.
    const tagged = { ...careerLadder, version: 3, tags: ['student_achievement'], careerLadderGoalTagged: true, contentHash: '3'.repeat(64) };
    const between = { ...careerLadder, version: 2, contentHash: '2'.repeat(64) };
    await emitPostings(district.id, { amended: tagged });
    await emitPostings(district.id, { amended: between });
    const after = (await ineligible(schoolAdmin, `?from=${sessionDate}&to=${sessionDate}`).expect(200)).body.items;
    expect(after.map((s: { sessionId: string }) => s.sessionId)).not.toContain(careerLadder.sessionId);
    expect(await recordsOf(schoolAdmin, careerLadder.sessionId)).toEqual([expect.objectContaining({ sessionVersion: 3, eligible: true, tags: ['student_achievement'], subject: 'Math' })]);
    const versions = await rows(district.id, 'select session_version, current, superseded_by, eligible from state_reporting.reported_session where session_id = ? order by session_version', [
      careerLadder.sessionId,
    ]);
    expect(versions).toEqual([
      { session_version: 1, current: false, superseded_by: 3, eligible: false },
      { session_version: 2, current: false, superseded_by: 3, eligible: false },
      { session_version: 3, current: true, superseded_by: null, eligible: true },
    ]);
  });

  it('keeps coaching sessions as coaching records (teacher, minutes), out of the student records and the ineligible list', async () => {
    const teacher = { ...postedStudent('attended', 50, { ...REMEDIAL, remedial: false, remedialCriteria: [], subject: null }), kind: 'staff' as const, name: 'Terry Teacher' };
    const coaching = postedSnapshot({
      providerId: tutor.id,
      schoolId: school.id,
      workOrderId: null,
      workOrderType: null,
      sessionDate,
      service: 'coaching',
      participantKind: 'staff',
      participants: [teacher],
    });
    await emitPostings(district.id, { posted: coaching });
    const stored = await rows(district.id, 'select teacher_id, teacher_name, minutes, current, school_code from state_reporting.coaching_record where session_id = ?', [coaching.sessionId]);
    expect(stored).toEqual([{ teacher_id: teacher.personId, teacher_name: 'Terry Teacher', minutes: 50, current: true, school_code: school.stateSchoolCode }]);
    expect(await recordsOf(admin, coaching.sessionId)).toEqual([]);
    const listed = (await ineligible(admin, `?from=${sessionDate}&to=${sessionDate}&pageSize=200`).expect(200)).body.items;
    expect(listed.map((s: { sessionId: string }) => s.sessionId)).not.toContain(coaching.sessionId);
  });

  it('computes minutes outside the school day again for a school’s records when its bell schedule is set', async () => {
    const [otherSchool] = district.schools;
    // Tuesday 2026-02-10, 07:00–08:30 local (CST): 13:00Z–14:30Z.
    const early = postedSnapshot({
      providerId: tutor.id,
      schoolId: otherSchool.id,
      workOrderId: randomUUID(),
      sessionDate: '2026-02-10',
      participants: [{ ...postedStudent('attended', 90, REMEDIAL), schoolId: otherSchool.id, timeIn: '2026-02-10T13:00:00.000Z', timeOut: '2026-02-10T14:30:00.000Z' }],
    });
    await emitPostings(district.id, { posted: early });
    const query = `?from=2026-02-10&to=2026-02-10&schoolId=${otherSchool.id}`;
    expect(await recordsOf(admin, early.sessionId, query)).toEqual([expect.objectContaining({ minutes: 90, minutesOutsideSchoolDay: null })]);

    const set = await setBellSchedule(admin, otherSchool.id, { version: 0, days: { tuesday: { start: '07:45', end: '14:45' } } }).expect(200);
    expect(set.body).toMatchObject({ recomputedRecords: 1, days: { monday: null, tuesday: { start: '07:45', end: '14:45' }, sunday: null } });
    expect(await recordsOf(admin, early.sessionId, query)).toEqual([expect.objectContaining({ minutes: 90, minutesOutsideSchoolDay: 45 })]);
  });

  it('lets district admins and school admins (their schools only) read records and ineligible sessions; refuses other roles with 403 and other districts with 404', async () => {
    // A school admin sees their school's records, not another school's; a school not theirs, named, is 404.
    expect(await recordsOf(schoolAdmin, posted.id)).toHaveLength(3);
    expect(await recordsOf(otherSchoolAdmin, posted.id)).toEqual([]);
    expect((await ineligible(otherSchoolAdmin, `?from=${sessionDate}&to=${sessionDate}`).expect(200)).body.items).toEqual([]);
    expect((await records(otherSchoolAdmin, `?schoolId=${school.id}`).expect(404)).body.code).toBe('SCHOOL.NOT_FOUND');
    await ineligible(otherSchoolAdmin, `?schoolId=${school.id}`).expect(404);
    await bellSchedule(otherSchoolAdmin, school.id).expect(404);
    expect((await setBellSchedule(schoolAdmin, school.id, { version: 1, days: EVERY_DAY }).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');

    // Another district's admin sees nothing of this district, and its school is 404.
    expect(await recordsOf(otherAdmin, posted.id)).toEqual([]);
    await records(otherAdmin, `?schoolId=${school.id}`).expect(404);
    await ineligible(otherAdmin, `?schoolId=${school.id}`).expect(404);
    await bellSchedule(otherAdmin, school.id).expect(404);
    await setBellSchedule(otherAdmin, school.id, { version: 1, days: {} }).expect(404);
    expect((await bellSchedule(admin, school.id).expect(200)).body).toMatchObject({ version: 1, days: EVERY_DAY });

    for (const role of ['provider', 'guardian', 'student', 'payroll'] as const) {
      const user = await signIn(platform.gateway, (await district.user([role], role === 'provider' ? { schoolIds: [school.id], providerKind: 'tutor' } : {})).email);
      await records(user).expect(403);
      await ineligible(user).expect(403);
      await bellSchedule(user, school.id).expect(403);
      await setBellSchedule(user, school.id, { version: 1, days: EVERY_DAY }).expect(403);
    }
    // The tutor whose sessions these are is a provider too.
    await records(tutorSession).expect(403);
  });

  it('refuses bad filters with 400 naming the field, and pages', async () => {
    expect(fieldsOf((await records(admin, `?from=${sessionDate}&to=2020-01-01`).expect(400)).body)).toEqual(['to']);
    expect(fieldsOf((await records(admin, '?from=2026-02-30').expect(400)).body)).toEqual(['from']);
    expect(fieldsOf((await records(admin, '?eligible=maybe').expect(400)).body)).toEqual(['eligible']);
    expect(fieldsOf((await records(admin, '?schoolId=nope').expect(400)).body)).toEqual(['schoolId']);
    expect(fieldsOf((await ineligible(admin, '?pageSize=500').expect(400)).body)).toEqual(['pageSize']);

    const page = (await records(admin, `?schoolId=${school.id}&from=${sessionDate}&to=${sessionDate}&pageSize=2&page=2`).expect(200)).body;
    // Three records of the amended session, one of the individual one, one of the Career Ladder one.
    expect(page).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(page.items).toHaveLength(2);
  });
});
