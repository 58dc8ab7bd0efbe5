import { EntityManager } from '@mikro-orm/postgresql';
import {
  AttendanceStatus,
  FAMILY_BILLED,
  payability,
  PostedParticipant,
  PostedSessionSnapshot,
  workOrderCoverageProblem,
} from '@sessionledger/contracts';
import { billingUnits } from '../billing/billing-units';
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
 * Whether the provider is paid for this version: the district's rule
 * (`payability`, shared with session-log's audit view) on the snapshot, then
 * the work order as payroll holds it now (known, active, covering the
 * session), then the minutes. The rate is the work order's when the version
 * is applied.
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
  const coverage = workOrderCoverageProblem(order, snapshot);
  if (coverage) return unpaid(`The work order ${coverage}`);
  // A late cancellation is paid on its planned minutes; one with nothing planned has no minutes to pay on.
  if (!snapshot.adjustedMinutes) return unpaid(`${rule.reason}, but the session has no minutes to pay (${snapshot.state === 'cancelled' ? 'cancelled' : '0 minutes'})`);
  return {
    payable: true,
    reason: rule.reason,
    rateCents: order.payRateCents,
    amountCents: payAmountCents(order.payRateCents, snapshot.adjustedMinutes),
    workOrder: order,
  };
}

/**
 * The minutes billed for a student: the time they received when they
 * attended; for a billable absence (missed, or cancelled late) the session's
 * adjusted duration, the time that was held for them (0 for a cancelled session).
 */
function billedMinutes(participant: PostedParticipant, snapshot: PostedSessionSnapshot): number {
  return participant.attendanceStatus === 'attended' ? participant.minutes : (snapshot.adjustedMinutes ?? 0);
}

/**
 * Applies one posted version of a session, exactly once (the caller's inbox
 * row and this run in one transaction):
 * - a decision for the version, always, with its reason;
 * - when it is the newest version seen: a reversal of the outstanding pay
 *   line and billable lines of earlier versions, and new lines for this one;
 * - when a newer version was applied already (events crossing), the decision
 *   alone, marked superseded: it writes no lines.
 * A version already decided (the same snapshot re-published under another
 * event id) has no effect; the unique keys would refuse a second line anyway.
 */
export async function applyPostedVersion(em: EntityManager, posted: PostedVersion): Promise<void> {
  const { districtId, snapshot } = posted;
  // Versions of one session are applied one at a time; other sessions are not held up.
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`payroll.session:${districtId}:${snapshot.sessionId}`]);
  const decided: { session_version: number }[] = await em.execute(
    `select session_version from payroll.pay_decision where district_id = ? and session_id = ?`,
    [districtId, snapshot.sessionId],
  );
  if (decided.some((row) => row.session_version === snapshot.version)) return;
  const newest = Math.max(0, ...decided.map((row) => row.session_version));

  const verdict = await verdictFor(em, districtId, snapshot);
  em.persist(
    new PayDecision({
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
      payable: verdict.payable,
      reason: verdict.reason,
      rateCents: verdict.rateCents,
      amountCents: verdict.amountCents,
      supersededBy: newest > snapshot.version ? newest : null,
      contentHash: snapshot.contentHash,
    }),
  );
  if (newest > snapshot.version) return;

  const outstandingPay = await outstanding(em, PayLine, districtId, snapshot.sessionId, 'payment');
  const outstandingBillable = await outstanding(em, BillableLine, districtId, snapshot.sessionId, 'charge');
  const schedule = await payScheduleOf(em, districtId);
  const billed = snapshot.participants.filter((p) => p.kind === 'student' && FAMILY_BILLED[p.attendanceStatus]);
  if (!verdict.payable && billed.length === 0 && outstandingPay.length === 0 && outstandingBillable.length === 0) return;

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
        reversesLineId: line.id,
      }),
    );
  }
  for (const participant of billed) {
    const minutes = billedMinutes(participant, snapshot);
    em.persist(
      new BillableLine({
        ...common,
        kind: 'charge',
        participantId: participant.participantId,
        studentId: participant.personId,
        studentName: participant.name,
        stateId: participant.stateId,
        schoolId: participant.schoolId,
        attendanceStatus: participant.attendanceStatus as Exclude<AttendanceStatus, 'cancelled_nonbillable'>,
        service: snapshot.service,
        sessionDate: snapshot.sessionDate,
        minutes,
        units: billingUnits(minutes, schedule.billingUnitRule),
        unitRule: schedule.billingUnitRule,
        reversesLineId: null,
      }),
    );
  }
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
