import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { PostedSessionSnapshot } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { Client } from 'pg';
import { currentTestRun, databaseUrl, startApp, stopApps, waitFor } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict, TestUser } from '../../gateway/test/support/gateway-harness';
import { PayrollModule } from '../src/payroll.module';
import { deliverPostings, PostingEvent, postedSnapshot, postedStudent as student, payrollRows } from './support/posted-sessions';

interface PayLineRow {
  id: string;
  period_id: string;
  session_version: number;
  kind: 'payment' | 'reversal';
  provider_id: string;
  minutes: number;
  rate_cents: number;
  amount_cents: number;
  reverses_line_id: string | null;
}

interface DecisionRow {
  session_version: number;
  event: string;
  payable: boolean;
  reason: string;
  amount_cents: number | null;
  superseded_by: number | null;
  amendment_reason: string | null;
}

interface BillableRow {
  id: string;
  session_version: number;
  kind: 'charge' | 'reversal';
  participant_id: string;
  attendance_status: string;
  minutes: number;
  units: number;
  unit_rule: string;
  reverses_line_id: string | null;
  period_id: string;
}

describe('Payroll applies posted and amended sessions (gateway → BullMQ → payroll)', () => {
  let gateway: NestFastifyApplication;
  let payroll: NestFastifyApplication;
  let district: TestDistrict;
  let tutor: TestUser;
  let admin: Session;
  let payrollUser: Session;
  let workOrderId: string;

  /** A posted, payable Tutoring session of the tutor under the work order; fields override. */
  function snapshot(fields: Partial<PostedSessionSnapshot> = {}): PostedSessionSnapshot {
    return postedSnapshot({ providerId: tutor.id, schoolId: district.schools[0].id, workOrderId, ...fields });
  }

  function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return payrollRows<T>(payroll, district.id, sql, params);
  }

  const decisions = (sessionId: string) =>
    rows<DecisionRow>(`select * from payroll.pay_decision where session_id = ? order by session_version`, [sessionId]);
  const payLines = (sessionId: string) =>
    rows<PayLineRow>(`select * from payroll.pay_line where session_id = ? order by session_version, kind desc`, [sessionId]);
  const billableLines = (sessionId: string) =>
    rows<BillableRow>(`select * from payroll.billable_line where session_id = ? order by session_version, kind desc, minutes desc`, [sessionId]);

  function deliver(...events: PostingEvent[]): Promise<void> {
    return deliverPostings(gateway, payroll, district.id, ...events);
  }

  async function period(id: string): Promise<{ starts_on: string; ends_on: string; status: string }> {
    const [row] = await rows<{ starts_on: string; ends_on: string; status: string }>(
      `select starts_on::text, ends_on::text, status from payroll.pay_period where id = ?`,
      [id],
    );
    return row;
  }

  beforeAll(async () => {
    // The relay brings the district's settings (late-entry window, time zone) to payroll's replica, which closing needs.
    gateway = await startGateway({ RPC_TIMEOUT_MS: '5000', OUTBOX_RELAY_ENABLED: 'true' });
    payroll = await startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') });
    district = await createDistrict(gateway, 1);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const payrollRecord = await district.user(['payroll']);
    [admin, payrollUser] = await Promise.all([signIn(gateway, district.admin.email), signIn(gateway, payrollRecord.email)]);
    const created = await as(gateway, admin)
      .post('/api/work-orders')
      .send({ type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id, payRateCents: 3250, validFrom: '2025-01-01', validTo: '2027-12-31' });
    expect(created.status).toBe(201);
    workOrderId = created.body.id;
    await waitFor(
      async () => !!(await payroll.get(TenantTransactions).run(district.id, (em) => em.findOne(DistrictReplica, { districtId: district.id }))),
      15_000,
    );
  });

  afterAll(() => stopApps(gateway, payroll));

  it('pays a qualifying session rate × adjusted minutes, rounded half-up to the cent, and bills each student', async () => {
    const posted = snapshot({
      participants: [student('attended', 45), student('attended', 22), student('attended', 7), student('attended', 23)],
    });
    await deliver({ posted });

    const [decision] = await decisions(posted.sessionId);
    expect(decision).toMatchObject({ session_version: 1, event: 'posted', payable: true, amount_cents: 2438 });
    expect(decision.reason).toMatch(/^Tutoring: 4 of at least 4 qualifying students/);
    const lines = await payLines(posted.sessionId);
    // 3250 c/h × 45 min = 2437.5 cents → 2438.
    expect(lines).toEqual([expect.objectContaining({ kind: 'payment', minutes: 45, rate_cents: 3250, amount_cents: 2438, provider_id: tutor.id, reverses_line_id: null })]);
    expect(await period(lines[0].period_id)).toEqual({ starts_on: '2026-03-02', ends_on: '2026-03-08', status: 'open' });
    // CMS 8-minute rule (the district default): 45 → 3, 23 → 2, 22 → 1, 7 → 0.
    const billed = await billableLines(posted.sessionId);
    expect(billed.map((b) => [b.minutes, b.units, b.unit_rule])).toEqual([
      [45, 3, 'cms_8_minute'],
      [23, 2, 'cms_8_minute'],
      [22, 1, 'cms_8_minute'],
      [7, 0, 'cms_8_minute'],
    ]);
  });

  it('records why a session is not paid: 3 qualifying students under Tutoring, a non-billable cancellation not counted', async () => {
    const posted = snapshot({
      participants: [student('attended', 45), student('missed_billable', 0), student('cancelled_billable', 0), student('cancelled_nonbillable', 0)],
    });
    await deliver({ posted });

    const [decision] = await decisions(posted.sessionId);
    expect(decision).toMatchObject({ payable: false, amount_cents: null });
    expect(decision.reason).toBe(
      'Tutoring needs at least 4 qualifying students whose attendance is paid (attended, missed or cancelled late); the session has 3',
    );
    expect(await payLines(posted.sessionId)).toEqual([]);
    // The family is billed for the three billable statuses (an absence for the time held), never for a timely cancellation.
    const billed = await billableLines(posted.sessionId);
    expect(billed.map((b) => [b.attendance_status, b.minutes, b.units]).sort()).toEqual([
      ['attended', 45, 3],
      ['cancelled_billable', 45, 3],
      ['missed_billable', 45, 3],
    ]);
  });

  it('says why when the work order does not pay: none, unknown to payroll, deactivated, or no minutes', async () => {
    const other = await as(gateway, admin)
      .post('/api/work-orders')
      .send({ type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id, payRateCents: 3000, validFrom: '2025-01-01', validTo: '2027-12-31' });
    expect((await as(gateway, admin).post(`/api/work-orders/${other.body.id}/deactivate`)).status).toBe(200);
    const unknownId = randomUUID();
    const none = snapshot({ workOrderId: null, workOrderType: null });
    const unknown = snapshot({ workOrderId: unknownId });
    // Coverage is judged at the session's time: this one started after the deactivation.
    const deactivated = snapshot({ workOrderId: other.body.id, sessionDate: new Date().toISOString().slice(0, 10), startedAt: new Date().toISOString() });
    const cancelled = snapshot({
      state: 'cancelled',
      adjustedMinutes: null,
      participants: [student('cancelled_billable', 0), student('cancelled_billable', 0), student('cancelled_billable', 0), student('cancelled_billable', 0)],
    });
    await deliver({ posted: none }, { posted: unknown }, { posted: deactivated }, { posted: cancelled });

    expect((await decisions(none.sessionId))[0]).toMatchObject({ payable: false, reason: 'No work order: time tracking only, never paid' });
    expect((await decisions(unknown.sessionId))[0]).toMatchObject({ payable: false, reason: `Work order ${unknownId} is unknown to payroll` });
    expect((await decisions(deactivated.sessionId))[0]).toMatchObject({ payable: false, reason: expect.stringMatching(/^The work order is deactivated \(on .+, before the session started\)$/) });
    expect((await decisions(cancelled.sessionId))[0]).toMatchObject({ payable: false });
    expect((await decisions(cancelled.sessionId))[0].reason).toMatch(/no minutes to pay \(cancelled\)/);
    for (const session of [none, unknown, deactivated, cancelled]) expect(await payLines(session.sessionId)).toEqual([]);
  });

  it('pays a session once even when the same snapshot is published twice under two event ids, and the database refuses a second payment', async () => {
    const posted = snapshot();
    await deliver({ posted }, { posted });

    expect(await decisions(posted.sessionId)).toHaveLength(1);
    const lines = await payLines(posted.sessionId);
    expect(lines).toHaveLength(1);
    expect(await billableLines(posted.sessionId)).toHaveLength(4);

    const [line] = lines;
    const copy = () =>
      rows(
        `insert into payroll.pay_line (id, district_id, period_id, session_id, session_version, kind, provider_id, provider_name, work_order_id, session_date, minutes, rate_cents, amount_cents)
         select ?, district_id, period_id, session_id, session_version, kind, provider_id, provider_name, work_order_id, session_date, minutes, rate_cents, amount_cents
           from payroll.pay_line where id = ?`,
        [randomUUID(), line.id],
      );
    await expect(copy()).rejects.toThrow(/pay_line_district_id_session_id_session_version_kind_key|duplicate key/);
    await expect(rows(`update payroll.pay_line set amount_cents = 1 where id = ?`, [line.id])).rejects.toThrow(/never changed or deleted/);
    await expect(rows(`delete from payroll.pay_line where id = ?`, [line.id])).rejects.toThrow(/never changed or deleted/);
    expect((await payLines(posted.sessionId)).map((l) => l.amount_cents)).toEqual([2438]);
  });

  it('answers an amendment with a reversal of the previous line and a new line, never an edit: the net is the new amount', async () => {
    const v1 = snapshot();
    await deliver({ posted: v1 });
    const [original] = await payLines(v1.sessionId);
    const v2 = { ...v1, version: 2, adjustedMinutes: 60, contentHash: 'b'.repeat(64), participants: [...v1.participants.slice(0, 3), { ...v1.participants[3], minutes: 30 }] };
    await deliver({ amended: v2, reason: 'Ran longer than logged' });

    const lines = await payLines(v1.sessionId);
    expect(lines).toEqual([
      expect.objectContaining({ id: original.id, session_version: 1, kind: 'payment', minutes: 45, amount_cents: 2438 }),
      expect.objectContaining({ session_version: 2, kind: 'reversal', minutes: -45, amount_cents: -2438, reverses_line_id: original.id }),
      expect.objectContaining({ session_version: 2, kind: 'payment', minutes: 60, amount_cents: 3250, reverses_line_id: null }),
    ]);
    expect(lines.reduce((sum, l) => sum + l.amount_cents, 0)).toBe(3250);
    expect((await decisions(v1.sessionId)).map((d) => [d.session_version, d.event, d.amendment_reason])).toEqual([
      [1, 'posted', null],
      [2, 'amended', 'Ran longer than logged'],
    ]);
    // Billing follows: four charges reversed, four re-added — the three there throughout on the paid 60 minutes
    // (4 units), the one who left after 30 minutes on their own (2 units).
    const billed = await billableLines(v1.sessionId);
    expect(billed.filter((b) => b.kind === 'reversal')).toHaveLength(4);
    const net = new Map<string, number>();
    for (const b of billed) net.set(b.participant_id, (net.get(b.participant_id) ?? 0) + b.units);
    expect([...net.values()].sort()).toEqual([2, 4, 4, 4]);
    const reversed = new Set(billed.filter((b) => b.kind === 'reversal').map((b) => b.reverses_line_id));
    expect(billed.filter((b) => b.session_version === 1).every((b) => reversed.has(b.id))).toBe(true);

    // An amendment that is not payable any more reverses and adds nothing.
    const v3 = { ...v2, version: 3, contentHash: 'c'.repeat(64), participants: v2.participants.slice(0, 2) };
    await deliver({ amended: v3, reason: 'Two students were logged by mistake' });
    const after = await payLines(v1.sessionId);
    expect(after.filter((l) => l.session_version === 3)).toEqual([expect.objectContaining({ kind: 'reversal', amount_cents: -3250 })]);
    expect(after.reduce((sum, l) => sum + l.amount_cents, 0)).toBe(0);
    expect((await decisions(v1.sessionId))[2]).toMatchObject({ payable: false });
  });

  it('judges a version decided before money bases were kept by its minutes, work order and attendance: a typo fix still moves nothing', async () => {
    const v1 = snapshot();
    await deliver({ posted: v1 });
    // As the version would have been decided before this release: no money basis (as the database owner, triggers off).
    const owner = new Client({ connectionString: databaseUrl(currentTestRun().database) });
    await owner.connect();
    try {
      await owner.query(`set session_replication_role = replica`);
      await owner.query(`update payroll.pay_decision set money_basis = null where session_id = $1`, [v1.sessionId]);
    } finally {
      await owner.end();
    }
    const typo = { ...v1, version: 2, contentHash: 'd'.repeat(64), description: 'Fractions and decimals' };
    await deliver({ amended: typo, reason: 'Typo' });
    expect((await payLines(v1.sessionId)).map((l) => [l.session_version, l.kind, l.amount_cents])).toEqual([[1, 'payment', 2438]]);
    expect((await billableLines(v1.sessionId)).every((l) => l.session_version === 1)).toBe(true);
    expect((await decisions(v1.sessionId))[1]).toMatchObject({ payable: true, amount_cents: 2438, reason: expect.stringContaining('pay and billing stand') });

    const longer = { ...typo, version: 3, contentHash: 'e'.repeat(64), adjustedMinutes: 60 };
    await deliver({ amended: longer, reason: 'Ran longer' });
    expect((await payLines(v1.sessionId)).map((l) => [l.session_version, l.kind, l.amount_cents])).toEqual([
      [1, 'payment', 2438],
      [3, 'reversal', -2438],
      [3, 'payment', 3250],
    ]);
  });

  it('lands an amendment of a session in a closed period in the next open period, as it does a late post', async () => {
    const v1 = snapshot({ sessionDate: '2025-03-04', startedAt: '2025-03-04T15:00:00.000Z', endedAt: '2025-03-04T15:45:00.000Z' });
    await deliver({ posted: v1 });
    const [original] = await payLines(v1.sessionId);
    expect(await period(original.period_id)).toEqual({ starts_on: '2025-03-03', ends_on: '2025-03-09', status: 'open' });
    const closed = await as(gateway, payrollUser).post(`/api/pay-periods/${original.period_id}/close`);
    expect(closed.status).toBe(200);

    const v2 = { ...v1, version: 2, adjustedMinutes: 30, contentHash: 'd'.repeat(64) };
    const late = snapshot({ sessionDate: '2025-03-05' });
    await deliver({ amended: v2, reason: 'Shorter than logged' }, { posted: late });

    const lines = await payLines(v1.sessionId);
    const [reversal, replacement] = lines.filter((l) => l.session_version === 2);
    expect(reversal).toMatchObject({ kind: 'reversal', amount_cents: -2438, reverses_line_id: original.id });
    expect(replacement).toMatchObject({ kind: 'payment', minutes: 30, amount_cents: 1625 });
    expect(reversal.period_id).toBe(replacement.period_id);
    expect(await period(reversal.period_id)).toEqual({ starts_on: '2025-03-10', ends_on: '2025-03-16', status: 'open' });
    expect((await payLines(late.sessionId))[0].period_id).toBe(reversal.period_id);
    // The closed period kept exactly what it had when it closed.
    const inClosed = await rows<{ id: string }>(`select id from payroll.pay_line where period_id = ?`, [original.period_id]);
    expect(inClosed.map((r) => r.id)).toEqual([original.id]);
    const closedBilling = await rows<BillableRow>(`select * from payroll.billable_line where period_id = ?`, [original.period_id]);
    expect(closedBilling.every((b) => b.session_version === 1)).toBe(true);
  });

  it('records a version that arrives after a newer one as superseded, without lines', async () => {
    const v1 = snapshot();
    const v2 = { ...v1, version: 2, adjustedMinutes: 60, contentHash: 'e'.repeat(64) };
    await deliver({ amended: v2, reason: 'Corrected' });
    await deliver({ posted: v1 });

    expect((await decisions(v1.sessionId)).map((d) => [d.session_version, d.payable, d.superseded_by])).toEqual([
      [1, true, 2],
      [2, true, null],
    ]);
    expect((await payLines(v1.sessionId)).map((l) => [l.session_version, l.kind, l.amount_cents])).toEqual([[2, 'payment', 3250]]);
  });

  it('bills by the district’s unit rule: whole 15-minute blocks only once it chooses full_15_only', async () => {
    const current = await as(gateway, payrollUser).get('/api/pay-schedule');
    const changed = await as(gateway, payrollUser)
      .put('/api/pay-schedule')
      .send({ version: current.body.version, frequency: 'weekly', anchorDate: '2026-01-05', billingUnitRule: 'full_15_only' });
    expect(changed.status).toBe(200);
    const posted = snapshot({ participants: [student('attended', 45), student('attended', 44), student('attended', 14), student('attended', 15)] });
    await deliver({ posted });

    const billed = await billableLines(posted.sessionId);
    expect(billed.map((b) => [b.minutes, b.units, b.unit_rule])).toEqual([
      [45, 3, 'full_15_only'],
      [44, 2, 'full_15_only'],
      [15, 1, 'full_15_only'],
      [14, 0, 'full_15_only'],
    ]);
  });
});
