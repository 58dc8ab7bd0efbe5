import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { NotFound } from '@sessionledger/common';
import {
  BillingExportBody,
  CLOSE_PAY_PERIOD,
  EXPORT_BILLING,
  EmployeeNumberReply,
  EXPORT_PAY_PERIOD,
  GET_PAY_PERIOD,
  GET_PAY_SCHEDULE,
  GET_SESSION_PAY,
  LIST_PAY_LINES,
  LIST_PAY_PERIODS,
  PayExportReply,
  PayLinePageReply,
  PayPeriodPageReply,
  PayPeriodReply,
  PayScheduleBody,
  PayScheduleReply,
  SessionPayReply,
  SET_EMPLOYEE_NUMBER,
  SET_PAY_SCHEDULE,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { User } from '../directory/directory.entities';
import { MyPayLineListQuery, PayLineListQuery, PayPeriodListQuery } from './pay.dto';

/** Pay lives in payroll; the gateway authenticates, checks roles and sends the commands. */
@Injectable()
export class PayService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  /** Payroll does not know users: only a provider of the actor's district gets a number (another district's is not found). */
  async setEmployeeNumber(actor: Actor, providerId: string, employeeNumber: string): Promise<EmployeeNumberReply> {
    const provider = await this.transactions.run(actor.districtId, (em) => em.findOne(User, { id: providerId }));
    if (!provider || !provider.roles.includes('provider')) throw new NotFound('provider', providerId);
    return this.bus.send(SET_EMPLOYEE_NUMBER, { actor: actor.snapshot(), providerId, employeeNumber });
  }

  getSchedule(actor: Actor): Promise<PayScheduleReply> {
    return this.bus.send(GET_PAY_SCHEDULE, { actor: actor.snapshot() });
  }

  setSchedule(actor: Actor, body: PayScheduleBody): Promise<PayScheduleReply> {
    return this.bus.send(SET_PAY_SCHEDULE, { actor: actor.snapshot(), body });
  }

  listPeriods(actor: Actor, query: PayPeriodListQuery): Promise<PayPeriodPageReply> {
    return this.bus.send(LIST_PAY_PERIODS, {
      actor: actor.snapshot(),
      status: query.status,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  getPeriod(actor: Actor, periodId: string): Promise<PayPeriodReply> {
    return this.bus.send(GET_PAY_PERIOD, { actor: actor.snapshot(), periodId });
  }

  closePeriod(actor: Actor, periodId: string): Promise<PayPeriodReply> {
    return this.bus.send(CLOSE_PAY_PERIOD, { actor: actor.snapshot(), periodId });
  }

  exportPeriod(actor: Actor, periodId: string): Promise<PayExportReply> {
    return this.bus.send(EXPORT_PAY_PERIOD, { actor: actor.snapshot(), periodId });
  }

  periodLines(actor: Actor, periodId: string, query: PayLineListQuery): Promise<PayLinePageReply> {
    return this.bus.send(LIST_PAY_LINES, {
      actor: actor.snapshot(),
      periodId,
      providerId: query.providerId,
      mine: false,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  myLines(actor: Actor, query: MyPayLineListQuery): Promise<PayLinePageReply> {
    return this.bus.send(LIST_PAY_LINES, {
      actor: actor.snapshot(),
      periodId: query.periodId,
      mine: true,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  exportBilling(actor: Actor, body: BillingExportBody): Promise<PayExportReply> {
    return this.bus.send(EXPORT_BILLING, { actor: actor.snapshot(), body });
  }

  sessionPay(actor: Actor, sessionId: string): Promise<SessionPayReply> {
    return this.bus.send(GET_SESSION_PAY, { actor: actor.snapshot(), sessionId });
  }
}
