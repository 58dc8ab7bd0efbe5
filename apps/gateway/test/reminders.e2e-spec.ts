import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { Environment } from '@sessionledger/config';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { redisOptionsFrom } from '@sessionledger/platform';
import { MailServer, startApp, startMailServer, waitFor } from '@sessionledger/testing';
import { REMINDER_QUEUE, ReminderJob, reminderJobId } from '../../scheduling/src/reminders/reminder-jobs';
import { RemindersService } from '../../scheduling/src/reminders/reminders.service';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder, guardianOf, linkStudentAccount } from './support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

interface Notification {
  id: string;
  kind: 'reminder' | 'escalation' | 'digest';
  recipientUserId: string | null;
  recipientSchoolId: string | null;
  taskId: string;
  taskKind: string;
  sessionId: string;
  readAt: string | null;
  emailedAt: string | null;
}

describe('Post-session task reminders and escalations (session-log → scheduling, BullMQ delayed jobs)', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let queue: Queue<ReminderJob>;
  let sink: MailServer;

  const startScheduling = () =>
    startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') }, { REMINDER_SWEEP_INTERVAL_MS: '1000', SMTP_URL: sink.url });

  beforeAll(async () => {
    sink = await startMailServer();
    // Session-log's relay on: its task events are what scheduling works from.
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    scheduling = await startScheduling();
    const env = scheduling.get(Environment);
    queue = new Queue<ReminderJob>(REMINDER_QUEUE, { connection: redisOptionsFrom(env.REDIS_URL, 'commands'), prefix: env.REDIS_PREFIX });
  });

  afterAll(async () => {
    await queue?.close();
    await scheduling?.close();
    await platform?.stop();
    await sink?.close();
  });

  /** A district whose task settings reached both session-log and scheduling. */
  async function districtWith(settings: { taskDueHours?: number; taskEscalationHours?: number }): Promise<{ district: TestDistrict; admin: Session }> {
    const district = await platform.district(2);
    await replicated(scheduling, district.id, 1);
    const admin = await signIn(platform.gateway, district.admin.email);
    const current = await as(platform.gateway, admin).get('/api/district').expect(200);
    const patched = await as(platform.gateway, admin).patch('/api/district').send({ version: current.body.version, settings }).expect(200);
    await replicated(platform.sessionLog, district.id, patched.body.version);
    await replicated(scheduling, district.id, patched.body.version);
    return { district, admin };
  }

  async function provider(district: TestDistrict, school = 0): Promise<{ id: string; email: string; session: Session }> {
    const user = await district.user(['provider'], { schoolIds: [district.schools[school].id], providerKind: 'tutor' });
    return { id: user.id, email: user.email, session: await signIn(platform.gateway, user.email) };
  }

  async function notificationsOf(session: Session, query = ''): Promise<Notification[]> {
    const response = await as(platform.gateway, session).get(`/api/me/notifications${query}`);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  function schedulingRows<T>(districtId: string, sql: string, params: unknown[] = []): Promise<T[]> {
    return scheduling.get(TenantTransactions).run(districtId, (em) => em.execute(sql, params) as Promise<T[]>);
  }

  function tasksOf(districtId: string, sessionId: string) {
    return sessionLogRows<{ id: string; kind: string; due_at: Date }>(platform.sessionLog, districtId, 'select id, kind, due_at from session_log.post_session_task where session_id = ? order by kind', [sessionId]);
  }

  async function mirrored(districtId: string, sessionId: string, open: boolean): Promise<void> {
    await waitFor(async () => {
      const rows = await schedulingRows<{ open: boolean }>(districtId, 'select open from scheduling.task_mirror where session_id = ?', [sessionId]);
      return rows.length === 2 && rows.every((r) => r.open === open);
    }, 15_000);
  }

  /** Waits until the delayed jobs of the session's tasks are gone from the queue (run and removed). */
  async function jobsDone(districtId: string, sessionId: string, kind: ReminderJob['kind']): Promise<void> {
    const ids = (await tasksOf(districtId, sessionId)).map((t) => reminderJobId({ districtId, taskId: t.id, kind }, new Date(t.due_at)));
    await waitFor(async () => (await Promise.all(ids.map((id) => queue.getJob(id)))).every((job) => !job), 15_000);
  }

  it('reminds the provider once per task when it is past due, by a notification and an email, and nobody else', async () => {
    const { district, admin } = await districtWith({ taskDueHours: 1 });
    const tutor = await provider(district);
    const schoolAdmin = await district.user(['school_admin'], { schoolIds: [district.schools[0].id] });
    const started = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: minutesAgo(70) });

    await waitFor(async () => (await notificationsOf(tutor.session)).length === 2, 15_000);
    const reminders = await notificationsOf(tutor.session);
    expect(reminders.map((n) => [n.kind, n.taskKind, n.sessionId, n.recipientUserId, n.readAt]).sort()).toEqual([
      ['reminder', 'attendance', started.id, tutor.id, null],
      ['reminder', 'notes', started.id, tutor.id, null],
    ]);

    // The same jobs again (an event redelivered, a job re-added): still one reminder per task.
    const tasks = await tasksOf(district.id, started.id);
    for (const task of tasks) {
      const job = { districtId: district.id, taskId: task.id, kind: 'reminder' as const };
      await queue.add('reminder', job, { jobId: reminderJobId(job, new Date(task.due_at)), removeOnComplete: true });
    }
    await jobsDone(district.id, started.id, 'reminder');
    expect(await scheduling.get(RemindersService).sweep()).toBe(0);
    const rows = await schedulingRows<{ kind: string; n: number }>(district.id, 'select kind, count(*)::int as n from scheduling.notification where session_id = ? group by kind', [started.id]);
    expect(rows).toEqual([{ kind: 'reminder', n: 2 }]);
    await waitFor(async () => (await notificationsOf(tutor.session)).every((n) => n.emailedAt !== null), 15_000);
    const mails = sink.mails.filter((m) => m.to === tutor.email);
    expect(mails).toHaveLength(2);
    // Through STARTTLS, authenticated, from the configured sender.
    expect(mails.every((m) => m.secure && m.user === 'sessionledger' && m.from === 'reminders@sessionledger.invalid')).toBe(true);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Reminder: overdue attendance for a session',
      'Reminder: overdue session notes for a session',
    ]);

    // Escalation is 24 hours past due by default: the admins have nothing yet.
    expect(await notificationsOf(await signIn(platform.gateway, schoolAdmin.email))).toEqual([]);
    expect(await notificationsOf(admin)).toEqual([]);
  });

  it('e-mails a Spanish-speaking provider the reminder in Spanish', async () => {
    const { district } = await districtWith({ taskDueHours: 1 });
    const tutor = await provider(district);
    await platform.gateway.get(TenantTransactions).run(district.id, (em) => em.execute(`update gateway.app_user set language = 'es' where id = ?`, [tutor.id]));
    await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: minutesAgo(70) });
    await waitFor(async () => sink.to(tutor.email).length === 2, 15_000);
    expect(sink.to(tutor.email).map((m) => m.subject).sort()).toEqual([
      'Recordatorio: asistencia pendiente de una sesión',
      'Recordatorio: notas pendientes de una sesión',
    ]);
  });

  it('sends no reminder for a task completed before it was due, nor for a deleted session', async () => {
    const { district } = await districtWith({ taskDueHours: 1 });
    const tutor = await provider(district);
    const started = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: minutesAgo(5) });
    await mirrored(district.id, started.id, true);
    // Cancelled with nobody on it: both tasks are done.
    await as(platform.gateway, tutor.session).post(`/api/sessions/${started.id}/cancel`).send({ version: started.version, cancelledAt: minutesAgo(1) }).expect(200);
    await mirrored(district.id, started.id, false);

    const mistaken = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: minutesAgo(2) });
    await mirrored(district.id, mistaken.id, true);
    const mistakenJobs = (await tasksOf(district.id, mistaken.id)).map((t) => reminderJobId({ districtId: district.id, taskId: t.id, kind: 'reminder' }, new Date(t.due_at)));
    await as(platform.gateway, tutor.session).delete(`/api/sessions/${mistaken.id}`).expect(200);
    await mirrored(district.id, mistaken.id, false);

    // Run the delayed reminders now, as if their hour had come.
    const cancelledJobs = (await tasksOf(district.id, started.id)).map((t) => reminderJobId({ districtId: district.id, taskId: t.id, kind: 'reminder' }, new Date(t.due_at)));
    for (const id of [...cancelledJobs, ...mistakenJobs]) {
      const job = await queue.getJob(id);
      expect(job).toBeDefined();
      await job!.promote();
    }
    await waitFor(async () => (await Promise.all([...cancelledJobs, ...mistakenJobs].map((id) => queue.getJob(id)))).every((job) => !job), 15_000);
    expect(await notificationsOf(tutor.session)).toEqual([]);
    expect(sink.mails.filter((m) => m.to === tutor.email)).toEqual([]);
  });

  it('escalates to the admins of the task’s school after the district’s delay, and lets each reader mark theirs read', async () => {
    const { district, admin } = await districtWith({ taskDueHours: 1, taskEscalationHours: 1 });
    const tutor = await provider(district);
    const ownAdminUser = await district.user(['school_admin'], { schoolIds: [district.schools[0].id] });
    const ownAdmin = await signIn(platform.gateway, ownAdminUser.email);
    const otherAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [district.schools[1].id] })).email);
    const started = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: minutesAgo(130) });

    await waitFor(async () => (await notificationsOf(ownAdmin)).length === 2, 15_000);
    const escalations = await notificationsOf(ownAdmin);
    expect(escalations.map((n) => [n.kind, n.taskKind, n.sessionId, n.recipientSchoolId, n.recipientUserId]).sort()).toEqual([
      ['escalation', 'attendance', started.id, district.schools[0].id, null],
      ['escalation', 'notes', started.id, district.schools[0].id, null],
    ]);
    expect((await notificationsOf(admin)).map((n) => n.id).sort()).toEqual(escalations.map((n) => n.id).sort());
    expect(await notificationsOf(otherAdmin)).toEqual([]);
    await waitFor(async () => (await notificationsOf(tutor.session)).length === 2, 15_000);
    expect((await notificationsOf(tutor.session)).every((n) => n.kind === 'reminder')).toBe(true);
    // Scheduling mails no admin (it knows no admin's address); the gateway does, upon the escalation's event (notification-mail.e2e-spec.ts), and this file's gateway has no mail server.
    expect(escalations.every((n) => n.emailedAt === null)).toBe(true);
    expect(sink.mails.filter((m) => [ownAdminUser.email, district.admin.email].includes(m.to))).toEqual([]);

    const [escalation] = escalations;
    const refused = await as(platform.gateway, otherAdmin).post(`/api/me/notifications/${escalation.id}/read`);
    expect(refused.status).toBe(404);
    const read = await as(platform.gateway, ownAdmin).post(`/api/me/notifications/${escalation.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: escalation.id, readAt: expect.any(String) });
    const again = await as(platform.gateway, ownAdmin).post(`/api/me/notifications/${escalation.id}/read`).expect(200);
    expect(again.body.readAt).toBe(read.body.readAt);
    expect((await notificationsOf(tutor.session)).every((n) => n.readAt === null)).toBe(true);

    // A page at a time, newest first; unread ones only; those changed (here: read) since an instant.
    const firstPage = (await as(platform.gateway, ownAdmin).get('/api/me/notifications?pageSize=1').expect(200)).body;
    expect(firstPage).toMatchObject({ page: 1, pageSize: 1, total: 2, items: [{ id: escalations[0].id }] });
    const secondPage = (await as(platform.gateway, ownAdmin).get('/api/me/notifications?pageSize=1&page=2').expect(200)).body;
    expect(secondPage.items.map((n: Notification) => n.id)).toEqual([escalations[1].id]);
    expect((await notificationsOf(ownAdmin, '?unread=true')).map((n) => n.id)).toEqual(escalations.filter((n) => n.id !== escalation.id).map((n) => n.id));
    expect((await notificationsOf(ownAdmin, `?updatedSince=${encodeURIComponent(read.body.readAt)}`)).map((n) => n.id)).toEqual([escalation.id]);
    const refusedQuery = await as(platform.gateway, ownAdmin).get('/api/me/notifications?unread=maybe&pageSize=500');
    expect(refusedQuery.status).toBe(400);
    expect(refusedQuery.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['pageSize', 'unread']);
  });

  it('follows the district’s escalation delay when it changes after the task was scheduled', async () => {
    const { district, admin } = await districtWith({ taskDueHours: 1, taskEscalationHours: 1 });
    const ownAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [district.schools[0].id] })).email);
    const early = await provider(district);
    const late = await provider(district);
    // Due a minute ago: escalation in 59 minutes at first.
    const earlySession = await startSession(platform.gateway, early.session, { service: 'tutoring', startedAt: minutesAgo(61) });
    await waitFor(async () => (await notificationsOf(early.session)).length === 2, 15_000);

    // Lengthened to 24 hours, then the job runs at its old hour: it waits again, escalating nothing.
    const current = await as(platform.gateway, admin).get('/api/district').expect(200);
    const lengthened = await as(platform.gateway, admin).patch('/api/district').send({ version: current.body.version, settings: { taskEscalationHours: 24 } }).expect(200);
    await replicated(scheduling, district.id, lengthened.body.version);
    const earlyJobs = (await tasksOf(district.id, earlySession.id)).map((t) => reminderJobId({ districtId: district.id, taskId: t.id, kind: 'escalation' }, new Date(t.due_at)));
    for (const id of earlyJobs) await (await queue.getJob(id))!.promote();
    await waitFor(async () => (await Promise.all(earlyJobs.map(async (id) => (await queue.getJob(id))?.getState()))).every((state) => state === 'delayed'), 15_000);
    const delayedJobs = await Promise.all(earlyJobs.map((id) => queue.getJob(id)));
    expect(delayedJobs.every((job) => job!.timestamp + job!.delay > Date.now() + 22 * 3_600_000)).toBe(true);
    expect(await notificationsOf(ownAdmin)).toEqual([]);

    // Shortened to 1 hour: a task 1 hour past due, whose job waits for 23 more, is escalated by the sweep.
    const lateSession = await startSession(platform.gateway, late.session, { service: 'tutoring', startedAt: minutesAgo(125) });
    await waitFor(async () => (await notificationsOf(late.session)).length === 2, 15_000);
    const shortened = await as(platform.gateway, admin).patch('/api/district').send({ version: lengthened.body.version, settings: { taskEscalationHours: 1 } }).expect(200);
    await replicated(scheduling, district.id, shortened.body.version);
    await waitFor(async () => (await notificationsOf(ownAdmin)).length === 2, 15_000);
    expect((await notificationsOf(ownAdmin)).map((n) => [n.kind, n.sessionId])).toEqual([
      ['escalation', lateSession.id],
      ['escalation', lateSession.id],
    ]);
  });

  it('gives guardians a digest of their student’s notes every 4 posted sessions the student attended', async () => {
    const { district, admin } = await districtWith({});
    const tutor = await provider(district);
    const [student, classmate] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    const group = await addGroup(platform.gateway, admin, district.schools[0].id, tutor.id, [student.id, classmate.id]);
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
    const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [student.id])).email);
    const otherGuardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [classmate.id])).email);

    /** A complete session (the student attended, the classmate missed it), posted by the tutor. */
    async function postSession(daysAgo: number): Promise<string> {
      const startedAt = new Date(Date.now() - daysAgo * 24 * 3_600_000 - 3_600_000);
      const started = await startSession(platform.gateway, tutor.session, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: startedAt.toISOString() });
      for (const p of started.participants) {
        const attended = p.personId === student.id;
        await as(platform.gateway, tutor.session)
          .patch(`/api/sessions/${started.id}/participants/${p.id}`)
          .send({
            version: 1,
            ...(attended
              ? { present: true, studentNote: `Session ${daysAgo}: you kept going on the hard problems today. Your fractions are faster. Check answers against the estimate.`, clientNote: `Practice ${daysAgo}` }
              : { attendanceStatus: 'missed_billable' }),
            qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
          })
          .expect(200);
      }
      await as(platform.gateway, tutor.session).post(`/api/sessions/${started.id}/end`).send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() }).expect(200);
      await as(platform.gateway, tutor.session).post(`/api/sessions/${started.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
      return started.id;
    }
    const posted = async () => (await schedulingRows<{ n: number }>(district.id, 'select count(*)::int as n from scheduling.student_posted_session where student_id = ?', [student.id]))[0].n;

    const first = [await postSession(4), await postSession(3), await postSession(2)];
    await waitFor(async () => (await posted()) === 3, 15_000);
    expect(await notificationsOf(guardian)).toEqual([]);

    first.push(await postSession(1));
    await waitFor(async () => (await notificationsOf(guardian)).length === 1, 15_000);
    const [digest] = await notificationsOf(guardian);
    expect(digest).toMatchObject({ kind: 'digest', recipientStudentId: student.id, sessionIds: first, readAt: null });
    // The notes themselves are read where they live, under the guardian's note audience.
    const notes = await as(platform.gateway, guardian).get(`/api/sessions/${first[0]}`).expect(200);
    expect(JSON.stringify(notes.body)).toContain('Session 4: you kept going');
    expect(JSON.stringify(notes.body)).toContain('Practice 4');
    expect((await as(platform.gateway, guardian).post(`/api/me/notifications/${digest.id}/read`).expect(200)).body.readAt).toEqual(expect.any(String));

    // The classmate missed every one: no digest for their guardian; nor is the digest the tutor's.
    expect(await notificationsOf(otherGuardian)).toEqual([]);
    expect((await as(platform.gateway, otherGuardian).post(`/api/me/notifications/${digest.id}/read`)).status).toBe(404);
    expect((await notificationsOf(tutor.session)).some((n) => n.kind === 'digest')).toBe(false);
  });

  it('refuses students (403), another district (404), and an id that is not one (400)', async () => {
    const { district } = await districtWith({ taskDueHours: 1 });
    const tutor = await provider(district);
    const admin = await signIn(platform.gateway, district.admin.email);
    const student = await addStudent(platform.gateway, admin, district.schools[0].id);
    const studentUser = await signIn(platform.gateway, (await linkStudentAccount(platform.gateway, district, student.id)).email);
    const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [student.id])).email);
    await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: minutesAgo(70) });
    await waitFor(async () => (await notificationsOf(tutor.session)).length === 2, 15_000);
    const [reminder] = await notificationsOf(tutor.session);

    expect((await as(platform.gateway, studentUser).get('/api/me/notifications')).status).toBe(403);
    expect((await as(platform.gateway, studentUser).post(`/api/me/notifications/${reminder.id}/read`)).status).toBe(403);
    // A guardian reads digests only: the provider's reminder is not theirs.
    expect(await notificationsOf(guardian)).toEqual([]);
    expect((await as(platform.gateway, guardian).post(`/api/me/notifications/${reminder.id}/read`)).status).toBe(404);

    const other = await districtWith({});
    const elsewhere = await as(platform.gateway, other.admin).post(`/api/me/notifications/${reminder.id}/read`);
    expect(elsewhere.status).toBe(404);
    expect(await notificationsOf(other.admin)).toEqual([]);

    const bad = await as(platform.gateway, tutor.session).post('/api/me/notifications/not-an-id/read');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ field: 'id', problems: ['must be a UUID'] }]);
    expect((await notificationsOf(tutor.session)).every((n) => n.readAt === null)).toBe(true);
  });

  it('loses and doubles no reminder across a restart of scheduling, even when Redis lost a delayed job', async () => {
    const { district } = await districtWith({ taskDueHours: 1 });
    const [waiting, lost, whileDown] = [await provider(district), await provider(district), await provider(district)];
    // Due a few seconds from now: their delayed jobs are in Redis when scheduling stops.
    const soon = new Date(Date.now() + 4_000);
    const waitingSession = await startSession(platform.gateway, waiting.session, { service: 'tutoring', startedAt: minutesAgo(60, soon.getTime()) });
    const lostSession = await startSession(platform.gateway, lost.session, { service: 'tutoring', startedAt: minutesAgo(60, soon.getTime()) });
    await mirrored(district.id, waitingSession.id, true);
    await mirrored(district.id, lostSession.id, true);
    for (const task of await tasksOf(district.id, lostSession.id)) {
      const id = reminderJobId({ districtId: district.id, taskId: task.id, kind: 'reminder' }, new Date(task.due_at));
      await waitFor(async () => Boolean(await queue.getJob(id)), 15_000);
    }

    await scheduling.close();
    // Redis loses one session's delayed jobs; another session starts, overdue, while scheduling is down.
    for (const task of await tasksOf(district.id, lostSession.id)) {
      for (const kind of ['reminder', 'escalation'] as const) await queue.remove(reminderJobId({ districtId: district.id, taskId: task.id, kind }, new Date(task.due_at)));
    }
    const downSession = await startSession(platform.gateway, whileDown.session, { service: 'tutoring', startedAt: minutesAgo(70) });
    await waitFor(async () => Date.now() > soon.getTime(), 10_000);
    scheduling = await startScheduling();

    for (const [who, session] of [[waiting, waitingSession], [lost, lostSession], [whileDown, downSession]] as const) {
      await waitFor(async () => (await notificationsOf(who.session)).length === 2, 15_000);
      expect((await notificationsOf(who.session)).map((n) => [n.kind, n.taskKind, n.sessionId]).sort()).toEqual([
        ['reminder', 'attendance', session.id],
        ['reminder', 'notes', session.id],
      ]);
    }
    await scheduling.get(RemindersService).sweep();
    const rows = await schedulingRows<{ task_id: string; n: number }>(
      district.id,
      `select task_id, count(*)::int as n from scheduling.notification where kind = 'reminder' group by task_id`,
    );
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    for (const who of [waiting, lost, whileDown]) {
      await waitFor(async () => (await notificationsOf(who.session)).every((n) => n.emailedAt !== null), 15_000);
      expect(sink.mails.filter((m) => m.to === who.email)).toHaveLength(2);
    }
  });
});
