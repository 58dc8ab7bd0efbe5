import { Injectable } from '@nestjs/common';
import { FilterQuery } from '@mikro-orm/postgresql';
import { Forbidden, NotFound, pageOf } from '@sessionledger/common';
import {
  ActorSnapshot,
  BillableLineReply,
  ListPayLinesCommand,
  PayDecisionReply,
  PayLinePageReply,
  PayLineReply,
  SessionPayReply,
} from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { readsPayroll } from '../periods/pay-periods.service';
import { BillableLine, PayDecision, PayLine, PayPeriod } from './pay.entities';

export function toPayLineReply(line: PayLine): PayLineReply {
  return {
    id: line.id,
    periodId: line.periodId,
    sessionId: line.sessionId,
    sessionVersion: line.sessionVersion,
    kind: line.kind,
    providerId: line.providerId,
    providerName: line.providerName,
    workOrderId: line.workOrderId,
    sessionDate: line.sessionDate,
    minutes: line.minutes,
    rateCents: line.rateCents,
    amountCents: line.amountCents,
    reversesLineId: line.reversesLineId,
    createdAt: line.createdAt.toISOString(),
  };
}

function toBillableLineReply(line: BillableLine): BillableLineReply {
  return {
    id: line.id,
    periodId: line.periodId,
    sessionId: line.sessionId,
    sessionVersion: line.sessionVersion,
    kind: line.kind,
    participantId: line.participantId,
    studentId: line.studentId,
    studentName: line.studentName,
    attendanceStatus: line.attendanceStatus,
    minutes: line.minutes,
    units: line.units,
    unitRule: line.unitRule,
    reversesLineId: line.reversesLineId,
  };
}

function toDecisionReply(decision: PayDecision): PayDecisionReply {
  return {
    sessionVersion: decision.sessionVersion,
    event: decision.event,
    amendmentReason: decision.amendmentReason,
    payable: decision.payable,
    reason: decision.reason,
    providerId: decision.providerId,
    workOrderId: decision.workOrderId,
    sessionDate: decision.sessionDate,
    adjustedMinutes: decision.adjustedMinutes,
    rateCents: decision.rateCents,
    amountCents: decision.amountCents,
    supersededBy: decision.supersededBy,
    decidedAt: decision.decidedAt.toISOString(),
  };
}

/** Pay lines and the pay of a session: payroll and district admins see all, a provider their own. */
@Injectable()
export class PayReadsService {
  constructor(private readonly transactions: TenantTransactions) {}

  listLines(command: ListPayLinesCommand): Promise<PayLinePageReply> {
    const { actor } = command;
    if (!command.mine && !readsPayroll(actor)) throw new Forbidden('PAYROLL.FORBIDDEN', 'Only payroll users and district admins may read every pay line');
    return this.transactions.run(actor.districtId, async (em) => {
      if (command.periodId && !(await em.count(PayPeriod, { id: command.periodId }))) throw new NotFound('pay_period', command.periodId);
      const conditions: FilterQuery<PayLine>[] = [];
      if (command.mine) conditions.push({ providerId: actor.userId });
      if (command.providerId) conditions.push({ providerId: command.providerId });
      if (command.periodId) conditions.push({ periodId: command.periodId });
      // Lines are never updated (a correction is a reversal line): changed since is written since.
      if (command.updatedSince) conditions.push({ createdAt: { $gte: new Date(command.updatedSince) } });
      const [lines, total] = await em.findAndCount(PayLine, conditions.length ? { $and: conditions } : {}, {
        orderBy: { sessionDate: 'desc', createdAt: 'asc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return pageOf(lines.map(toPayLineReply), total, command);
    });
  }

  /** A session nobody posted yet, or one of another provider, is not found. */
  sessionPay(actor: ActorSnapshot, sessionId: string): Promise<SessionPayReply> {
    const mayReadAll = readsPayroll(actor);
    if (!mayReadAll && !actor.roles.includes('provider')) throw new Forbidden('PAYROLL.FORBIDDEN', 'Only payroll users, district admins and the session’s provider may read its pay');
    return this.transactions.run(actor.districtId, async (em) => {
      const decisions = await em.find(PayDecision, { sessionId }, { orderBy: { sessionVersion: 'asc' } });
      if (!decisions.length || (!mayReadAll && !decisions.some((d) => d.providerId === actor.userId))) throw new NotFound('session_pay', sessionId);
      const payLines = await em.find(PayLine, { sessionId }, { orderBy: { sessionVersion: 'asc', kind: 'desc' } });
      const billableLines = await em.find(BillableLine, { sessionId }, { orderBy: { sessionVersion: 'asc', kind: 'desc', participantId: 'asc' } });
      return {
        sessionId,
        decisions: decisions.map(toDecisionReply),
        payLines: payLines.map(toPayLineReply),
        billableLines: billableLines.map(toBillableLineReply),
      };
    });
  }
}
