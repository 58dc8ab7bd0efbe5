import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import {
  BillingExportBody,
  EmployeeNumberBody,
  EmployeeNumberReply,
  PayLinePageReply,
  PayPeriodPageReply,
  PayPeriodReply,
  PayScheduleBody,
  PayScheduleReply,
  SessionPayReply,
} from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
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
  getSchedule(@CurrentActor() actor: Actor): Promise<PayScheduleReply> {
    return this.pay.getSchedule(actor);
  }

  @Roles('payroll', 'district_admin')
  @Put('pay-schedule')
  setSchedule(@CurrentActor() actor: Actor, @Body() body: PayScheduleBody): Promise<PayScheduleReply> {
    return this.pay.setSchedule(actor, body);
  }

  @Roles('payroll', 'district_admin')
  @Get('pay-periods')
  listPeriods(@CurrentActor() actor: Actor, @Query() query: PayPeriodListQuery): Promise<PayPeriodPageReply> {
    return this.pay.listPeriods(actor, query);
  }

  @Roles('payroll', 'district_admin')
  @Get('pay-periods/:id')
  getPeriod(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<PayPeriodReply> {
    return this.pay.getPeriod(actor, id);
  }

  @Roles('payroll')
  @Post('pay-periods/:id/close')
  @HttpCode(200)
  closePeriod(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<PayPeriodReply> {
    return this.pay.closePeriod(actor, id);
  }

  @Roles('payroll', 'district_admin')
  @Get('pay-periods/:id/lines')
  periodLines(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: PayLineListQuery): Promise<PayLinePageReply> {
    return this.pay.periodLines(actor, id, query);
  }

  @Roles('payroll')
  @Get('pay-periods/:id/export.csv')
  async exportPeriod(@CurrentActor() actor: Actor, @IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = await this.pay.exportPeriod(actor, id);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${exported.filename}"`);
    return exported.csv;
  }

  @Roles('payroll', 'district_admin')
  @Put('pay-employees/:id')
  setEmployeeNumber(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EmployeeNumberBody): Promise<EmployeeNumberReply> {
    return this.pay.setEmployeeNumber(actor, id, body.employeeNumber);
  }

  /** Claims-ready lines (837P map); answered at once as CSV, like the payroll export. */
  @Roles('payroll', 'district_admin')
  @Post('billing/exports')
  @HttpCode(200)
  async exportBilling(@CurrentActor() actor: Actor, @Body() body: BillingExportBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const exported = await this.pay.exportBilling(actor, body);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${exported.filename}"`);
    return exported.csv;
  }

  @Roles('provider')
  @Get('me/pay-lines')
  myLines(@CurrentActor() actor: Actor, @Query() query: MyPayLineListQuery): Promise<PayLinePageReply> {
    return this.pay.myLines(actor, query);
  }

  @Roles('payroll', 'district_admin', 'provider')
  @Get('sessions/:id/pay')
  sessionPay(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionPayReply> {
    return this.pay.sessionPay(actor, id);
  }
}
