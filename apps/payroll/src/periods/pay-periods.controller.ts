import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CLOSE_PAY_PERIOD,
  EmployeeNumberReply,
  EXPORT_PAY_PERIOD,
  GET_PAY_PERIOD,
  GET_PAY_SCHEDULE,
  GET_SESSION_PAY,
  GetPayScheduleCommand,
  LIST_PAY_LINES,
  LIST_PAY_PERIODS,
  ListPayLinesCommand,
  ListPayPeriodsCommand,
  PayExportReply,
  PayLinePageReply,
  PayPeriodCommand,
  PayPeriodPageReply,
  PayPeriodReply,
  PayScheduleReply,
  SessionPayCommand,
  SessionPayReply,
  SET_EMPLOYEE_NUMBER,
  SET_PAY_SCHEDULE,
  SetEmployeeNumberCommand,
  SetPayScheduleCommand,
} from '@sessionledger/contracts';
import { PayReadsService } from '../pay/pay-reads.service';
import { PayPeriodsService } from './pay-periods.service';

/** Payroll's command handlers for pay schedules, periods and lines. */
@Controller()
export class PayPeriodsController {
  constructor(
    private readonly periods: PayPeriodsService,
    private readonly reads: PayReadsService,
  ) {}

  @MessagePattern(GET_PAY_SCHEDULE.pattern)
  getSchedule(@Payload() command: GetPayScheduleCommand): Promise<PayScheduleReply> {
    return this.periods.getSchedule(command.actor);
  }

  @MessagePattern(SET_PAY_SCHEDULE.pattern)
  setSchedule(@Payload() command: SetPayScheduleCommand): Promise<PayScheduleReply> {
    return this.periods.setSchedule(command);
  }

  @MessagePattern(LIST_PAY_PERIODS.pattern)
  listPeriods(@Payload() command: ListPayPeriodsCommand): Promise<PayPeriodPageReply> {
    return this.periods.listPeriods(command);
  }

  @MessagePattern(GET_PAY_PERIOD.pattern)
  getPeriod(@Payload() command: PayPeriodCommand): Promise<PayPeriodReply> {
    return this.periods.getPeriod(command.actor, command.periodId);
  }

  @MessagePattern(CLOSE_PAY_PERIOD.pattern)
  closePeriod(@Payload() command: PayPeriodCommand): Promise<PayPeriodReply> {
    return this.periods.closePeriod(command.actor, command.periodId);
  }

  @MessagePattern(EXPORT_PAY_PERIOD.pattern)
  exportPeriod(@Payload() command: PayPeriodCommand): Promise<PayExportReply> {
    return this.periods.exportPeriod(command.actor, command.periodId);
  }

  @MessagePattern(SET_EMPLOYEE_NUMBER.pattern)
  setEmployeeNumber(@Payload() command: SetEmployeeNumberCommand): Promise<EmployeeNumberReply> {
    return this.periods.setEmployeeNumber(command);
  }

  @MessagePattern(LIST_PAY_LINES.pattern)
  listLines(@Payload() command: ListPayLinesCommand): Promise<PayLinePageReply> {
    return this.reads.listLines(command);
  }

  @MessagePattern(GET_SESSION_PAY.pattern)
  sessionPay(@Payload() command: SessionPayCommand): Promise<SessionPayReply> {
    return this.reads.sessionPay(command.actor, command.sessionId);
  }
}
