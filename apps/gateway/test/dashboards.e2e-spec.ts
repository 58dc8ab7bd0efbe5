import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Environment } from '@sessionledger/config';
import { eventQueueOf, PostedParticipant, PostedSessionSnapshot, SESSION_AMENDED, SESSION_POSTED } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { EVENT_JOB_OPTIONS, messagingTransport, ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { redisOptionsFrom } from '@sessionledger/platform';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { NO_QUALIFIERS, postedSnapshot, postedStudent, REMEDIAL } from '../../payroll/test/support/posted-sessions';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

const ZONE = 'America/Chicago';
const DAY_MS = 24 * 60 * 60_000;
const GOOD_NOTE = 'You worked through every problem today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two a night.';
/** The emitted sessions are all in March 2026; the one posted through the API is two days ago. */
const MARCH = '?from=2026-03-01&to=2026-03-31';
const DETENTION: PostedParticipant['qualifiers'] = { ...NO_QUALIFIERS, detention: true };
const HOMEBOUND_REMEDIAL: PostedParticipant['qualifiers'] = { ...REMEDIAL, homebound: true };

function localDateDaysAgo(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() - days * DAY_MS));
}

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

/** A student of an emitted snapshot, the same person across sessions. */
function student(personId: string, name: string, status: 'attended' | 'missed_billable', minutes: number, qualifiers = NO_QUALIFIERS): PostedParticipant {
  return { ...postedStudent(status, minutes, qualifiers), personId, name };
}

function teacher(personId: string, name: string, minutes: number, teacherGroups?: { id: string; name: string }[]): PostedParticipant {
  return { ...student(personId, name, 'attended', minutes), kind: 'staff', ...(teacherGroups ? { teacherGroups } : {}) };
}

describe('Dashboards: minutes, dosage and coaching time over posted sessions (state-reporting → gateway)', () => {
  let platform: SessionPlatform;
  let stateReporting: NestFastifyApplication;
  let queue: Queue;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let schoolAdmin: Session;
  let schoolA: { id: string };
  let schoolB: { id: string };
  const people = { ada: randomUUID(), ben: randomUUID(), cal: randomUUID(), dee: randomUUID(), terry: randomUUID(), tina: randomUUID() };
  const teamThree = { id: randomUUID(), name: 'Grade 3 team' };
  const science = { id: randomUUID(), name: 'Science' };
  const providers = { pat: randomUUID(), quinn: randomUUID() };

  const inboxCount = async (districtId: string) =>
    (
      await stateReporting
        .get(TenantTransactions)
        .run(districtId, (em) => em.execute(`select count(*)::int as count from state_reporting.inbox_event where name like 'session-log.session-%'`) as Promise<{ count: number }[]>)
    )[0].count;

  /** Emits built snapshots on the real bus (a new event id each) and waits until state reporting has taken them. */
  async function emitPostings(districtId: string, ...events: ({ posted: PostedSessionSnapshot } | { amended: PostedSessionSnapshot })[]): Promise<void> {
    const before = await inboxCount(districtId);
    const bus = platform.gateway.get(ServiceBus);
    for (const event of events) {
      if ('posted' in event) await bus.emit(SESSION_POSTED, { districtId, snapshot: event.posted });
      else await bus.emit(SESSION_AMENDED, { districtId, snapshot: event.amended, previousVersion: event.amended.version - 1, reason: 'Corrected' });
    }
    await waitFor(async () => (await inboxCount(districtId)) >= before + events.length, 15_000);
  }

  const dashboard = (session: Session, path: string) => as(platform.gateway, session).get(`/api/dashboards/${path}`);
  const groupsOf = async (session: Session, path: string) => (await dashboard(session, path).expect(200)).body.groups;

  async function setMinGroupSize(size: number): Promise<void> {
    const current = await as(platform.gateway, admin).get('/api/district').expect(200);
    const updated = await as(platform.gateway, admin)
      .patch('/api/district')
      .send({ version: current.body.version, settings: { anonymizationMinGroupSize: size } })
      .expect(200);
    await replicated(stateReporting, district.id, updated.body.version);
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    const env = stateReporting.get(Environment);
    queue = new Queue(eventQueueOf('state-reporting'), { connection: redisOptionsFrom(env.REDIS_URL, 'commands'), prefix: env.REDIS_PREFIX });
    [district, other] = await Promise.all([platform.district(2), platform.district(1)]);
    for (const d of [district, other]) {
      await waitFor(async () => (await stateReporting.get(TenantTransactions).run(d.id, (em) => em.count(DistrictReplica, { districtId: d.id }))) > 0, 15_000);
    }
    [schoolA, schoolB] = district.schools;
    [admin, otherAdmin] = await Promise.all([signIn(platform.gateway, district.admin.email), signIn(platform.gateway, other.admin.email)]);
    schoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [schoolA.id] })).email);

    // Tutoring at A on Monday 2 March (Pat; a work order; 60 planned), amended so Ben has 40 minutes, not 45.
    const first = postedSnapshot({
      providerId: providers.pat,
      providerName: 'Pat One',
      schoolId: schoolA.id,
      schoolCode: 'A-CODE',
      workOrderId: randomUUID(),
      workOrderType: 'tutoring',
      sessionDate: '2026-03-02',
      plannedMinutes: 60,
      participants: [
        student(people.ada, 'Ada', 'attended', 45, REMEDIAL),
        student(people.ben, 'Ben', 'attended', 45, DETENTION),
        student(people.cal, 'Cal', 'missed_billable', 0),
      ],
    });
    const amended = { ...first, version: 2, contentHash: 'b'.repeat(64), participants: [first.participants[0], { ...first.participants[1], minutes: 40 }, first.participants[2]] };
    // Homebound at B on Wednesday 11 March (Quinn; 30 planned).
    const homebound = postedSnapshot({
      providerId: providers.quinn,
      providerName: 'Quinn Two',
      schoolId: schoolB.id,
      schoolCode: 'B-CODE',
      workOrderId: randomUUID(),
      workOrderType: 'homebound',
      service: 'homebound',
      sessionDate: '2026-03-11',
      plannedMinutes: 30,
      participants: [student(people.dee, 'Dee', 'attended', 30, HOMEBOUND_REMEDIAL)],
    });
    // Tutoring at A on Wednesday 4 March without a work order, nothing planned: its adjusted 20 minutes count as planned.
    const unplanned = postedSnapshot({
      providerId: providers.quinn,
      providerName: 'Quinn Two',
      schoolId: schoolA.id,
      schoolCode: 'A-CODE',
      workOrderId: null,
      workOrderType: null,
      sessionDate: '2026-03-04',
      plannedMinutes: null,
      adjustedMinutes: 20,
      participants: [student(people.ada, 'Ada', 'attended', 20)],
    });
    const coaching = (fields: Partial<PostedSessionSnapshot> & Pick<PostedSessionSnapshot, 'providerId' | 'schoolId'>) =>
      postedSnapshot({ workOrderId: null, workOrderType: null, participantKind: 'staff', service: 'coaching', ...fields });
    await emitPostings(
      district.id,
      { posted: first },
      { amended },
      { posted: homebound },
      { posted: unplanned },
      {
        posted: coaching({
          providerId: providers.pat,
          providerName: 'Pat One',
          schoolId: schoolA.id,
          schoolCode: 'A-CODE',
          sessionDate: '2026-03-03',
          coachingLog: { category: 'Observation', focus: 'Questioning' },
          participants: [teacher(people.terry, 'Terry', 50, [teamThree, science]), teacher(people.tina, 'Tina', 50, [])],
        }),
      },
      {
        posted: coaching({
          providerId: providers.quinn,
          providerName: 'Quinn Two',
          schoolId: schoolB.id,
          schoolCode: 'B-CODE',
          service: 'mentoring',
          sessionDate: '2026-03-10',
          participants: [teacher(people.terry, 'Terry', 30, [teamThree])],
        }),
      },
    );
  });

  afterAll(async () => {
    await queue?.close();
    await stopApps(stateReporting);
    await platform?.stop();
  });

  it('sums student minutes of current versions by service, school, provider, category (work order type), week and qualifier', async () => {
    const minutes = await dashboard(admin, `minutes${MARCH}&groupBy=service`).expect(200);
    expect(minutes.body).toMatchObject({ groupBy: 'service', from: '2026-03-01', to: '2026-03-31', anonymized: false, minGroupSize: 10, suppressedGroups: 0 });
    expect(minutes.body.groups).toEqual([
      { key: 'homebound', label: 'homebound', minutes: 30, students: 1, sessions: 1, records: 1 },
      { key: 'tutoring', label: 'tutoring', minutes: 105, students: 3, sessions: 2, records: 4 },
    ]);
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=school`)).toEqual([
      { key: schoolA.id, label: 'A-CODE', minutes: 105, students: 3, sessions: 2, records: 4 },
      { key: schoolB.id, label: 'B-CODE', minutes: 30, students: 1, sessions: 1, records: 1 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=provider`)).toEqual([
      { key: providers.pat, label: 'Pat One', minutes: 85, students: 3, sessions: 1, records: 3 },
      { key: providers.quinn, label: 'Quinn Two', minutes: 50, students: 2, sessions: 2, records: 2 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=category`)).toEqual([
      { key: 'homebound', label: 'homebound', minutes: 30, students: 1, sessions: 1, records: 1 },
      { key: 'none', label: 'none', minutes: 20, students: 1, sessions: 1, records: 1 },
      { key: 'tutoring', label: 'tutoring', minutes: 85, students: 3, sessions: 1, records: 3 },
    ]);
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=week`)).toEqual([
      { key: '2026-03-02', label: '2026-03-02', minutes: 105, students: 3, sessions: 2, records: 4 },
      { key: '2026-03-09', label: '2026-03-09', minutes: 30, students: 1, sessions: 1, records: 1 },
    ]);
    // A record counts under each of its qualifiers; one with none under `none`.
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=qualifier`)).toEqual([
      { key: 'detention', label: 'detention', minutes: 40, students: 1, sessions: 1, records: 1 },
      { key: 'homebound', label: 'homebound', minutes: 30, students: 1, sessions: 1, records: 1 },
      { key: 'none', label: 'none', minutes: 20, students: 2, sessions: 2, records: 2 },
      { key: 'remedial', label: 'remedial', minutes: 75, students: 2, sessions: 2, records: 2 },
    ]);
    // Dates and school narrow it.
    expect(await groupsOf(admin, `minutes?from=2026-03-09&to=2026-03-31&groupBy=service`)).toEqual([expect.objectContaining({ key: 'homebound', minutes: 30 })]);
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=service&schoolId=${schoolB.id}`)).toEqual([expect.objectContaining({ key: 'homebound', minutes: 30 })]);
  });

  it('gives each student’s planned and delivered minutes (dosage), with totals, paged', async () => {
    const dosage = (await dashboard(admin, `dosage${MARCH}`).expect(200)).body;
    expect(dosage.totals).toEqual({ students: 4, plannedMinutes: 230, deliveredMinutes: 135, dosagePercent: 59 });
    expect(dosage).toMatchObject({ page: 1, pageSize: 50, total: 4, anonymized: false });
    expect(dosage.items).toEqual([
      { studentId: people.ada, studentName: 'Ada', stateId: null, sessions: 2, students: 1, plannedMinutes: 80, deliveredMinutes: 65, dosagePercent: 81 },
      { studentId: people.ben, studentName: 'Ben', stateId: null, sessions: 1, students: 1, plannedMinutes: 60, deliveredMinutes: 40, dosagePercent: 67 },
      { studentId: people.cal, studentName: 'Cal', stateId: null, sessions: 1, students: 1, plannedMinutes: 60, deliveredMinutes: 0, dosagePercent: 0 },
      { studentId: people.dee, studentName: 'Dee', stateId: null, sessions: 1, students: 1, plannedMinutes: 30, deliveredMinutes: 30, dosagePercent: 100 },
    ]);
    const second = (await dashboard(admin, `dosage${MARCH}&pageSize=3&page=2`).expect(200)).body;
    expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4 });
    expect(second.items.map((s: { studentName: string }) => s.studentName)).toEqual(['Dee']);
  });

  it('sums coaching time by category (the coaching log’s category, else the service), school, provider, teacher and teacher group', async () => {
    expect(await groupsOf(admin, `coaching${MARCH}&groupBy=category`)).toEqual([
      { key: 'Observation', label: 'Observation', minutes: 100, teachers: 2, sessions: 1 },
      { key: 'mentoring', label: 'mentoring', minutes: 30, teachers: 1, sessions: 1 },
    ]);
    expect(await groupsOf(admin, `coaching${MARCH}&groupBy=school`)).toEqual([
      { key: schoolA.id, label: 'A-CODE', minutes: 100, teachers: 2, sessions: 1 },
      { key: schoolB.id, label: 'B-CODE', minutes: 30, teachers: 1, sessions: 1 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    expect(await groupsOf(admin, `coaching${MARCH}&groupBy=provider`)).toEqual([
      { key: providers.pat, label: 'Pat One', minutes: 100, teachers: 2, sessions: 1 },
      { key: providers.quinn, label: 'Quinn Two', minutes: 30, teachers: 1, sessions: 1 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    expect(await groupsOf(admin, `coaching${MARCH}&groupBy=teacher`)).toEqual([
      { key: people.terry, label: 'Terry', minutes: 80, teachers: 1, sessions: 2 },
      { key: people.tina, label: 'Tina', minutes: 50, teachers: 1, sessions: 1 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    // Terry's first session counts in both his groups; Tina, in none, under 'none' ('none' sorts after any uuid).
    expect(await groupsOf(admin, `coaching${MARCH}&groupBy=teacher_group`)).toEqual([
      ...[
        { key: teamThree.id, label: 'Grade 3 team', minutes: 80, teachers: 1, sessions: 2 },
        { key: science.id, label: 'Science', minutes: 50, teachers: 1, sessions: 1 },
      ].sort((a, b) => a.key.localeCompare(b.key)),
      { key: 'none', label: 'none', minutes: 50, teachers: 1, sessions: 1 },
    ]);
    // Coaching time is not student minutes.
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=service`)).not.toContainEqual(expect.objectContaining({ key: 'coaching' }));
  });

  it('shows a session posted through the API within seconds of the post, with its planned minutes', async () => {
    const sessionDate = localDateDaysAgo(2);
    const tutor: TestUser = await district.user(['provider'], { schoolIds: [schoolA.id], providerKind: 'tutor', name: 'Tess' });
    const tutorSession = await signIn(platform.gateway, tutor.email);
    const kid = await addStudent(platform.gateway, admin, schoolA.id, {});
    const group = await addGroup(platform.gateway, admin, schoolA.id, tutor.id, [kid.id]);
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: schoolA.id });
    const startedAt = new Date(Date.parse(`${sessionDate}T20:00:00Z`));
    const started = await startSession(platform.gateway, tutorSession, {
      service: 'tutoring',
      groupId: group.id,
      workOrderId: workOrder.id,
      plannedMinutes: 60,
      startedAt: startedAt.toISOString(),
    });
    const [participant] = started.participants as { id: string }[];
    await as(platform.gateway, tutorSession)
      .patch(`/api/sessions/${started.id}/participants/${participant.id}`)
      .send({ version: 1, present: true, qualifiers: { ...REMEDIAL, subject: 'Mathematics' }, studentNote: GOOD_NOTE })
      .expect(200);
    await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);

    const byProvider = `minutes?from=${sessionDate}&to=${sessionDate}&groupBy=provider`;
    expect(await groupsOf(admin, byProvider)).toEqual([]);
    await as(platform.gateway, tutorSession).post(`/api/sessions/${started.id}/post`).send({ password: TEST_PASSWORD }).expect(200);

    // Session-log's relay is off (test files share Redis prefixes per run); its outbox rows go to state reporting's queue as the relay sends them.
    const outbox = await sessionLogRows<{ id: string; district_id: string; name: string; payload: object; occurred_at: Date }>(
      platform.sessionLog,
      district.id,
      `select id, district_id, name, payload, occurred_at from session_log.outbox_event where payload->'snapshot'->>'sessionId' = ? and name = ?`,
      [started.id, SESSION_POSTED.name],
    );
    expect(outbox).toHaveLength(1);
    const [row] = outbox;
    expect((row.payload as { snapshot: PostedSessionSnapshot }).snapshot.plannedMinutes).toBe(60);
    await queue.add(row.name, { id: row.id, name: row.name, districtId: row.district_id, occurredAt: new Date(row.occurred_at).toISOString(), payload: row.payload }, {
      ...EVENT_JOB_OPTIONS,
      jobId: row.id,
    });

    await waitFor(async () => (await groupsOf(admin, byProvider)).length > 0, 10_000);
    expect(await groupsOf(admin, byProvider)).toEqual([{ key: tutor.id, label: expect.stringContaining('Tess'), minutes: 45, students: 1, sessions: 1, records: 1 }]);
    const dosage = (await dashboard(admin, `dosage?from=${sessionDate}&to=${sessionDate}`).expect(200)).body;
    expect(dosage.items).toEqual([expect.objectContaining({ studentId: kid.id, plannedMinutes: 60, deliveredMinutes: 45, dosagePercent: 75 })]);
  });

  it('anonymized, leaves out every group with fewer people than the district’s minimum, and gives dosage as totals only', async () => {
    // The default minimum (10) suppresses everything here.
    const all = (await dashboard(admin, `minutes${MARCH}&groupBy=school&anonymized=true`).expect(200)).body;
    expect(all).toMatchObject({ anonymized: true, minGroupSize: 10, suppressedGroups: 2, groups: [] });

    await setMinGroupSize(2);
    const bySchool = (await dashboard(admin, `minutes${MARCH}&groupBy=school&anonymized=true`).expect(200)).body;
    expect(bySchool).toMatchObject({ anonymized: true, minGroupSize: 2, suppressedGroups: 1 });
    expect(bySchool.groups).toEqual([{ key: schoolA.id, label: 'A-CODE', minutes: 105, students: 3, sessions: 2, records: 4 }]);
    const byQualifier = (await dashboard(admin, `minutes${MARCH}&groupBy=qualifier&anonymized=true`).expect(200)).body;
    expect(byQualifier.groups.map((g: { key: string }) => g.key)).toEqual(['none', 'remedial']);
    expect(byQualifier.suppressedGroups).toBe(2);
    // Not anonymized, nothing is left out.
    expect(await groupsOf(admin, `minutes${MARCH}&groupBy=school`)).toHaveLength(2);

    const teachers = (await dashboard(admin, `coaching${MARCH}&groupBy=teacher&anonymized=true`).expect(200)).body;
    expect(teachers).toMatchObject({ groups: [], suppressedGroups: 2 });
    const teacherGroups = (await dashboard(admin, `coaching${MARCH}&groupBy=teacher_group&anonymized=true`).expect(200)).body;
    expect(teacherGroups).toMatchObject({ groups: [], suppressedGroups: 3 });
    expect((await dashboard(admin, `coaching${MARCH}&groupBy=school&anonymized=true`).expect(200)).body.groups).toEqual([
      expect.objectContaining({ key: schoolA.id, teachers: 2, minutes: 100 }),
    ]);

    const dosage = (await dashboard(admin, `dosage${MARCH}&anonymized=true`).expect(200)).body;
    expect(dosage).toMatchObject({ anonymized: true, items: [], total: 0, suppressedGroups: 0 });
    expect(dosage.totals).toEqual({ students: 4, plannedMinutes: 230, deliveredMinutes: 135, dosagePercent: 59 });

    await setMinGroupSize(5);
    const tooFew = (await dashboard(admin, `dosage${MARCH}&anonymized=true`).expect(200)).body;
    expect(tooFew).toMatchObject({ minGroupSize: 5, totals: null, items: [], suppressedGroups: 1 });
  });

  it('lets district admins and school admins (their schools) read dashboards; refuses other roles with 403, other districts’ schools with 404', async () => {
    // A school admin sees their school's groups only; another school, named, is 404.
    expect((await groupsOf(schoolAdmin, `minutes${MARCH}&groupBy=school`)).map((g: { key: string }) => g.key)).toEqual([schoolA.id]);
    expect((await groupsOf(schoolAdmin, `coaching${MARCH}&groupBy=school`)).map((g: { key: string }) => g.key)).toEqual([schoolA.id]);
    expect((await dashboard(schoolAdmin, `dosage${MARCH}`).expect(200)).body.totals.students).toBe(3);
    expect((await dashboard(schoolAdmin, `minutes${MARCH}&groupBy=school&schoolId=${schoolB.id}`).expect(404)).body.code).toBe('SCHOOL.NOT_FOUND');
    await dashboard(schoolAdmin, `dosage?schoolId=${schoolB.id}`).expect(404);

    // Another district's admin sees none of this district's minutes, and its schools are 404.
    expect(await groupsOf(otherAdmin, `minutes${MARCH}&groupBy=school`)).toEqual([]);
    expect(await groupsOf(otherAdmin, `coaching${MARCH}&groupBy=teacher`)).toEqual([]);
    expect((await dashboard(otherAdmin, `dosage${MARCH}`).expect(200)).body).toMatchObject({ items: [], total: 0 });
    await dashboard(otherAdmin, `minutes?groupBy=school&schoolId=${schoolA.id}`).expect(404);
    await dashboard(otherAdmin, `coaching?groupBy=school&schoolId=${schoolA.id}`).expect(404);
    await dashboard(otherAdmin, `dosage?schoolId=${schoolA.id}`).expect(404);

    for (const role of ['provider', 'guardian', 'student', 'payroll'] as const) {
      const user = await signIn(platform.gateway, (await district.user([role], role === 'provider' ? { schoolIds: [schoolA.id], providerKind: 'tutor' } : {})).email);
      expect((await dashboard(user, 'minutes?groupBy=school').expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      await dashboard(user, 'dosage').expect(403);
      await dashboard(user, 'coaching?groupBy=school').expect(403);
    }
  });

  it('refuses bad queries with 400 naming the field', async () => {
    const badGrouping = await dashboard(admin, 'minutes?groupBy=colour').expect(400);
    expect(badGrouping.body.code).toBe('REQUEST.INVALID');
    expect(fieldsOf(badGrouping.body)).toEqual(['groupBy']);
    expect(badGrouping.body.fields[0].problems).toEqual(['groupBy must be one of: service, school, provider, qualifier, week, category']);
    expect(fieldsOf((await dashboard(admin, 'minutes').expect(400)).body)).toEqual(['groupBy']);
    const badCoaching = await dashboard(admin, 'coaching?groupBy=team').expect(400);
    expect(badCoaching.body.fields).toEqual([{ field: 'groupBy', problems: ['groupBy must be one of: category, school, provider, teacher, teacher_group'] }]);
    expect(fieldsOf((await dashboard(admin, 'minutes?groupBy=school&from=2026-03-10&to=2026-03-01').expect(400)).body)).toEqual(['to']);
    expect(fieldsOf((await dashboard(admin, 'minutes?groupBy=school&from=2026-02-30').expect(400)).body)).toEqual(['from']);
    expect(fieldsOf((await dashboard(admin, 'minutes?groupBy=school&anonymized=perhaps').expect(400)).body)).toEqual(['anonymized']);
    expect(fieldsOf((await dashboard(admin, 'dosage?schoolId=nope').expect(400)).body)).toEqual(['schoolId']);
    expect(fieldsOf((await dashboard(admin, 'dosage?pageSize=500').expect(400)).body)).toEqual(['pageSize']);
  });
});
