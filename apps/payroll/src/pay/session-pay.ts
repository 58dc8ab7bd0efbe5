import { createHash } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { BillingUnitRule, PostedSessionSnapshot } from '@sessionledger/contracts';
import { AttendanceStatus, billedMinutes, canonicalJson, findWorkOrderType, payability, placeOfServiceCode, workOrderCoverageProblem } from '@sessionledger/session-rules';
import { billingUnits, dayUnitsAdjustment } from '../billing/billing-units';
import { openPeriodFor, payScheduleOf } from '../periods/period-placement';
import { WorkOrder } from '../work-orders/work-order.entity';
import { payAmountCents } from './pay-amount';
import { BillableLine, PayDecision, PayLine } from './pay.entities';

export interface PostedVersion {
  districtId: string;
  snapshot: PostedSessionSnapshot;
  event: 'posted' | 'amended';
  amendmentReason: string | null;
}

interface Verdict {
  payable: boolean;
  reason: string;
  rateCents: number | null;
  amountCents: number | null;
  workOrder: WorkOrder | null;
}

const unpaid = (reason: string): Verdict => ({ payable: false, reason, rateCents: null, amountCents: null, workOrder: null });

/**
 * Everything of a version that pay or billing depends on: the work order, the
 * day and times, the minutes, each participant's attendance, minutes and
 * qualifiers, and whether the session is described and goal-tagged (what the
 * pay rules read of the text). Two versions with the same basis owe the same
 * money, so an amendment that keeps it (a typo fix) moves none.
 */
export function moneyBasis(districtId: string, snapshot: PostedSessionSnapshot): string {
  const basis = {
    workOrderId: snapshot.workOrderId,
    workOrderType: snapshot.workOrderType,
    service: snapshot.service,
    sessionDate: snapshot.sessionDate,
    startedAt: snapshot.startedAt,
    rawMinutes: snapshot.rawMinutes,
    state: snapshot.state,
    adjustedMinutes: snapshot.adjustedMinutes,
    // The text never matters, only whether a type that needs one has it.
    described: snapshot.workOrderType && findWorkOrderType(districtId, snapshot.workOrderType)?.payableRule.requiresDescription ? !!snapshot.description?.trim() : null,
    careerLadderGoalTagged: snapshot.careerLadderGoalTagged,
    participants: snapshot.participants
      .map((p) => ({
        participantId: p.participantId,
        kind: p.kind,
        attendanceStatus: p.attendanceStatus,
        timeIn: p.timeIn,
        timeOut: p.timeOut,
        timeAwayMinutes: p.timeAwayMinutes,
        minutes: p.minutes,
        qualifiers: { homebound: p.qualifiers.homebound, detention: p.qualifiers.detention, creditRecovery: p.qualifiers.creditRecovery, remedial: p.qualifiers.remedial },
      }))
      .sort((a, b) => (a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0)),
  };
  return createHash('sha256').update(canonicalJson(basis)).digest('hex');
}

/** The rate in force on `date`: the latest that took effect on or before it (the first, for a day before them all). */
async function rateOn(em: EntityManager, order: WorkOrder, date: string): Promise<number> {
  const [row]: { payRateCents: number }[] = await em.execute(
    `select pay_rate_cents as "payRateCents" from payroll.work_order_rate where district_id = ? and work_order_id = ?
      order by (effective_from <= ?::date) desc, case when effective_from <= ?::date then effective_from end desc, effective_from asc limit 1`,
    [order.districtId, order.id, date, date],
  );
  return row?.payRateCents ?? order.payRateCents;
}

/**
 * Whether the provider is paid for this version: the district's rule
 * (`payability`, shared with session-log's audit view) on the snapshot, then
 * the work order as it stood when the session took place (its provider,
 * school, dates, and not deactivated before the session started), then the
 * minutes, at the rate in force on the session's date.
 */
async function verdictFor(em: EntityManager, districtId: string, snapshot: PostedSessionSnapshot): Promise<Verdict> {
  const rule = payability({
    districtId,
    workOrderType: snapshot.workOrderType,
    description: snapshot.description,
    careerLadderGoalTagged: snapshot.careerLadderGoalTagged,
    participants: snapshot.participants.map((p) => ({ attendanceStatus: p.attendanceStatus, qualifiers: p.qualifiers })),
  });
  if (!rule.payable) return unpaid(rule.reason);
  if (!snapshot.workOrderId) return unpaid('No work order: time tracking only, never paid');
  const order = await em.findOne(WorkOrder, { id: snapshot.workOrderId });
  if (!order) return unpaid(`Work order ${snapshot.workOrderId} is unknown to payroll`);
  if (order.type !== snapshot.workOrderType) return unpaid(`The work order is of type ${order.type}, but the session was posted as ${snapshot.workOrderType}`);
  const activeThen = order.active || (order.deactivatedAt !== null && Date.parse(snapshot.startedAt) < order.deactivatedAt.getTime());
  const coverage = workOrderCoverageProblem({ ...order, active: activeThen }, snapshot);
  if (coverage) {
    const when = order.deactivatedAt ? ` (on ${order.deactivatedAt.toISOString()}, before the session started)` : '';
    return unpaid(`The work order ${coverage}${activeThen ? '' : when}`);
  }
  // A late cancellation is paid on its planned minutes; one with nothing planned has no minutes to pay on.
  if (!snapshot.adjustedMinutes) return unpaid(`${rule.reason}, but the session has no minutes to pay (${snapshot.state === 'cancelled' ? 'cancelled' : '0 minutes'})`);
  const rateCents = await rateOn(em, order, snapshot.sessionDate);
  return { payable: true, reason: rule.reason, rateCents, amountCents: payAmountCents(rateCents, snapshot.adjustedMinutes), workOrder: order };
}

interface Billed {
  participantId: string;
  studentId: string;
  name: string;
  stateId: string | null;
  schoolId: string | null;
  attendanceStatus: Exclude<AttendanceStatus, 'cancelled_nonbillable'>;
  minutes: number;
  placeOfService: string;
}

/** The students the family is billed for, each on the minutes pay and billing agree on (`billedMinutes`). */
function billedStudents(snapshot: PostedSessionSnapshot): Billed[] {
  const session = { rawMinutes: snapshot.rawMinutes, paidMinutes: snapshot.adjustedMinutes };
  const billed: Billed[] = [];
  for (const p of snapshot.participants) {
    const minutes = billedMinutes(p, session);
    if (minutes === null) continue;
    billed.push({
      participantId: p.participantId,
      studentId: p.personId,
      name: p.name,
      stateId: p.stateId,
      schoolId: p.schoolId,
      attendanceStatus: p.attendanceStatus as Billed['attendanceStatus'],
      minutes,
      placeOfService: placeOfServiceCode(p.qualifiers),
    });
  }
  return billed;
}

interface AppliedDecision {
  session_version: number;
  payable: boolean;
  reason: string;
  rate_cents: number | null;
  amount_cents: number | null;
  money_basis: string | null;
  adjusted_minutes: number | null;
  work_order_id: string | null;
}

/**
 * For a version decided before money bases were kept: no money reason when it
 * pays the same way on the same minutes under the same work order, and bills
 * the same students with the same attendance. Today's rate or billing rule
 * would otherwise re-price a settled session on a typo fix.
 */
function sameMoneyAsLegacy(applied: AppliedDecision, snapshot: PostedSessionSnapshot, verdict: Verdict, billed: Billed[], charges: BillableLine[]): boolean {
  const attendance = (entries: { participantId: string; attendanceStatus: string }[]) =>
    entries
      .map((e) => `${e.participantId}:${e.attendanceStatus}`)
      .sort()
      .join(',');
  return (
    applied.payable === verdict.payable &&
    applied.adjusted_minutes === snapshot.adjustedMinutes &&
    applied.work_order_id === snapshot.workOrderId &&
    attendance(billed) === attendance(charges)
  );
}

/**
 * Applies one posted version of a session, exactly once (the caller's inbox
 * row and this run in one transaction):
 * - a decision for the version, always, with its reason;
 * - when it is the newest version seen and its money basis differs from the
 *   version applied before it: a reversal of the outstanding pay line and
 *   billable lines of earlier versions, new lines for this one, and for each
 *   student day touched an adjustment to the units of its total minutes;
 * - when its money basis is the same (nothing pay or billing reads changed):
 *   the decision alone, carrying the previous one's money — no line moves;
 * - when a newer version was applied already (events crossing), the decision
 *   alone, marked superseded: it writes no lines.
 * A version already decided (the same snapshot re-published under another
 * event id) has no effect; the unique keys would refuse a second line anyway.
 */
export async function applyPostedVersion(em: EntityManager, posted: PostedVersion): Promise<void> {
  const { districtId, snapshot } = posted;
  // Versions of one session are applied one at a time; other sessions are not held up.
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`payroll.session:${districtId}:${snapshot.sessionId}`]);
  const decided: AppliedDecision[] = await em.execute(
    `select session_version, payable, reason, rate_cents, amount_cents, money_basis, adjusted_minutes, work_order_id
       from payroll.pay_decision where district_id = ? and session_id = ? order by session_version`,
    [districtId, snapshot.sessionId],
  );
  if (decided.some((row) => row.session_version === snapshot.version)) return;
  const applied = decided.at(-1);
  const newest = applied?.session_version ?? 0;
  const basis = moneyBasis(districtId, snapshot);
  const decision = {
    districtId,
    sessionId: snapshot.sessionId,
    sessionVersion: snapshot.version,
    event: posted.event,
    amendmentReason: posted.amendmentReason,
    providerId: snapshot.providerId,
    providerName: snapshot.providerName,
    schoolId: snapshot.schoolId,
    sessionDate: snapshot.sessionDate,
    workOrderId: snapshot.workOrderId,
    workOrderType: snapshot.workOrderType,
    adjustedMinutes: snapshot.adjustedMinutes,
    supersededBy: newest > snapshot.version ? newest : null,
    contentHash: snapshot.contentHash,
    moneyBasis: basis,
  };

  const verdict = await verdictFor(em, districtId, snapshot);
  const billed = billedStudents(snapshot);
  const outstandingPay = await outstanding(em, PayLine, districtId, snapshot.sessionId, 'payment');
  const outstandingBillable = await outstanding(em, BillableLine, districtId, snapshot.sessionId, 'charge');
  const noMoneyReason =
    applied !== undefined &&
    newest < snapshot.version &&
    (applied.money_basis !== null ? applied.money_basis === basis : sameMoneyAsLegacy(applied, snapshot, verdict, billed, outstandingBillable));
  if (noMoneyReason) {
    // A typo fix is not a reason to re-price: the settled lines stand as they are.
    em.persist(
      new PayDecision({
        ...decision,
        payable: applied.payable,
        reason: `${applied.reason} (amendment changes no minutes, attendance or work order: version ${newest}'s pay and billing stand)`,
        rateCents: applied.rate_cents,
        amountCents: applied.amount_cents,
      }),
    );
    return;
  }

  em.persist(new PayDecision({ ...decision, payable: verdict.payable, reason: verdict.reason, rateCents: verdict.rateCents, amountCents: verdict.amountCents }));
  if (newest > snapshot.version) return;

  const schedule = await payScheduleOf(em, districtId);
  if (!verdict.payable && billed.length === 0 && outstandingPay.length === 0 && outstandingBillable.length === 0) return;

  // Every student day this version touches is summed below: hold each, in one order, against other sessions of that day.
  const days = new Map<string, { studentId: string; sessionDate: string }>();
  for (const day of [...billed.map((b) => ({ studentId: b.studentId, sessionDate: snapshot.sessionDate })), ...outstandingBillable]) {
    days.set(`${day.studentId}:${day.sessionDate}`, { studentId: day.studentId, sessionDate: day.sessionDate });
  }
  const dayKeys = [...days.keys()].sort().map((key) => `payroll.student-day:${districtId}:${snapshot.providerId}:${key}`);
  if (dayKeys.length) {
    await em.execute(`select pg_advisory_xact_lock(hashtextextended(k, 0)) from (select k from unnest(array[?]::text[]) k order by k) keys`, [dayKeys]);
  }

  const period = await openPeriodFor(em, districtId, snapshot.sessionDate, schedule);
  const common = { districtId, periodId: period.id, sessionId: snapshot.sessionId, sessionVersion: snapshot.version };
  for (const line of outstandingPay) {
    em.persist(
      new PayLine({
        ...common,
        kind: 'reversal',
        providerId: line.providerId,
        providerName: line.providerName,
        workOrderId: line.workOrderId,
        sessionDate: line.sessionDate,
        minutes: -line.minutes,
        rateCents: line.rateCents,
        amountCents: -line.amountCents,
        reversesLineId: line.id,
      }),
    );
  }
  if (verdict.payable) {
    em.persist(
      new PayLine({
        ...common,
        kind: 'payment',
        providerId: snapshot.providerId,
        providerName: snapshot.providerName,
        workOrderId: verdict.workOrder!.id,
        sessionDate: snapshot.sessionDate,
        minutes: snapshot.adjustedMinutes!,
        rateCents: verdict.rateCents!,
        amountCents: verdict.amountCents!,
        reversesLineId: null,
      }),
    );
  }
  for (const line of outstandingBillable) {
    em.persist(
      new BillableLine({
        ...common,
        kind: 'reversal',
        participantId: line.participantId,
        studentId: line.studentId,
        studentName: line.studentName,
        stateId: line.stateId,
        schoolId: line.schoolId,
        attendanceStatus: line.attendanceStatus,
        service: line.service,
        sessionDate: line.sessionDate,
        minutes: -line.minutes,
        units: -line.units,
        unitRule: line.unitRule,
        placeOfService: line.placeOfService,
        reversesLineId: line.id,
      }),
    );
  }
  for (const student of billed) {
    em.persist(
      new BillableLine({
        ...common,
        kind: 'charge',
        participantId: student.participantId,
        studentId: student.studentId,
        studentName: student.name,
        stateId: student.stateId,
        schoolId: student.schoolId,
        attendanceStatus: student.attendanceStatus,
        service: snapshot.service,
        sessionDate: snapshot.sessionDate,
        minutes: student.minutes,
        units: billingUnits(student.minutes, schedule.billingUnitRule),
        unitRule: schedule.billingUnitRule,
        placeOfService: student.placeOfService,
        reversesLineId: null,
      }),
    );
  }
  await em.flush();
  await adjustStudentDays(em, districtId, snapshot, [...days.values()], schedule.billingUnitRule, common, billed, outstandingBillable);
}

/**
 * Units follow the student's total timed minutes for the day with the
 * provider (two 22-minute sessions are 44 minutes: 3 units, not 1 + 1). Each
 * charge bills its own minutes' units; where the day's lines add up to other
 * units than its total minutes give, an adjustment on this version makes the
 * difference, up or down (a day shortened by an amendment gives units back).
 */
async function adjustStudentDays(
  em: EntityManager,
  districtId: string,
  snapshot: PostedSessionSnapshot,
  days: { studentId: string; sessionDate: string }[],
  rule: BillingUnitRule,
  common: { districtId: string; periodId: string; sessionId: string; sessionVersion: number },
  billed: Billed[],
  reversed: BillableLine[],
): Promise<void> {
  if (!days.length) return;
  // One statement sums every student day the version touches.
  const sums: { studentId: string; sessionDate: string; minutes: string; units: string }[] = await em.execute(
    `select b.student_id as "studentId", b.session_date::text as "sessionDate", coalesce(sum(b.minutes), 0)::bigint as minutes, coalesce(sum(b.units), 0)::bigint as units
       from payroll.billable_line b
       join payroll.pay_decision d on d.district_id = b.district_id and d.session_id = b.session_id and d.session_version = b.session_version
      where b.district_id = ? and b.student_id in (?) and b.session_date in (?) and d.provider_id = ?
      group by b.student_id, b.session_date`,
    [districtId, days.map((day) => day.studentId), [...new Set(days.map((day) => day.sessionDate))], snapshot.providerId],
  );
  for (const day of days) {
    const total = sums.find((row) => row.studentId === day.studentId && row.sessionDate === day.sessionDate) ?? { minutes: '0', units: '0' };
    const difference = dayUnitsAdjustment(Number(total.minutes), Number(total.units), rule);
    if (difference === 0) continue;
    const charged = billed.find((b) => b.studentId === day.studentId);
    const previous = reversed.find((line) => line.studentId === day.studentId)!;
    em.persist(
      new BillableLine({
        ...common,
        kind: 'adjustment',
        participantId: charged?.participantId ?? previous.participantId,
        studentId: day.studentId,
        studentName: charged?.name ?? previous.studentName,
        stateId: charged ? charged.stateId : previous.stateId,
        schoolId: charged ? charged.schoolId : previous.schoolId,
        attendanceStatus: charged?.attendanceStatus ?? previous.attendanceStatus,
        service: charged ? snapshot.service : previous.service,
        sessionDate: day.sessionDate,
        minutes: 0,
        units: difference,
        unitRule: rule,
        placeOfService: charged?.placeOfService ?? previous.placeOfService,
        reversesLineId: null,
      }),
    );
  }
  await em.flush();
}

/** Lines of the session of `kind` not yet reversed: what the next version replaces. */
async function outstanding<T extends PayLine | BillableLine>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  districtId: string,
  sessionId: string,
  kind: 'payment' | 'charge',
): Promise<T[]> {
  const lines = (await em.find(entity as never, { districtId, sessionId } as never)) as T[];
  const reversed = new Set(lines.map((line) => line.reversesLineId).filter((id): id is string => id !== null));
  return lines.filter((line) => line.kind === kind && !reversed.has(line.id));
}
