import { Body, Controller, Get, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import {
  BillingExportBody,
  EmployeeNumberBody,
  EmployeeNumberReply,
  PayLinePageReply,
  PayLineReply,
  PayPeriodPageReply,
  PayPeriodReply,
  PayScheduleBody,
  PayScheduleReply,
  SessionPayReply,
} from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { FileAnswer } from '../sessions/answer-schemas';
import { MyPayLineListQuery, PayLineListQuery, PayPeriodListQuery } from './pay.dto';
import { PayService } from './pay.service';

/**
 * Pay schedule, pay periods and pay lines. Payroll runs them (closes and
 * exports periods); district admins read them; a provider reads only their
 * own lines and the pay of their own sessions.
 */
@ApiTags('pay')
@ApiBearerAuth()
@Controller()
export class PayController {
  constructor(private readonly pay: PayService) {}

  @Roles('payroll', 'district_admin')
  @Get('pay-schedule')
  @Operation({ summary: 'The district’s pay schedule', answer: PayScheduleReply, errors: [403] })
  getSchedule(@CurrentActor() actor: Actor): Promise<PayScheduleReply> {
    return this.pay.getSchedule(actor);
  }

  @Roles('payroll', 'district_admin')
  @Put('pay-schedule')
  @Operation({ summary: 'Set the district’s pay schedule', description: 'A stale version → 409 PAY_SCHEDULE.STALE.', answer: PayScheduleReply, errors: [403, 409] })
  setSchedule(@CurrentActor() actor: Actor, @Body() body: PayScheduleBody): Promise<PayScheduleReply> {
    return this.pay.setSchedule(actor, body);
  }

  @Roles('payroll', 'district_admin')
  @Get('pay-periods')
  @Operation({
    summary: 'List pay periods',
    description: 'Latest first: by startsOn descending, then id. `updatedSince` keeps the periods changed at or after it (created, closed, or a pay or billable line added).',
    answer: Paged(PayPeriodReply),
    errors: [403],
  })
  listPeriods(@CurrentActor() actor: Actor, @Query() query: PayPeriodListQuery): Promise<PayPeriodPageReply> {
    return this.pay.listPeriods(actor, query);
  }

  @Roles('payroll', 'district_admin')
  @Get('pay-periods/:id')
  @Operation({ summary: 'Read a pay period with its totals', answer: PayPeriodReply, errors: [403, 404] })
  getPeriod(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<PayPeriodReply> {
    return this.pay.getPeriod(actor, id);
  }

  @Roles('payroll')
  @Post('pay-periods/:id/close')
  @Operation({
    summary: 'Close a pay period',
    description: 'Final; allowed the day after the late-entry cutoff (409 PAY_PERIOD.LATE_ENTRY_OPEN before, 409 PAY_PERIOD.CLOSED when already closed). No body.',
    answer: PayPeriodReply,
    errors: [403, 404, 409, 503],
  })
  closePeriod(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<PayPeriodReply> {
    return this.pay.closePeriod(actor, id);
  }

  @Roles('payroll', 'district_admin')
  @Get('pay-periods/:id/lines')
  @Operation({
    summary: 'A pay period’s lines',
    description: 'By sessionDate descending, then createdAt, then id. Lines never change (a correction is a reversal line): `updatedSince` keeps the lines written at or after it.',
    answer: Paged(PayLineReply),
    errors: [403, 404],
  })
  periodLines(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: PayLineListQuery): Promise<PayLinePageReply> {
    return this.pay.periodLines(actor, id, query);
  }

  @Roles('payroll')
  @Get('pay-periods/:id/export.csv')
  @FileAnswer('The payroll CSV (attachment)', { 'text/csv': { schema: { type: 'string' } } })
  @Operation({ summary: 'Export a pay period as payroll CSV', answer: null, errors: [403, 404] })
  async exportPeriod(@CurrentActor() actor: Actor, @IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = await this.pay.exportPeriod(actor, id);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${exported.filename}"`);
    return exported.csv;
  }

  @Roles('payroll', 'district_admin')
  @Put('pay-employees/:id')
  @Operation({ summary: 'Set a provider’s employee number', answer: EmployeeNumberReply, errors: [403, 404] })
  setEmployeeNumber(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EmployeeNumberBody): Promise<EmployeeNumberReply> {
    return this.pay.setEmployeeNumber(actor, id, body.employeeNumber);
  }

  /** Claims-ready lines (837P map); answered at once as CSV, like the payroll export. */
  @Roles('payroll', 'district_admin')
  @Post('billing/exports')
  @FileAnswer('Claims-ready lines as CSV (attachment)', { 'text/csv': { schema: { type: 'string' } } })
  @Operation({
    summary: 'Export billable lines (837P map) as CSV',
    description: 'A pay period (periodId) or dates of service (from–to, YYYY-MM-DD district-local, both included, at most 366 days). No billing provider NPI set → 409 BILLING.PROVIDER_ID_MISSING.',
    answer: null,
    errors: [403, 404, 409],
  })
  async exportBilling(@CurrentActor() actor: Actor, @Body() body: BillingExportBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = await this.pay.exportBilling(actor, body);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${exported.filename}"`);
    return exported.csv;
  }

  @Roles('provider')
  @Get('me/pay-lines')
  @Operation({
    summary: 'My pay lines',
    description: 'By sessionDate descending, then createdAt, then id; `updatedSince` keeps the lines written at or after it.',
    answer: Paged(PayLineReply),
    errors: [403, 404],
  })
  myLines(@CurrentActor() actor: Actor, @Query() query: MyPayLineListQuery): Promise<PayLinePageReply> {
    return this.pay.myLines(actor, query);
  }

  @Roles('payroll', 'district_admin', 'provider')
  @Get('sessions/:id/pay')
  @Operation({ summary: 'What payroll decided for each version of a session', answer: SessionPayReply, errors: [403, 404] })
  sessionPay(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionPayReply> {
    return this.pay.sessionPay(actor, id);
  }
}
