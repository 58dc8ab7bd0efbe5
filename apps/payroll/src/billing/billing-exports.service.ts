import { Controller, Injectable } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Conflict, Forbidden, invalid, NotFound } from '@sessionledger/common';
import { BillingExportCommand, EXPORT_BILLING, PayExportReply } from '@sessionledger/contracts';
import { daysBetween } from '@sessionledger/session-rules';
import { TenantTransactions } from '@sessionledger/persistence';
import { PayPeriod } from '../pay/pay.entities';
import { payScheduleOf } from '../periods/period-placement';
import { readsPayroll } from '../periods/pay-periods.service';
import { BilledDay, billingExportCsv } from './billing-export';

const MAX_RANGE_DAYS = 366;

/**
 * Billable lines summed per student day and provider: charges net of their
 * reversals, plus the day's unit adjustments. Days that net to nothing (a
 * charge fully reversed) are left out: there is nothing to claim.
 */
const BILLED_DAYS = `
  select b.session_date::text as "sessionDate", b.student_id as "studentId",
         (array_agg(b.student_name order by b.created_at desc, b.id desc))[1] as "studentName",
         (array_agg(b.state_id order by b.created_at desc, b.id desc) filter (where b.state_id is not null))[1] as "stateId",
         coalesce(b.place_of_service, '03') as "placeOfService", b.service, d.provider_id as "providerId",
         (array_agg(d.provider_name order by d.decided_at desc))[1] as "providerName",
         sum(b.minutes)::bigint as minutes, sum(b.units)::bigint as units
    from payroll.billable_line b
    join payroll.pay_decision d on d.district_id = b.district_id and d.session_id = b.session_id and d.session_version = b.session_version
   where b.district_id = ? and %FILTER%
   group by b.session_date, b.student_id, coalesce(b.place_of_service, '03'), b.service, d.provider_id
  having sum(b.minutes) <> 0 or sum(b.units) <> 0
   order by b.session_date, "providerName", d.provider_id, "studentName", b.student_id`;

/** The billing export (837P-ready lines) for payroll users and district admins. */
@Injectable()
export class BillingExportsService {
  constructor(private readonly transactions: TenantTransactions) {}

  export(command: BillingExportCommand): Promise<PayExportReply> {
    const { actor, body } = command;
    if (!readsPayroll(actor)) throw new Forbidden('PAYROLL.FORBIDDEN', 'Only payroll users and district admins may export billing');
    const byPeriod = body.periodId !== undefined;
    const byDates = body.from !== undefined || body.to !== undefined;
    if (byPeriod === byDates) {
      throw invalid('periodId', 'give either periodId, or from and to');
    }
    if (byDates) {
      if (!body.from || !body.to) throw invalid(body.from ? 'to' : 'from', 'from and to go together');
      if (body.to < body.from) throw invalid('to', `must be on or after from (${body.from})`);
      if (daysBetween(body.from, body.to) >= MAX_RANGE_DAYS) throw invalid('to', `the range may cover at most ${MAX_RANGE_DAYS} days`);
    }
    return this.transactions.run(actor.districtId, async (em) => {
      // Another district's period is not found, whatever this district's settings.
      const period = body.periodId ? await em.findOne(PayPeriod, { id: body.periodId }) : null;
      if (body.periodId && !period) throw new NotFound('pay_period', body.periodId);
      const schedule = await payScheduleOf(em, actor.districtId);
      if (!schedule.billingProviderNpi) {
        throw new Conflict('BILLING.PROVIDER_ID_MISSING', 'Set the district’s billing provider NPI (PUT /api/pay-schedule, billingProviderNpi) before exporting claims');
      }
      let rows: (Omit<BilledDay, 'minutes' | 'units'> & { minutes: string; units: string })[];
      let filename: string;
      if (period) {
        rows = await em.execute(BILLED_DAYS.replace('%FILTER%', 'b.period_id = ?'), [actor.districtId, period.id]);
        filename = `billing-period-${period.startsOn}-to-${period.endsOn}${period.status === 'open' ? '-provisional' : ''}.csv`;
      } else {
        rows = await em.execute(BILLED_DAYS.replace('%FILTER%', 'b.session_date between ?::date and ?::date'), [actor.districtId, body.from, body.to]);
        filename = `billing-${body.from}-to-${body.to}.csv`;
      }
      const days = rows.map((row) => ({ ...row, minutes: Number(row.minutes), units: Number(row.units) }));
      const providers = { billingProviderNpi: schedule.billingProviderNpi, renderingProviderNpi: schedule.renderingProviderNpi ?? schedule.billingProviderNpi };
      return { filename, csv: billingExportCsv(providers, days) };
    });
  }
}

@Controller()
export class BillingExportsController {
  constructor(private readonly exports: BillingExportsService) {}

  @MessagePattern(EXPORT_BILLING.pattern)
  export(@Payload() command: BillingExportCommand): Promise<PayExportReply> {
    return this.exports.export(command);
  }
}
