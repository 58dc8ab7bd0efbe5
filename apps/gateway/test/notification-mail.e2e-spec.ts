import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Environment } from '@sessionledger/config';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { Mailer } from '@sessionledger/platform';
import { MailServer, startApp, startMailServer, waitFor } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { Guardian, GuardianStudent } from '../src/directory/directory.entities';
import { NotificationMail } from '../src/notifications/notification-mail.service';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder, guardianOf } from './support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, startSession, startSessionPlatform } from './support/session-harness';

const APP = 'https://sessionledger.district.test';
const NOTE = 'you kept going on the hard problems today';

interface DigestSessionBody {
  sessionId: string;
  startedAt: string;
  endedAt: string | null;
  service: string | null;
  providerName: string | null;
}

/**
 * The e-mails of events whose people only the gateway knows: escalations to
 * school admins, guardians' digests, a finished export to its requester.
 * A real SMTP server reads what each app delivered.
 */
describe('E-mail upon events: escalations, guardian digests, finished exports (gateway)', () => {
  let sink: MailServer;
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let stateReporting: NestFastifyApplication;

  beforeAll(async () => {
    sink = await startMailServer();
    // Every app of this file reads them: scheduling mails reminders, the gateway everything else.
    process.env.SMTP_URL = sink.url;
    process.env.PUBLIC_BASE_URL = APP;
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') }, { OUTBOX_RELAY_ENABLED: 'true', REMINDER_SWEEP_INTERVAL_MS: '1000' });
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') }, { OUTBOX_RELAY_ENABLED: 'true' });
  });

  afterAll(async () => {
    await stateReporting?.close();
    await scheduling?.close();
    await platform?.stop();
    await sink?.close();
    delete process.env.SMTP_URL;
    delete process.env.PUBLIC_BASE_URL;
  });

  const api = (who: Session) => as(platform.gateway, who);

  async function districtWith(settings: Record<string, unknown>): Promise<{ district: TestDistrict; admin: Session }> {
    const district = await platform.district(2);
    await replicated(scheduling, district.id, 1);
    const admin = await signIn(platform.gateway, district.admin.email);
    if (Object.keys(settings).length) {
      const current = await api(admin).get('/api/district').expect(200);
      const patched = await api(admin).patch('/api/district').send({ version: current.body.version, settings }).expect(200);
      await replicated(platform.sessionLog, district.id, patched.body.version);
      await replicated(scheduling, district.id, patched.body.version);
    }
    return { district, admin };
  }

  function speaksSpanish(districtId: string, userId: string): Promise<unknown> {
    return platform.gateway.get(TenantTransactions).run(districtId, (em) => em.execute(`update gateway.app_user set language = 'es' where id = ?`, [userId]));
  }

  function deliveries(districtId: string) {
    return platform.gateway
      .get(TenantTransactions)
      .run(districtId, (em) => em.execute<{ template: string; user_id: string; sent_at: Date | null }[]>(`select template, user_id, sent_at from gateway.mail_delivery order by template, user_id`));
  }

  it('mails an overdue task’s escalation to its school’s admins, each in their language, once, naming the session and the task', async () => {
    const { district } = await districtWith({ taskDueHours: 1, taskEscalationHours: 1 });
    const school = district.schools[0];
    const tutor = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Pat' });
    const spanishAdmin = await district.user(['school_admin'], { schoolIds: [school.id] });
    await speaksSpanish(district.id, spanishAdmin.id);
    const englishAdmin = await district.user(['school_admin'], { schoolIds: [school.id] });
    const otherSchoolAdmin = await district.user(['school_admin'], { schoolIds: [district.schools[1].id] });
    const started = await startSession(platform.gateway, await signIn(platform.gateway, tutor.email), { service: 'tutoring', startedAt: minutesAgo(130) });

    await waitFor(async () => sink.to(spanishAdmin.email).length === 2 && sink.to(englishAdmin.email).length === 2, 20_000);
    const spanish = sink.to(spanishAdmin.email);
    expect(spanish.map((m) => m.subject).sort()).toEqual([`Asistencia pendiente en ${school.name}`, `Notas pendientes en ${school.name}`]);
    for (const mail of spanish) {
      expect(mail.text).toContain(`${APP}/sessions/${started.id}`);
      expect(mail.text).toContain('Pat ');
      expect(mail.text).toMatch(/aún no está/);
      expect(mail).toMatchObject({ secure: true, user: 'sessionledger' });
    }
    expect(sink.to(englishAdmin.email).map((m) => m.subject).sort()).toEqual([`Overdue attendance at ${school.name}`, `Overdue session notes at ${school.name}`]);
    // The school has admins: neither another school's admin nor the district admin is mailed.
    expect(sink.to(otherSchoolAdmin.email)).toEqual([]);
    expect(sink.to(district.admin.email)).toEqual([]);

    // The same escalation again (a redelivered event): nobody is mailed twice.
    const [escalation] = (await scheduling
      .get(TenantTransactions)
      .run(district.id, (em) => em.execute<{ id: string; task_id: string; task_kind: 'attendance' | 'notes'; due_at: Date }[]>(`select id, task_id, task_kind, due_at from scheduling.notification where kind = 'escalation' and session_id = ?`, [started.id])));
    const again = await platform.gateway.get(NotificationMail).escalated({
      districtId: district.id,
      notificationId: escalation.id,
      taskId: escalation.task_id,
      taskKind: escalation.task_kind,
      sessionId: started.id,
      schoolId: school.id,
      providerId: tutor.id,
      dueAt: new Date(escalation.due_at).toISOString(),
    });
    expect(again).toBe(0);
    expect(sink.to(spanishAdmin.email)).toHaveLength(2);
    const rows = await deliveries(district.id);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.template === 'escalation' && r.sent_at !== null)).toBe(true);
  });

  it('mails guardians a digest of their own child’s sessions with each session filled in, leaving out one the child was removed from by an amendment', async () => {
    const { district, admin } = await districtWith({});
    const school = district.schools[0];
    const tutorUser = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Robin' });
    const tutor = await signIn(platform.gateway, tutorUser.email);
    const student = await addStudent(platform.gateway, admin, school.id, { firstName: 'Ana' });
    const classmate = await addStudent(platform.gateway, admin, school.id, { firstName: 'Bo' });
    const group = await addGroup(platform.gateway, admin, school.id, tutorUser.id, [student.id, classmate.id]);
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutorUser.id, schoolId: school.id });
    const guardian = await guardianOf(platform.gateway, district, [student.id]);
    await speaksSpanish(district.id, guardian.id);
    const classmateGuardian = await guardianOf(platform.gateway, district, [classmate.id]);

    /** A complete session (Ana attended, Bo missed it), posted by the tutor; answers its id and Ana's participant id. */
    async function postSession(daysAgo: number): Promise<{ id: string; anaEntry: string }> {
      const startedAt = new Date(Date.now() - daysAgo * 24 * 3_600_000 - 3_600_000);
      const started = await startSession(platform.gateway, tutor, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: startedAt.toISOString() });
      let anaEntry = '';
      for (const p of started.participants as { id: string; personId: string }[]) {
        const attended = p.personId === student.id;
        if (attended) anaEntry = p.id;
        await api(tutor)
          .patch(`/api/sessions/${started.id}/participants/${p.id}`)
          .send({
            version: 1,
            ...(attended ? { present: true, studentNote: `Session ${daysAgo}: ${NOTE}. Your fractions are faster. Check answers against the estimate.`, clientNote: `Practice ${daysAgo}` } : { attendanceStatus: 'missed_billable' }),
            qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
          })
          .expect(200);
      }
      await api(tutor).post(`/api/sessions/${started.id}/end`).send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() }).expect(200);
      const posted = await api(tutor).post(`/api/sessions/${started.id}/post`).send({ password: TEST_PASSWORD });
      expect({ status: posted.status, body: posted.body }).toMatchObject({ status: 200 });
      return { id: started.id, anaEntry };
    }
    const counted = () =>
      scheduling
        .get(TenantTransactions)
        .run(district.id, (em) => em.execute<{ session_id: string; removed: boolean }[]>(`select session_id, removed from scheduling.student_posted_session where student_id = ?`, [student.id]));
    async function removeAna(session: { id: string; anaEntry: string }, basedOnVersion: number): Promise<void> {
      const amended = await api(tutor)
        .post(`/api/sessions/${session.id}/amendments`)
        .send({ password: TEST_PASSWORD, basedOnVersion, reason: 'Ana was in another group that day', changes: { removeParticipants: [session.anaEntry] } });
      expect(amended.status).toBeLessThan(300);
      expect(amended.body).toMatchObject({ version: basedOnVersion + 1 });
    }

    const first = await postSession(6);
    const mistaken = await postSession(5);
    const third = await postSession(4);
    await waitFor(async () => (await counted()).length === 3, 20_000);
    await removeAna(mistaken, 1);
    await waitFor(async () => (await counted()).some((r) => r.session_id === mistaken.id && r.removed), 20_000);
    const fourth = await postSession(3);
    expect(sink.to(guardian.email)).toEqual([]);
    const fifth = await postSession(2);

    const mail = await sink.next(guardian.email);
    expect(mail.subject).toBe('Las últimas 4 sesiones de Ana');
    const named = [first, third, fourth, fifth].map((s) => s.id);
    for (const id of named) expect(mail.text).toContain(`${APP}/sessions/${id}`);
    expect(mail.text).not.toContain(mistaken.id);
    expect(mail.text).toContain('tutoring con Robin User');
    expect(mail.text).toContain(`${APP}/family`);
    // The notes stay in session-log: no note, nor the classmate, is in the mail.
    expect(mail.text).not.toContain(NOTE);
    expect(mail.text).not.toContain('Practice');
    expect(sink.to(classmateGuardian.email)).toEqual([]);

    // In the app: the digest names the same sessions, each with its time, service and provider.
    const guardianSession = await signIn(platform.gateway, guardian.email);
    const [digest] = (await api(guardianSession).get('/api/me/notifications').expect(200)).body.items as { sessionIds: string[]; sessions: DigestSessionBody[] }[];
    expect(digest.sessionIds).toEqual(named);
    expect(digest.sessions.map((s) => s.sessionId)).toEqual(named);
    for (const s of digest.sessions) {
      expect(s).toEqual({ sessionId: expect.any(String), startedAt: expect.any(String), endedAt: expect.any(String), service: 'tutoring', providerName: expect.stringContaining('Robin') });
      expect(new Date(s.endedAt!).getTime() - new Date(s.startedAt).getTime()).toBe(45 * 60_000);
    }

    // Removed by an amendment after the digest: the digest stops naming it (the mail went; nothing is mailed again).
    await removeAna(third, 1);
    await waitFor(async () => (await counted()).some((r) => r.session_id === third.id && r.removed), 20_000);
    const [after] = (await api(guardianSession).get('/api/me/notifications').expect(200)).body.items as { sessionIds: string[]; sessions: DigestSessionBody[] }[];
    expect(after.sessionIds).toEqual([first, fourth, fifth].map((s) => s.id));
    expect(after.sessions.map((s) => s.sessionId)).toEqual([first, fourth, fifth].map((s) => s.id));
    expect(sink.to(guardian.email)).toHaveLength(1);
  });

  it('mails whoever started a state export that it is ready, with the link, once', async () => {
    const { district, admin } = await districtWith({});
    await replicated(stateReporting, district.id, 1);
    const today = new Date().toISOString().slice(0, 10);
    const started = await api(admin).post('/api/reporting/exports').send({ format: 'csv', from: today, to: today, recipient: 'State Department of Education', purpose: 'Tutoring report' });
    expect(started.status).toBe(202);

    const mail = await sink.next(district.admin.email);
    expect(mail.subject).toBe('Your state export (CSV) is ready');
    expect(mail.text).toContain(`${APP}/admin/state-reporting?export=${started.body.id}`);
    expect(mail.text).toContain('0 records');
    expect((await api(admin).get(`/api/reporting/exports/${started.body.id}`).expect(200)).body.status).toBe('done');

    const again = await platform.gateway.get(NotificationMail).exportFinished({
      districtId: district.id,
      exportId: started.body.id,
      format: 'csv',
      status: 'done',
      records: 0,
      requestedBy: district.admin.id,
      finishedAt: new Date().toISOString(),
    });
    expect(again).toBe(0);
    expect(sink.to(district.admin.email)).toHaveLength(1);
    // A failed export is not mailed (its status says why).
    expect(await platform.gateway.get(NotificationMail).exportFinished({ districtId: district.id, exportId: randomUUID(), format: 'edfi', status: 'failed', records: null, requestedBy: district.admin.id, finishedAt: new Date().toISOString() })).toBe(0);
  });

  it('mails nobody when e-mail is off, nor when nobody who signs in is concerned', async () => {
    const { district, admin } = await districtWith({});
    const school = district.schools[0];
    const student = await addStudent(platform.gateway, admin, school.id, { firstName: 'Cy' });
    // A guardian on record without a sign-in account, and a school admin whose account is deactivated.
    const transactions = platform.gateway.get(TenantTransactions);
    await transactions.run(district.id, async (em) => {
      const guardian = new Guardian(district.id, 'Noa', 'Parent');
      guardian.email = `noa-${randomUUID()}@family.test`;
      em.persist(guardian);
      em.persist(new GuardianStudent(district.id, guardian.id, student.id));
      await em.flush();
    });
    const gone = await district.user(['school_admin'], { schoolIds: [school.id] });
    await transactions.run(district.id, (em) => em.execute(`update gateway.app_user set status = 'disabled' where id = ?`, [gone.id]));
    const before = sink.mails.length;
    const mail = platform.gateway.get(NotificationMail);

    const digest = { districtId: district.id, notificationId: randomUUID(), studentId: student.id, sessions: [{ sessionId: randomUUID(), startedAt: new Date().toISOString(), endedAt: null, service: 'tutoring', providerName: 'Pat' }] };
    expect(await mail.digestCreated(digest)).toBe(0);
    const exported = { districtId: district.id, exportId: randomUUID(), format: 'csv' as const, status: 'done' as const, records: 3, requestedBy: gone.id, finishedAt: new Date().toISOString() };
    expect(await mail.exportFinished(exported)).toBe(0);

    // E-mail off (no SMTP_URL, no MAIL_DIR): the district admin an escalation would reach gets nothing, and nothing is recorded.
    const env = platform.gateway.get(Environment);
    const off = Object.assign(Object.create(Object.getPrototypeOf(env)) as Environment, env, { SMTP_URL: undefined, MAIL_DIR: '' });
    const silent = new NotificationMail(transactions, new Mailer(off), off);
    const escalation = {
      districtId: district.id,
      notificationId: randomUUID(),
      taskId: randomUUID(),
      taskKind: 'notes' as const,
      sessionId: randomUUID(),
      schoolId: district.schools[1].id,
      providerId: district.admin.id,
      dueAt: new Date().toISOString(),
    };
    expect(await silent.escalated(escalation)).toBe(0);
    expect(await deliveries(district.id)).toEqual([]);
    expect(sink.mails.length).toBe(before);

    // The same escalation with e-mail on: a school without admins of its own reaches the district's admins.
    expect(await mail.escalated(escalation)).toBe(1);
    expect((await sink.next(district.admin.email)).subject).toBe(`Overdue session notes at ${district.schools[1].name}`);
  });
});
