import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import {
  CLOSE_PAY_PERIOD,
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
  SET_PAY_SCHEDULE,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { MyPayLineListQuery, PayLineListQuery, PayPeriodListQuery } from './pay.dto';

/** Pay lives in payroll; the gateway authenticates, checks roles and sends the commands. */
@Injectable()
export class PayService {
  constructor(private readonly bus: ServiceBus) {}

  getSchedule(actor: Actor): Promise<PayScheduleReply> {
    return this.bus.send(GET_PAY_SCHEDULE, { actor: actor.snapshot() });
  }

  setSchedule(actor: Actor, body: PayScheduleBody): Promise<PayScheduleReply> {
    return this.bus.send(SET_PAY_SCHEDULE, { actor: actor.snapshot(), body });
  }

  listPeriods(actor: Actor, query: PayPeriodListQuery): Promise<PayPeriodPageReply> {
    return this.bus.send(LIST_PAY_PERIODS, { actor: actor.snapshot(), status: query.status, page: query.page, pageSize: query.pageSize });
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
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  myLines(actor: Actor, query: MyPayLineListQuery): Promise<PayLinePageReply> {
    return this.bus.send(LIST_PAY_LINES, { actor: actor.snapshot(), periodId: query.periodId, mine: true, page: query.page, pageSize: query.pageSize });
  }

  sessionPay(actor: Actor, sessionId: string): Promise<SessionPayReply> {
    return this.bus.send(GET_SESSION_PAY, { actor: actor.snapshot(), sessionId });
  }
}
