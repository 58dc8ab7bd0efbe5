import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostedSessionSnapshot } from '@sessionledger/contracts';
import { localDate } from '@sessionledger/session-rules';
import { DistrictReplica } from '@sessionledger/district-replica';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { PayrollModule } from '../../payroll/src/payroll.module';
import { amendedSnapshot, deliverPostings, PostingEvent, postedSnapshot, postedStudent } from '../../payroll/test/support/posted-sessions';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict, TestUser } from './support/gateway-harness';

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

const EVIL_NAME = '=HYPERLINK("http://evil.example","Click")';

describe('Pay schedule, pay periods and pay lines over HTTP (gateway → BullMQ → payroll)', () => {
  let gateway: NestFastifyApplication;
  let payroll: NestFastifyApplication;
  let district: TestDistrict;
  let other: TestDistrict;
  let tutor: TestUser;
  let evil: TestUser;
  let admin: Session;
  let payrollUser: Session;
  let payrollUserId: string;
  let tutorSession: Session;
  let evilSession: Session;
  let otherPayroll: Session;
  let guardian: Session;
  const workOrders = new Map<string, string>();
  /** Sessions posted in the district's past week 2025-06-09 … 2025-06-15 and in the current week. */
  let pastTutorA: PostedSessionSnapshot;
  let pastTutorB: PostedSessionSnapshot;
  let pastEvil: PostedSessionSnapshot;
  let current: PostedSessionSnapshot;
  let pastPeriodId: string;
  let currentPeriodId: string;

  async function workOrderFor(provider: TestUser): Promise<string> {
    const response = await as(gateway, admin)
      .post('/api/work-orders')
      .send({ type: 'tutoring', providerId: provider.id, schoolId: district.schools[0].id, payRateCents: 3250, validFrom: '2025-01-01', validTo: '2099-12-31' });
    if (response.status !== 201) throw new Error(`work order answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  function posted(provider: TestUser, fields: Partial<PostedSessionSnapshot> = {}): PostedSessionSnapshot {
    return postedSnapshot({ providerId: provider.id, schoolId: district.schools[0].id, workOrderId: workOrders.get(provider.id)!, ...fields });
  }

  const deliver = (districtId: string, ...events: PostingEvent[]) => deliverPostings(gateway, payroll, districtId, ...events);

  async function replicaReached(districtId: string): Promise<void> {
    await waitFor(async () => !!(await payroll.get(TenantTransactions).run(districtId, (em) => em.findOne(DistrictReplica, { districtId }))), 15_000);
  }

  beforeAll(async () => {
    // The relay brings each district's settings (late-entry window, time zone) to payroll, which closing needs.
    gateway = await startGateway({ RPC_TIMEOUT_MS: '5000', OUTBOX_RELAY_ENABLED: 'true' });
    payroll = await startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') });
    [district, other] = await Promise.all([createDistrict(gateway, 1), createDistrict(gateway, 1)]);
    const school = district.schools[0].id;
    tutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Tess' });
    evil = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Eve' });
    const payrollRecord = await district.user(['payroll']);
    payrollUserId = payrollRecord.id;
    const otherPayrollRecord = await other.user(['payroll']);
    const guardianRecord = await district.user(['guardian']);
    [admin, payrollUser, tutorSession, evilSession, otherPayroll, guardian] = await Promise.all([
      signIn(gateway, district.admin.email),
      signIn(gateway, payrollRecord.email),
      signIn(gateway, tutor.email),
      signIn(gateway, evil.email),
      signIn(gateway, otherPayrollRecord.email),
      signIn(gateway, guardianRecord.email),
    ]);
    for (const provider of [tutor, evil]) workOrders.set(provider.id, await workOrderFor(provider));

    pastTutorA = posted(tutor, { sessionDate: '2025-06-10' });
    pastTutorB = posted(tutor, { sessionDate: '2025-06-12', adjustedMinutes: 60 });
    pastEvil = posted(evil, { sessionDate: '2025-06-11', providerName: EVIL_NAME, adjustedMinutes: 30 });
    current = posted(tutor, { sessionDate: localDate(new Date(), 'America/Chicago') });
    await deliver(district.id, { posted: pastTutorA }, { posted: pastTutorB }, { posted: pastEvil }, { posted: current });
    // Tutor A's session is amended to 30 minutes: a reversal and a new line in the same (open) period.
    await deliver(district.id, { amended: amendedSnapshot(pastTutorA, { adjustedMinutes: 30 }), reason: 'Left early' });
    await Promise.all([replicaReached(district.id), replicaReached(other.id)]);

    const periods = await as(gateway, payrollUser).get('/api/pay-periods');
    expect(periods.status).toBe(200);
    pastPeriodId = periods.body.items.find((p: { startsOn: string }) => p.startsOn === '2025-06-09').id;
    currentPeriodId = periods.body.items.find((p: { startsOn: string; endsOn: string }) => p.startsOn <= current.sessionDate && p.endsOn >= current.sessionDate).id;
  });

  afterAll(() => stopApps(gateway, payroll));

  it('lists the district’s periods, newest first, with totals net of reversals and the late-entry cut-off', async () => {
    const list = await as(gateway, payrollUser).get('/api/pay-periods');
    expect(list.body).toMatchObject({ page: 1, pageSize: 50, total: 2 });
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([currentPeriodId, pastPeriodId]);

    const past = await as(gateway, admin).get(`/api/pay-periods/${pastPeriodId}`);
    expect(past.status).toBe(200);
    // Pay: 45 → 30 min (2438, -2438, 1625) and 60 min (3250) for the tutor, 30 min (1625) for Eve.
    // Billing: four students per session, each there throughout, so billed the paid minutes: A's four charges
    // (45 min, 3 units) reversed and re-added at 30 (2 units), B's at 60 (4 units), Eve's at 30 (2 units): 8 + 16 + 8.
    expect(past.body).toEqual({
      id: pastPeriodId,
      startsOn: '2025-06-09',
      endsOn: '2025-06-15',
      status: 'open',
      lateEntryCutoff: '2025-06-29',
      closedAt: null,
      closedBy: null,
      totals: { payLines: 5, providers: 2, minutes: 120, amountCents: 6500, billableLines: 20, billableUnits: 32 },
      // The period's last line: a district system syncing with ?updatedSince= reads this.
      updatedAt: expect.any(String),
    });

    const closedOnly = await as(gateway, payrollUser).get('/api/pay-periods?status=closed');
    expect(closedOnly.body.items.every((p: { status: string }) => p.status === 'closed')).toBe(true);
  });

  it('pages a period’s lines for payroll and district admins, and filters them by provider', async () => {
    const all = await as(gateway, payrollUser).get(`/api/pay-periods/${pastPeriodId}/lines?pageSize=2&page=2`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(all.body.items).toHaveLength(2);

    const eve = await as(gateway, admin).get(`/api/pay-periods/${pastPeriodId}/lines?providerId=${evil.id}`);
    expect(eve.body.total).toBe(1);
    expect(eve.body.items[0]).toMatchObject({ providerId: evil.id, providerName: EVIL_NAME, minutes: 30, rateCents: 3250, amountCents: 1625, kind: 'payment' });
  });

  it('refuses to close a period before its late-entry cut-off (409 naming the date) and closes it after, once', async () => {
    const currentPeriod = await as(gateway, payrollUser).get(`/api/pay-periods/${currentPeriodId}`);
    const cutoff = currentPeriod.body.lateEntryCutoff;
    const early = await as(gateway, payrollUser).post(`/api/pay-periods/${currentPeriodId}/close`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PAY_PERIOD.LATE_ENTRY_OPEN');
    expect(early.body.message).toContain(cutoff);
    expect((await as(gateway, payrollUser).get(`/api/pay-periods/${currentPeriodId}`)).body.status).toBe('open');

    // Only payroll closes: a district admin reads periods but may not close one.
    expect((await as(gateway, admin).post(`/api/pay-periods/${pastPeriodId}/close`)).status).toBe(403);

    const closed = await as(gateway, payrollUser).post(`/api/pay-periods/${pastPeriodId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ id: pastPeriodId, status: 'closed', closedBy: payrollUserId });
    expect(typeof closed.body.closedAt).toBe('string');
    const again = await as(gateway, payrollUser).post(`/api/pay-periods/${pastPeriodId}/close`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PAY_PERIOD.CLOSED');
    // District systems hear of it (webhooks): one event, written with the close, whatever the refusals around it.
    const announced = (await payroll
      .get(TenantTransactions)
      .run(district.id, (em) => em.execute(`select payload from payroll.outbox_event where name = 'payroll.pay-period-closed'`))) as { payload: object }[];
    expect(announced.map((row) => row.payload)).toEqual([
      { districtId: district.id, periodId: pastPeriodId, startsOn: '2025-06-09', endsOn: '2025-06-15', closedAt: closed.body.closedAt },
    ]);
    const closedOnly = await as(gateway, payrollUser).get('/api/pay-periods?status=closed');
    expect(closedOnly.body.items.map((p: { id: string }) => p.id)).toEqual([pastPeriodId]);
  });

  it('exports a closed period as its final CSV, one row per provider × work order type × rate, with formula-like names made inert', async () => {
    const response = await as(gateway, payrollUser).get(`/api/pay-periods/${pastPeriodId}/export.csv`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="pay-period-2025-06-09-to-2025-06-15.csv"');
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe('provider_id,employee_number,provider_name,period_start,period_end,work_order_type,rate,hours,amount,lines,status');
    expect(lines.slice(1).sort()).toEqual(
      [
        `${evil.id},,"'=HYPERLINK(""http://evil.example"",""Click"")",2025-06-09,2025-06-15,tutoring,32.50,0.50,16.25,1,final`,
        // 45 − 45 + 30 + 60 minutes = 1.50 h; 2438 − 2438 + 1625 + 3250 cents, all at one rate.
        `${tutor.id},,Tess Tutor,2025-06-09,2025-06-15,tutoring,32.50,1.50,48.75,4,final`,
        '',
      ].sort(),
    );
    expect(response.text.endsWith('\r\n')).toBe(true);

    expect((await as(gateway, admin).get(`/api/pay-periods/${pastPeriodId}/export.csv`)).status).toBe(403);
  });

  it('shows a provider their own lines and the pay of their own sessions, nobody else’s', async () => {
    const mine = await as(gateway, tutorSession).get('/api/me/pay-lines');
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(5);
    expect(mine.body.items.every((line: { providerId: string }) => line.providerId === tutor.id)).toBe(true);
    const eves = await as(gateway, evilSession).get(`/api/me/pay-lines?periodId=${pastPeriodId}`);
    expect(eves.body.items.map((line: { sessionId: string }) => line.sessionId)).toEqual([pastEvil.sessionId]);

    const own = await as(gateway, tutorSession).get(`/api/sessions/${pastTutorA.sessionId}/pay`);
    expect(own.status).toBe(200);
    expect(own.body.decisions.map((d: { sessionVersion: number; payable: boolean; amountCents: number }) => [d.sessionVersion, d.payable, d.amountCents])).toEqual([
      [1, true, 2438],
      [2, true, 1625],
    ]);
    expect(own.body.decisions[1]).toMatchObject({ event: 'amended', amendmentReason: 'Left early' });
    expect(own.body.payLines.map((l: { sessionVersion: number; kind: string; amountCents: number }) => [l.sessionVersion, l.kind, l.amountCents])).toEqual([
      [1, 'payment', 2438],
      [2, 'reversal', -2438],
      [2, 'payment', 1625],
    ]);
    expect(own.body.billableLines).toHaveLength(12);

    expect((await as(gateway, evilSession).get(`/api/sessions/${pastTutorA.sessionId}/pay`)).status).toBe(404);
    expect((await as(gateway, payrollUser).get(`/api/sessions/${pastEvil.sessionId}/pay`)).status).toBe(200);
    expect((await as(gateway, admin).get(`/api/sessions/${pastEvil.sessionId}/pay`)).status).toBe(200);
    expect((await as(gateway, guardian).get(`/api/sessions/${pastEvil.sessionId}/pay`)).status).toBe(403);
  });

  it('answers 403 to a provider on every payroll route, and 403 to payroll on a provider’s own-lines route', async () => {
    const tutorApi = as(gateway, tutorSession);
    const refused = await Promise.all([
      tutorApi.get('/api/pay-schedule'),
      tutorApi.put('/api/pay-schedule').send({ version: 0, frequency: 'weekly', anchorDate: '2026-01-05' }),
      tutorApi.get('/api/pay-periods'),
      tutorApi.get(`/api/pay-periods/${pastPeriodId}`),
      tutorApi.post(`/api/pay-periods/${currentPeriodId}/close`),
      tutorApi.get(`/api/pay-periods/${pastPeriodId}/lines`),
      tutorApi.get(`/api/pay-periods/${pastPeriodId}/export.csv`),
      as(gateway, payrollUser).get('/api/me/pay-lines'),
    ]);
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    expect((await as(gateway, payrollUser).get(`/api/pay-periods/${currentPeriodId}`)).body.status).toBe('open');
  });

  it('answers 404 for another district’s periods and sessions, and keeps its lists apart', async () => {
    const otherApi = as(gateway, otherPayroll);
    const answers = await Promise.all([
      otherApi.get(`/api/pay-periods/${pastPeriodId}`),
      otherApi.post(`/api/pay-periods/${currentPeriodId}/close`),
      otherApi.get(`/api/pay-periods/${pastPeriodId}/lines`),
      otherApi.get(`/api/pay-periods/${pastPeriodId}/export.csv`),
      otherApi.get(`/api/sessions/${pastTutorA.sessionId}/pay`),
    ]);
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect(JSON.stringify(answers.map((r) => r.body))).not.toContain(tutor.id);
    const list = await otherApi.get('/api/pay-periods');
    expect(list.body).toMatchObject({ items: [], total: 0 });
    expect((await as(gateway, payrollUser).get(`/api/pay-periods/${currentPeriodId}`)).body.status).toBe('open');
  });

  it('refuses bad input with 400 naming the field', async () => {
    const api = as(gateway, payrollUser);
    const cases: [Promise<{ status: number; body: { fields?: { field: string }[] } }>, string[]][] = [
      [api.get('/api/pay-periods/not-a-uuid'), ['id']],
      [api.post('/api/pay-periods/not-a-uuid/close'), ['id']],
      [api.get('/api/pay-periods?status=pending'), ['status']],
      [api.get('/api/pay-periods?pageSize=500'), ['pageSize']],
      [api.get(`/api/pay-periods/${pastPeriodId}/lines?providerId=nobody`), ['providerId']],
      [as(gateway, tutorSession).get('/api/me/pay-lines?periodId=last-week'), ['periodId']],
      [api.put('/api/pay-schedule').send({ version: 0, frequency: 'monthly', anchorDate: '2026-01-05' }), ['frequency']],
      [api.put('/api/pay-schedule').send({ version: 0, frequency: 'weekly', anchorDate: '2026-02-30' }), ['anchorDate']],
      [api.put('/api/pay-schedule').send({ version: 0, frequency: 'weekly', anchorDate: '2026-01-06' }), ['anchorDate']],
      [api.put('/api/pay-schedule').send({ version: 0, frequency: 'weekly', anchorDate: '2026-01-05', billingUnitRule: 'round_up' }), ['billingUnitRule']],
      [api.put('/api/pay-schedule').send({ frequency: 'weekly', anchorDate: '2026-01-05' }), ['version']],
      [api.put('/api/pay-schedule').send({ version: 0, frequency: 'weekly', anchorDate: '2026-01-05', billingProviderNpi: '12345' }), ['billingProviderNpi']],
    ];
    for (const [pending, fields] of cases) {
      const response = await pending;
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toEqual(fields);
    }
    expect((await api.get('/api/pay-schedule')).body.version).toBe(0);
  });

  it('keeps a per-district pay schedule: default weekly, set to biweekly with optimistic versions, and new periods follow it', async () => {
    const third = await createDistrict(gateway, 1);
    const thirdPayroll = await signIn(gateway, (await third.user(['payroll'])).email);
    const thirdAdmin = await signIn(gateway, third.admin.email);
    const provider = await third.user(['provider'], { schoolIds: [third.schools[0].id], providerKind: 'tutor' });
    const order = await as(gateway, thirdAdmin)
      .post('/api/work-orders')
      .send({ type: 'tutoring', providerId: provider.id, schoolId: third.schools[0].id, payRateCents: 3000, validFrom: '2025-01-01', validTo: '2099-12-31' });

    const initial = await as(gateway, thirdPayroll).get('/api/pay-schedule');
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ frequency: 'weekly', anchorDate: '2026-01-05', billingUnitRule: 'cms_8_minute', billingProviderNpi: null, renderingProviderNpi: null, version: 0 });
    const set = await as(gateway, thirdAdmin).put('/api/pay-schedule').send({ version: 0, frequency: 'biweekly', anchorDate: '2026-01-05' });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ frequency: 'biweekly', anchorDate: '2026-01-05', billingUnitRule: 'cms_8_minute', billingProviderNpi: null, renderingProviderNpi: null, version: 1 });
    const stale = await as(gateway, thirdPayroll).put('/api/pay-schedule').send({ version: 0, frequency: 'weekly', anchorDate: '2026-01-05' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('PAY_SCHEDULE.STALE');
    expect((await as(gateway, thirdPayroll).get('/api/pay-schedule')).body.version).toBe(1);
    // Another district's schedule is untouched.
    expect((await as(gateway, payrollUser).get('/api/pay-schedule')).body).toMatchObject({ frequency: 'weekly', version: 0 });

    const session = postedSnapshot({
      providerId: provider.id,
      schoolId: third.schools[0].id,
      workOrderId: order.body.id,
      sessionDate: '2026-01-30',
      participants: [postedStudent('attended', 45), postedStudent('attended', 45), postedStudent('attended', 45), postedStudent('attended', 45)],
    });
    await deliver(third.id, { posted: session });
    const periods = await as(gateway, thirdPayroll).get('/api/pay-periods');
    expect(periods.body.items.map((p: { startsOn: string; endsOn: string }) => [p.startsOn, p.endsOn])).toEqual([['2026-01-19', '2026-02-01']]);
    expect(periods.body.items[0].totals).toMatchObject({ payLines: 1, amountCents: 2250 });
  });
});
