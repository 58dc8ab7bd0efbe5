import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { minutesAgo, SessionPlatform, startSession, startSessionPlatform } from './support/session-harness';

const DAY = 24 * 60;
const DETENTION = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };
const NOTE = 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.';

interface PayLine {
  sessionVersion: number;
  kind: string;
  minutes: number;
  rateCents: number;
  amountCents: number;
}
interface BillableLine {
  sessionVersion: number;
  kind: string;
  studentId: string;
  minutes: number;
  units: number;
}
interface SessionPay {
  decisions: { sessionVersion: number; payable: boolean; reason: string; rateCents: number | null; amountCents: number | null }[];
  payLines: PayLine[];
  billableLines: BillableLine[];
}

/**
 * Settled money moves only for a money reason (DESIGN.md): every case runs
 * the whole path — sessions run, posted and amended over HTTP, session-log
 * emitting, payroll applying over BullMQ — and reads the money back from
 * payroll through the API.
 */
describe('Pay and billing move settled money only for a money reason (gateway → session-log → payroll)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let payrollSession: Session;
  let schoolId: string;

  /**
   * Runs a session of the group from `startedAt` for `minutes`, every student
   * present in detention, those in `late` timed in that many minutes after the start.
   */
  async function runSession(options: {
    groupId: string;
    workOrderId: string;
    startedAt: string;
    minutes: number;
    late?: Record<string, number>;
    provider?: Session;
    qualifiers?: typeof DETENTION;
  }) {
    const provider = options.provider ?? tutorSession;
    const started = await startSession(platform.gateway, provider, {
      service: 'tutoring',
      groupId: options.groupId,
      workOrderId: options.workOrderId,
      startedAt: options.startedAt,
      description: 'Fractoins',
    });
    for (const p of started.participants) {
      const late = options.late?.[p.personId];
      const timeIn = late ? { timeIn: new Date(Date.parse(options.startedAt) + late * 60_000).toISOString() } : {};
      await as(platform.gateway, provider)
        .patch(`/api/sessions/${started.id}/participants/${p.id}`)
        .send({ version: 1, present: true, qualifiers: options.qualifiers ?? DETENTION, studentNote: NOTE, ...timeIn })
        .expect(200);
    }
    const ended = await as(platform.gateway, provider)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: started.version, endedAt: new Date(Date.parse(options.startedAt) + options.minutes * 60_000).toISOString() })
      .expect(200);
    return ended.body as { id: string; version: number; sessionDate: string; participants: { id: string; personId: string }[] };
  }

  async function post(sessionId: string, provider: Session = tutorSession, reader: Session = payrollSession): Promise<SessionPay> {
    await as(platform.gateway, provider).post(`/api/sessions/${sessionId}/post`).send({ password: TEST_PASSWORD }).expect(200);
    return payOf(sessionId, 1, reader);
  }

  async function amend(sessionId: string, basedOnVersion: number, reason: string, changes: Record<string, unknown>, who: Session = tutorSession): Promise<SessionPay> {
    const response = await as(platform.gateway, who)
      .post(`/api/sessions/${sessionId}/amendments`)
      .send({ password: TEST_PASSWORD, basedOnVersion, reason, changes });
    if (response.status !== 200) throw new Error(`amendment answered ${response.status}: ${JSON.stringify(response.body)}`);
    return payOf(sessionId, basedOnVersion + 1);
  }

  /** The session's pay as payroll holds it, once payroll has decided `version`. */
  async function payOf(sessionId: string, version: number, reader: Session = payrollSession): Promise<SessionPay> {
    let pay: SessionPay | undefined;
    await waitFor(async () => {
      const response = await as(platform.gateway, reader).get(`/api/sessions/${sessionId}/pay`);
      pay = response.status === 200 ? response.body : undefined;
      return !!pay?.decisions.some((d) => d.sessionVersion === version);
    }, 20_000);
    return pay!;
  }

  const lines = (pay: SessionPay) => pay.payLines.map((l) => [l.sessionVersion, l.kind, l.minutes, l.rateCents, l.amountCents]);
  const billedOf = (pay: SessionPay, studentId: string) =>
    pay.billableLines.filter((l) => l.studentId === studentId).map((l) => [l.sessionVersion, l.kind, l.minutes, l.units]);

  async function students(count: number, by: Session = admin, school = schoolId): Promise<{ id: string; firstName: string; lastName: string }[]> {
    return Promise.all(Array.from({ length: count }, () => addStudent(platform.gateway, by, school)));
  }

  /** The CSV as rows keyed by column (these files hold no quoted cells). */
  function csvRows(text: string): Record<string, string>[] {
    expect(text).not.toContain('"');
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = text.split('\r\n').filter((line) => line !== '');
    const columns = header.split(',');
    return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i], cell])));
  }

  beforeAll(async () => {
    // Session-log's relay on: its events reach payroll as in production (this file has its own database and queues).
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    district = await platform.district(1);
    schoolId = district.schools[0].id;
    tutor = await district.user(['provider'], { schoolIds: [schoolId], providerKind: 'tutor', name: 'Tara' });
    const payrollUser = await district.user(['payroll']);
    [admin, tutorSession, payrollSession] = await Promise.all([
      signIn(platform.gateway, district.admin.email),
      signIn(platform.gateway, tutor.email),
      signIn(platform.gateway, payrollUser.email),
    ]);
  });

  afterAll(() => platform.stop());

  it('pays a session at the rate in force on its date, and a typo fix after a raise moves no money (item 6)', async () => {
    const order = await addWorkOrder(platform.gateway, admin, { type: 'detention', providerId: tutor.id, schoolId });
    const [amy] = await students(1);
    const group = await addGroup(platform.gateway, admin, schoolId, tutor.id, [amy.id]);
    const old = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(3 * DAY), minutes: 45 });
    const posted = await post(old.id);
    expect(lines(posted)).toEqual([[1, 'payment', 45, 3000, 2250]]);

    // A rate cannot reach back over settled work.
    const current = await as(platform.gateway, admin).get(`/api/work-orders/${order.id}`).expect(200);
    const backdated = await as(platform.gateway, admin)
      .patch(`/api/work-orders/${order.id}`)
      .send({ version: current.body.version, payRateCents: 4000, rateEffectiveFrom: old.sessionDate });
    expect(backdated.status).toBe(400);
    expect(backdated.body.fields.map((f: { field: string }) => f.field)).toEqual(['rateEffectiveFrom']);

    const raised = await as(platform.gateway, admin).patch(`/api/work-orders/${order.id}`).send({ version: current.body.version, payRateCents: 4000 }).expect(200);
    expect(raised.body.payRateCents).toBe(4000);
    expect(raised.body.rates).toEqual([
      { effectiveFrom: '2020-01-01', payRateCents: 3000 },
      { effectiveFrom: expect.any(String), payRateCents: 4000 },
    ]);
    const raisedFrom: string = raised.body.rates[1].effectiveFrom;
    expect(raisedFrom > old.sessionDate).toBe(true);

    const typo = await amend(old.id, 1, 'Typo in the description', { session: { description: 'Fractions' } });
    expect(lines(typo)).toEqual([[1, 'payment', 45, 3000, 2250]]);
    expect(billedOf(typo, amy.id)).toEqual([[1, 'charge', 45, 3]]);
    expect(typo.decisions.at(-1)).toMatchObject({ sessionVersion: 2, payable: true, rateCents: 3000, amountCents: 2250 });

    // Minutes are a money reason: re-priced, at the rate of the session's own date.
    const longer = await amend(old.id, 2, 'Ran five minutes longer', { adjustedMinutes: 50 });
    expect(lines(longer)).toEqual([
      [1, 'payment', 45, 3000, 2250],
      [3, 'reversal', -45, 3000, -2250],
      [3, 'payment', 50, 3000, 2500],
    ]);

    const fresh = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(90), minutes: 45 });
    const expectedRate = fresh.sessionDate >= raisedFrom ? 4000 : 3000;
    expect(lines(await post(fresh.id))).toEqual([[1, 'payment', 45, expectedRate, (expectedRate * 45) / 60]]);
  });

  it('keeps paying work done while the work order was active after it is deactivated (item 7)', async () => {
    const order = await addWorkOrder(platform.gateway, admin, { type: 'detention', providerId: tutor.id, schoolId });
    const [ben] = await students(1);
    const group = await addGroup(platform.gateway, admin, schoolId, tutor.id, [ben.id]);
    const session = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(2 * DAY), minutes: 60 });
    expect(lines(await post(session.id))).toEqual([[1, 'payment', 60, 3000, 3000]]);

    const deactivated = await as(platform.gateway, admin).post(`/api/work-orders/${order.id}/deactivate`).expect(200);
    expect(deactivated.body).toMatchObject({ active: false, deactivatedAt: expect.any(String) });

    const note = await amend(session.id, 1, 'Fix a note', {
      session: { description: 'Detention study hall' },
      participants: [{ participantId: session.participants[0].id, studentNote: `${NOTE} Well done.` }],
    });
    expect(lines(note)).toEqual([[1, 'payment', 60, 3000, 3000]]);
    expect(note.decisions.at(-1)).toMatchObject({ sessionVersion: 2, payable: true, amountCents: 3000 });

    // Even a money reason judges coverage at the session's time: the work was done while the order was active.
    const shorter = await amend(session.id, 2, 'Ended early', { adjustedMinutes: 50 });
    expect(shorter.decisions.at(-1)).toMatchObject({ sessionVersion: 3, payable: true, amountCents: 2500 });
    expect(lines(shorter)).toEqual([
      [1, 'payment', 60, 3000, 3000],
      [3, 'reversal', -60, 3000, -3000],
      [3, 'payment', 50, 3000, 2500],
    ]);
  });

  it('bills a student present throughout on the paid (overridden or amended) duration, a late one on their own minutes, and flags the difference (item 8)', async () => {
    const order = await addWorkOrder(platform.gateway, admin, { type: 'detention', providerId: tutor.id, schoolId });
    const [cleo, dan] = await students(2);
    const group = await addGroup(platform.gateway, admin, schoolId, tutor.id, [cleo.id, dan.id]);

    const overridden = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(6 * 60), minutes: 45, late: { [dan.id]: 10 } });
    await as(platform.gateway, admin)
      .put(`/api/sessions/${overridden.id}/duration`)
      .send({ version: overridden.version, minutes: 80, reason: 'Field trip ran long' })
      .expect(200);
    const audit = await as(platform.gateway, admin).get(`/api/sessions/${overridden.id}/audit`).expect(200);
    const danParticipant = overridden.participants.find((p) => p.personId === dan.id)!;
    expect(audit.body.postable).toBe(true);
    expect(audit.body.warnings.filter((w: { code: string }) => w.code === 'PARTICIPANT.BILLED_MINUTES_DIFFER')).toEqual([
      { code: 'PARTICIPANT.BILLED_MINUTES_DIFFER', message: expect.stringContaining('billed 35 minutes'), participantId: danParticipant.id },
    ]);
    const pay = await post(overridden.id);
    expect(lines(pay)).toEqual([[1, 'payment', 80, 3000, 4000]]);
    expect(billedOf(pay, cleo.id)).toEqual([[1, 'charge', 80, 5]]);
    expect(billedOf(pay, dan.id)).toEqual([[1, 'charge', 35, 2]]);

    const amended = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(4 * 60), minutes: 60 });
    expect(billedOf(await post(amended.id), cleo.id)).toEqual([[1, 'charge', 60, 4]]);
    const longer = await amend(amended.id, 1, 'Stayed on for review', { adjustedMinutes: 75 });
    expect(lines(longer).at(-1)).toEqual([2, 'payment', 75, 3000, 3750]);
    // Cleo and Dan were both there throughout: billed the 75 minutes paid, no more and no less.
    for (const student of [cleo, dan]) {
      expect(billedOf(longer, student.id).filter(([, kind]) => kind !== 'adjustment')).toEqual([
        [1, 'charge', 60, 4],
        [2, 'reversal', -60, -4],
        [2, 'charge', 75, 5],
      ]);
    }
  });

  it('counts units on a student’s total timed minutes for the day with the provider: two 22-minute sessions are 3 units (item 9)', async () => {
    const order = await addWorkOrder(platform.gateway, admin, { type: 'detention', providerId: tutor.id, schoolId });
    const [eli] = await students(1);
    const group = await addGroup(platform.gateway, admin, schoolId, tutor.id, [eli.id]);
    // Sessions of 25 minutes that Eli joins 3 minutes late: 22 minutes each, 44 for the day.
    const first = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(170), minutes: 25, late: { [eli.id]: 3 } });
    const second = await runSession({ groupId: group.id, workOrderId: order.id, startedAt: minutesAgo(2 * 60), minutes: 25, late: { [eli.id]: 3 } });
    expect(first.sessionDate).toBe(second.sessionDate);
    const firstPay = await post(first.id);
    expect(billedOf(firstPay, eli.id)).toEqual([[1, 'charge', 22, 1]]);
    const secondPay = await post(second.id);
    expect(billedOf(secondPay, eli.id)).toEqual([
      [1, 'charge', 22, 1],
      [1, 'adjustment', 0, 1],
    ]);
    const dayUnits = async () => {
      const all = [...(await payOf(first.id, 1)).billableLines, ...(await payOf(second.id, 1)).billableLines];
      return all.filter((l) => l.studentId === eli.id).reduce((sum, l) => [sum[0] + l.minutes, sum[1] + l.units], [0, 0]);
    };
    expect(await dayUnits()).toEqual([44, 3]);

    // Eli turns out to have missed the first one without notice cancelled: his day shrinks and gives a unit back.
    const participant = first.participants.find((p) => p.personId === eli.id)!;
    const amended = await amend(first.id, 1, 'Eli was not there', { participants: [{ participantId: participant.id, attendanceStatus: 'cancelled_nonbillable' }] });
    expect(billedOf(amended, eli.id)).toEqual([
      [1, 'charge', 22, 1],
      [2, 'reversal', -22, -1],
      [2, 'adjustment', 0, -1],
    ]);
    expect(await dayUnits()).toEqual([22, 1]);
  });

  describe('exports (items 10 and 11)', () => {
    let other: TestDistrict;
    let admin2: Session;
    let payroll2: Session;
    let provider2: TestUser;
    let providerSession2: Session;
    let otherPayroll: Session;
    let fay: { id: string; firstName: string; lastName: string };
    let gus: { id: string; firstName: string; lastName: string };
    let sessionDate: string;
    let periodId: string;
    let providerName: string;

    /** 8 days ago at 15:00 UTC (09:00 in the district), plus `hours`: all on one district day, within the late-entry window. */
    const eightDaysAgo = (hours: number) => {
      const day = new Date(Date.now() - 8 * DAY * 60_000);
      day.setUTCHours(15 + hours, 0, 0, 0);
      return day.toISOString();
    };

    beforeAll(async () => {
      other = await platform.district(1);
      const school2 = other.schools[0].id;
      provider2 = await other.user(['provider'], { schoolIds: [school2], providerKind: 'tutor', name: 'Pat' });
      const payrollUser2 = await other.user(['payroll']);
      [admin2, payroll2, providerSession2, otherPayroll] = await Promise.all([
        signIn(platform.gateway, other.admin.email),
        signIn(platform.gateway, payrollUser2.email),
        signIn(platform.gateway, provider2.email),
        // The first district's payroll user: everything of this district is another district's to them.
        signIn(platform.gateway, (await district.user(['payroll'])).email),
      ]);
      [fay, gus] = await students(2, admin2, school2);
      const both = await addGroup(platform.gateway, admin2, school2, provider2.id, [fay.id, gus.id]);
      const fayOnly = await addGroup(platform.gateway, admin2, school2, provider2.id, [fay.id]);
      const order = (type: string, payRateCents: number) =>
        as(platform.gateway, admin2)
          .post('/api/work-orders')
          .send({ type, providerId: provider2.id, schoolId: school2, payRateCents, validFrom: '2020-01-01', validTo: '2099-12-31' })
          .expect(201)
          .then((r) => r.body as { id: string });
      const [detention30, detention45, creditRecovery30] = [await order('detention', 3000), await order('detention', 4500), await order('credit_recovery', 3000)];

      // One day: 45 minutes at $30 (Gus 10 minutes late), 30 at $45, 60 of credit recovery at $30.
      const sessions = [
        await runSession({ provider: providerSession2, groupId: both.id, workOrderId: detention30.id, startedAt: eightDaysAgo(0), minutes: 45, late: { [gus.id]: 10 } }),
        await runSession({ provider: providerSession2, groupId: fayOnly.id, workOrderId: detention45.id, startedAt: eightDaysAgo(1), minutes: 30 }),
        await runSession({
          provider: providerSession2,
          groupId: fayOnly.id,
          workOrderId: creditRecovery30.id,
          startedAt: eightDaysAgo(2),
          minutes: 60,
          qualifiers: { ...DETENTION, detention: false, creditRecovery: true },
        }),
      ];
      for (const session of sessions) await post(session.id, providerSession2, payroll2);
      sessionDate = sessions[0].sessionDate;
      expect(sessions.map((s) => s.sessionDate)).toEqual([sessionDate, sessionDate, sessionDate]);
      const periods = await as(platform.gateway, payroll2).get('/api/pay-periods').expect(200);
      expect(periods.body.items).toHaveLength(1);
      periodId = periods.body.items[0].id;
      providerName = (await as(platform.gateway, payroll2).get(`/api/pay-periods/${periodId}/lines`).expect(200)).body.items[0].providerName;
    });

    it('exports payroll one row per provider × work order type × rate, with the employee number and period; provisional while open, final after close (item 11)', async () => {
      expect((await as(platform.gateway, providerSession2).put(`/api/pay-employees/${provider2.id}`).send({ employeeNumber: 'E-1042' })).status).toBe(403);
      expect((await as(platform.gateway, otherPayroll).put(`/api/pay-employees/${provider2.id}`).send({ employeeNumber: 'E-1042' })).status).toBe(404);
      const numbered = await as(platform.gateway, payroll2).put(`/api/pay-employees/${provider2.id}`).send({ employeeNumber: 'E-1042' }).expect(200);
      expect(numbered.body).toEqual({ providerId: provider2.id, employeeNumber: 'E-1042' });

      const period = (await as(platform.gateway, payroll2).get(`/api/pay-periods/${periodId}`).expect(200)).body;
      const expectedRows = (status: string) =>
        [
          ['credit_recovery', '30.00', '1.00', '30.00'],
          ['detention', '30.00', '0.75', '22.50'],
          ['detention', '45.00', '0.50', '22.50'],
        ].map(([type, rate, hours, amount]) => ({
          provider_id: provider2.id,
          employee_number: 'E-1042',
          provider_name: providerName,
          period_start: period.startsOn,
          period_end: period.endsOn,
          work_order_type: type,
          rate,
          hours,
          amount,
          lines: '1',
          status,
        }));

      const open = await as(platform.gateway, payroll2).get(`/api/pay-periods/${periodId}/export.csv`).expect(200);
      expect(open.headers['content-disposition']).toBe(`attachment; filename="pay-period-${period.startsOn}-to-${period.endsOn}-provisional.csv"`);
      expect(csvRows(open.text)).toEqual(expectedRows('provisional'));

      // Closing needs the late-entry window behind the period: the district shortens it, and payroll learns so.
      const current = await as(platform.gateway, admin2).get('/api/district').expect(200);
      const updated = await as(platform.gateway, admin2)
        .patch('/api/district')
        .send({ version: current.body.version, settings: { lateEntryDays: 0 } })
        .expect(200);
      await waitFor(async () => {
        const replica = await platform.payroll.get(TenantTransactions).run(other.id, (em) => em.findOne(DistrictReplica, { districtId: other.id }));
        return (replica?.version ?? 0) >= updated.body.version;
      }, 15_000);
      await as(platform.gateway, payroll2).post(`/api/pay-periods/${periodId}/close`).expect(200);

      const closed = await as(platform.gateway, payroll2).get(`/api/pay-periods/${periodId}/export.csv`).expect(200);
      expect(closed.headers['content-disposition']).toBe(`attachment; filename="pay-period-${period.startsOn}-to-${period.endsOn}.csv"`);
      expect(csvRows(closed.text)).toEqual(expectedRows('final'));
    });

    it('exports billing as CSV per the 837P map, one row per student day with the provider, units on the day’s total minutes (item 10)', async () => {
      const body = { from: sessionDate, to: sessionDate };
      const missing = await as(platform.gateway, admin2).post('/api/billing/exports').send(body);
      expect(missing.status).toBe(409);
      expect(missing.body.code).toBe('BILLING.PROVIDER_ID_MISSING');

      const schedule = (await as(platform.gateway, admin2).get('/api/pay-schedule').expect(200)).body;
      await as(platform.gateway, admin2)
        .put('/api/pay-schedule')
        .send({ version: schedule.version, frequency: schedule.frequency, anchorDate: schedule.anchorDate, billingProviderNpi: '1234567893', renderingProviderNpi: '1003000126' })
        .expect(200);

      const byDates = await as(platform.gateway, admin2).post('/api/billing/exports').send(body).expect(200);
      expect(byDates.headers['content-type']).toMatch(/^text\/csv/);
      expect(byDates.headers['content-disposition']).toBe(`attachment; filename="billing-${sessionDate}-to-${sessionDate}.csv"`);
      const common = {
        date_of_service: sessionDate.replace(/-/g, ''),
        place_of_service: '03',
        service_code: 'tutoring',
        unit_basis: 'UN',
        provider_id: provider2.id,
        provider_name: providerName,
        rendering_provider_npi: '1003000126',
        billing_provider_npi: '1234567893',
        student_state_id: '',
      };
      const name = (s: { firstName: string; lastName: string }) => `${s.firstName} ${s.lastName}`;
      const expected = [
        // Fay: 45 + 30 + 60 = 135 minutes with Pat that day → 9 units; Gus: 35 minutes (came 10 late) → 2.
        { ...common, student_id: fay.id, student_name: name(fay), minutes: '135', units: '9' },
        { ...common, student_id: gus.id, student_name: name(gus), minutes: '35', units: '2' },
      ].sort((a, b) => (a.student_name < b.student_name ? -1 : 1));
      expect(csvRows(byDates.text)).toEqual(expected);

      const byPeriod = await as(platform.gateway, payroll2).post('/api/billing/exports').send({ periodId }).expect(200);
      expect(csvRows(byPeriod.text)).toEqual(expected);

      const refused = await Promise.all([
        as(platform.gateway, providerSession2).post('/api/billing/exports').send(body),
        as(platform.gateway, otherPayroll).post('/api/billing/exports').send({ periodId }),
        as(platform.gateway, admin2).post('/api/billing/exports').send({ periodId, from: sessionDate, to: sessionDate }),
        as(platform.gateway, admin2).post('/api/billing/exports').send({ from: sessionDate }),
      ]);
      expect(refused.map((r) => r.status)).toEqual([403, 404, 400, 400]);
    });
  });
});
