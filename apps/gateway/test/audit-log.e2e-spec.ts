import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SESSION_POSTED } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { messagingTransport, ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { postedSnapshot, postedStudent, REMEDIAL } from '../../payroll/test/support/posted-sessions';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { SessionPlatform, startSession, startSessionPlatform } from './support/session-harness';

const GOOD_NOTE = 'Sam, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';

interface AuditItem {
  id: string;
  occurredAt: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  subjectType: string;
  subjectId: string | null;
  studentId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
  correlationId: string | null;
  clientAddress: string | null;
}

describe('Access and change audit log', () => {
  let platform: SessionPlatform;
  let stateReporting: NestFastifyApplication;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string }[];
  let group: { id: string };
  let workOrder: { id: string };

  const gateway = () => platform.gateway;
  const search = async (query: string, session = admin): Promise<{ items: AuditItem[]; total: number; page: number; pageSize: number }> =>
    (await as(gateway(), session).get(`/api/audit-events?${query}`).expect(200)).body;

  /** A finished, complete session of the group's students, ready to sign. */
  async function completeSession() {
    const startedAt = new Date(Date.now() - 50 * 60_000);
    const started = await startSession(gateway(), tutorSession, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: startedAt.toISOString() });
    for (const p of started.participants) {
      await as(gateway(), tutorSession)
        .patch(`/api/sessions/${started.id}/participants/${p.id}`)
        .send({ version: 1, present: true, qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] }, studentNote: GOOD_NOTE })
        .expect(200);
    }
    const ended = await as(gateway(), tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    return ended.body as { id: string };
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    district = await platform.district(2);
    other = await platform.district(1);
    await waitFor(async () => (await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(DistrictReplica, { districtId: district.id }))) > 0, 15_000);
    admin = await signIn(gateway(), district.admin.email);
    otherAdmin = await signIn(gateway(), other.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Tess' });
    tutorSession = await signIn(gateway(), tutor.email);
    students = await Promise.all([0, 1].map(() => addStudent(gateway(), admin, district.schools[0].id)));
    group = await addGroup(gateway(), admin, district.schools[0].id, tutor.id, students.map((s) => s.id));
    workOrder = await addWorkOrder(gateway(), admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
  });

  afterAll(async () => {
    await stopApps(stateReporting);
    await platform?.stop();
  });

  it('records a provider reading a session: one entry per student in it, with who, when, the request and the address', async () => {
    const session = await completeSession();
    const read = await as(gateway(), tutorSession).get(`/api/sessions/${session.id}`).expect(200);

    const found = await search(`action=session.read&actorUserId=${tutor.id}`);
    const entries = found.items.filter((item) => item.subjectId === session.id);
    expect(entries.map((item) => item.studentId).sort()).toEqual(students.map((s) => s.id).sort());
    expect(entries[0]).toMatchObject({
      action: 'session.read',
      actorKind: 'user',
      actorId: tutor.id,
      actorName: expect.stringContaining('Tess'),
      subjectType: 'session',
      before: null,
      after: null,
      detail: { audience: 'provider' },
      correlationId: read.headers['x-correlation-id'],
      clientAddress: expect.any(String),
    });
    // The log names the session and the students, never what the notes say.
    expect(JSON.stringify(found)).not.toContain('fractions');
  });

  it('records a directory change with only the changed fields, before and after, and a read of the student record', async () => {
    const student = students[1];
    const current = (await as(gateway(), admin).get(`/api/students/${student.id}`).expect(200)).body;
    await as(gateway(), admin).patch(`/api/students/${student.id}`).send({ version: current.version, grade: '6', hasIep: true }).expect(200);

    const changes = await search(`action=directory.student.update&studentId=${student.id}`);
    expect(changes.items).toEqual([
      expect.objectContaining({
        actorId: district.admin.id,
        subjectType: 'student',
        subjectId: student.id,
        studentId: student.id,
        before: { grade: '5', hasIep: false },
        after: { grade: '6', hasIep: true },
      }),
    ]);
    const reads = await search(`action=student.record.read&studentId=${student.id}`);
    expect(reads.items).toEqual([expect.objectContaining({ actorId: district.admin.id, subjectId: student.id })]);
  });

  it('records staff changes (name, approvals, access) with only what changed', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Pat' });
    const current = (await as(gateway(), admin).get(`/api/staff/${user.id}`).expect(200)).body;
    await as(gateway(), admin).patch(`/api/staff/${user.id}`).send({ version: current.version, firstName: 'Patricia' }).expect(200);
    await as(gateway(), admin).put(`/api/staff/${user.id}/approvals`).send({ schoolIds: district.schools.map((school) => school.id) }).expect(200);
    await as(gateway(), admin).post(`/api/staff/${user.id}/deactivate`).expect(200);

    const changes = (await search(`action=directory.staff.update`)).items.filter((item) => item.subjectId === user.id);
    expect(changes.map((item) => [item.before, item.after])).toEqual([
      [{ active: true }, { active: false }],
      [{ schoolIds: [district.schools[0].id] }, { schoolIds: district.schools.map((school) => school.id).sort() }],
      [{ firstName: 'Pat' }, { firstName: 'Patricia' }],
    ]);
    expect(changes[0]).toMatchObject({ actorId: district.admin.id, subjectType: 'user', studentId: null });
  });

  it('records a district settings change as the settings that changed', async () => {
    const current = (await as(gateway(), admin).get('/api/district').expect(200)).body;
    await as(gateway(), admin)
      .patch('/api/district')
      .send({ version: current.version, settings: { lateEntryDays: current.settings.lateEntryDays + 1 } })
      .expect(200);

    const [entry] = (await search('action=district.settings.update')).items;
    expect(entry).toMatchObject({
      subjectType: 'district',
      subjectId: district.id,
      before: { 'settings.lateEntryDays': current.settings.lateEntryDays },
      after: { 'settings.lateEntryDays': current.settings.lateEntryDays + 1 },
    });
  });

  it('records failed and successful sign-ins of the district’s accounts', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Sid' });
    await request(gateway().getHttpServer()).post('/api/auth/login').send({ email: user.email, password: 'not the password at all' }).expect(401);
    await signIn(gateway(), user.email);

    const entries = (await search(`actorUserId=${user.id}`)).items;
    expect(entries.map((item) => item.action)).toEqual(['auth.sign-in', 'auth.sign-in.failed']);
    expect(entries[1]).toMatchObject({ subjectType: 'user', subjectId: user.id, actorName: expect.stringContaining('Sid'), detail: { method: 'password', reason: 'wrong_password' } });
    expect(entries[0]).toMatchObject({ subjectId: user.id, detail: { method: 'password', secondFactor: false, signInId: expect.any(String) } });
  });

  it('records a refused e-signature and the signature that posted the session', async () => {
    const session = await completeSession();
    const wrong = await as(gateway(), tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: 'wrong password' }).expect(403);
    expect(wrong.body.code).toBe('SIGNATURE.PASSWORD_INCORRECT');
    await as(gateway(), tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);

    const failed = (await search('action=session.signature.failed')).items.filter((item) => item.subjectId === session.id);
    expect(failed).toEqual([expect.objectContaining({ actorId: tutor.id, detail: { signing: 'post', method: 'password', reason: 'SIGNATURE.PASSWORD_INCORRECT' } })]);
    const signed = (await search('action=session.signature')).items.filter((item) => item.subjectId === session.id);
    expect(signed).toEqual([expect.objectContaining({ actorId: tutor.id, detail: { signing: 'post', method: 'password', version: 1 } })]);
  });

  it('searches by student and by action, newest first, paged like other lists', async () => {
    const student = students[0];
    const byStudent = await search(`studentId=${student.id}&pageSize=1`);
    expect(byStudent).toMatchObject({ page: 1, pageSize: 1 });
    expect(byStudent.total).toBeGreaterThanOrEqual(2);
    expect(byStudent.items).toHaveLength(1);
    const all = await search(`studentId=${student.id}&pageSize=200`);
    expect(all.items.every((item) => item.studentId === student.id)).toBe(true);
    expect(all.items.map((item) => item.action)).toEqual(expect.arrayContaining(['directory.student.create', 'session.read']));
    const times = all.items.map((item) => item.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const signIns = await search('action=auth.sign-in&pageSize=200');
    expect(signIns.items.length).toBeGreaterThan(0);
    expect(signIns.items.every((item) => item.action === 'auth.sign-in')).toBe(true);

    const future = await search(`from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future).toMatchObject({ items: [], total: 0 });
  });

  it('exports the same search as CSV, and logs the export', async () => {
    const student = students[0];
    const response = await as(gateway(), admin).get(`/api/audit-events.csv?studentId=${student.id}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="audit-events.csv"');
    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('occurredAt,action,actorKind,actorId,actorName,subjectType,subjectId,studentId,before,after,detail,correlationId,clientAddress,id');
    const listed = await search(`studentId=${student.id}&pageSize=200`);
    // The export is logged (with its filter) before the file is read, so the file holds its own entry first.
    expect(listed.items[0]).toMatchObject({ action: 'audit.export', actorId: district.admin.id, detail: { filter: { studentId: student.id } } });
    expect(lines).toHaveLength(1 + listed.total);
    expect(lines[1]).toContain(',audit.export,user,');
    expect(lines.slice(1).every((line) => line.includes(student.id))).toBe(true);
    expect(lines.some((line) => line.includes(',session.read,'))).toBe(true);
  });

  it('records a student-level dashboard per student shown, and a state export download', async () => {
    const inbox = () =>
      stateReporting
        .get(TenantTransactions)
        .run(district.id, async (em) => ((await em.execute(`select count(*)::int as count from state_reporting.inbox_event`)) as { count: number }[])[0].count);
    const before = await inbox();
    const snapshot = postedSnapshot({
      providerId: randomUUID(),
      workOrderId: randomUUID(),
      schoolId: district.schools[0].id,
      schoolCode: district.schools[0].stateSchoolCode,
      sessionDate: '2026-03-02',
      participants: [{ ...postedStudent('attended', 45, REMEDIAL), personId: students[0].id, name: 'Stu Dent' }],
    });
    await gateway().get(ServiceBus).emit(SESSION_POSTED, { districtId: district.id, snapshot });
    await waitFor(async () => (await inbox()) > before, 15_000);

    const dosage = (await as(gateway(), admin).get('/api/dashboards/dosage?from=2026-03-01&to=2026-03-31').expect(200)).body;
    expect(dosage.items.map((item: { studentId: string }) => item.studentId)).toEqual([students[0].id]);
    const [shown] = (await search(`action=dashboard.student.read&studentId=${students[0].id}`)).items;
    expect(shown).toMatchObject({ actorId: district.admin.id, subjectType: 'dashboard', detail: { dashboard: 'dosage', from: '2026-03-01', to: '2026-03-31' } });

    const started = await as(gateway(), admin)
      .post('/api/reporting/exports')
      .send({ format: 'csv', from: '2026-03-01', to: '2026-03-31', recipient: 'State Department of Education', purpose: 'Audit test' })
      .expect(202);
    await waitFor(async () => (await as(gateway(), admin).get(`/api/reporting/exports/${started.body.id}`).expect(200)).body.status === 'done', 20_000);
    await as(gateway(), admin).get(`/api/reporting/exports/${started.body.id}/download`).expect(200);
    const downloads = (await search('action=export.download')).items;
    expect(downloads).toEqual([expect.objectContaining({ actorId: district.admin.id, subjectType: 'state-export', subjectId: started.body.id, detail: { format: 'csv' } })]);
  });

  it('is for district admins only: providers and payroll are refused', async () => {
    const payroll = await signIn(gateway(), (await district.user(['payroll'])).email);
    for (const session of [tutorSession, payroll]) {
      expect((await as(gateway(), session).get('/api/audit-events').expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      await as(gateway(), session).get('/api/audit-events.csv').expect(403);
    }
  });

  it('shows another district nothing of this one', async () => {
    expect(await search(`studentId=${students[0].id}`, otherAdmin)).toMatchObject({ items: [], total: 0 });
    expect(await search(`actorUserId=${tutor.id}`, otherAdmin)).toMatchObject({ items: [], total: 0 });
    const own = await search('pageSize=200', otherAdmin);
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((item) => item.actorId !== district.admin.id && item.actorId !== tutor.id)).toBe(true);
    const csv = await as(gateway(), otherAdmin).get(`/api/audit-events.csv?actorUserId=${tutor.id}`).expect(200);
    expect(csv.text.trimEnd().split('\r\n')).toHaveLength(1);
  });

  it.each([
    ['studentId=not-a-uuid', 'studentId'],
    ['actorUserId=42', 'actorUserId'],
    ['action=student.delete', 'action'],
    ['from=2026-12-01', 'from'],
    ['to=2026-02-30T00:00:00Z', 'to'],
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'to'],
    ['pageSize=500', 'pageSize'],
  ])('refuses a bad filter (%s) with 400 naming %s', async (query, field) => {
    for (const path of ['/api/audit-events', '/api/audit-events.csv']) {
      if (field === 'pageSize' && path.endsWith('.csv')) continue;
      const response = await as(gateway(), admin).get(`${path}?${query}`).expect(400);
      expect(response.body.code).toBe('REQUEST.INVALID');
      expect(response.body.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
  });

  it('is append-only: the app’s own database role can add entries but not change or remove them', async () => {
    const transactions = gateway().get(TenantTransactions);
    const [role] = await transactions.run(district.id, (em) => em.execute<{ role_name: string }[]>('select current_user as role_name'));
    expect(role.role_name).toBe('sl_gateway');
    await expect(transactions.run(district.id, (em) => em.execute(`update gateway.audit_event set action = 'auth.sign-in'`))).rejects.toThrow(/permission denied/);
    await expect(transactions.run(district.id, (em) => em.execute(`delete from gateway.audit_event`))).rejects.toThrow(/permission denied/);
    await expect(transactions.run(district.id, (em) => em.execute(`truncate gateway.audit_event`))).rejects.toThrow(/permission denied/);
    expect((await search('pageSize=1')).total).toBeGreaterThan(10);
  });
});
