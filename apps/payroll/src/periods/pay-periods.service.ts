import { Injectable } from '@nestjs/common';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Conflict, Forbidden, invalid, NotFound, pageOf, ServiceUnavailable } from '@sessionledger/common';
import { ActorSnapshot, EmployeeNumberReply, ListPayPeriodsCommand, PAY_PERIOD_CLOSED, PayExportReply, PayPeriodPageReply, PayPeriodReply, PayScheduleReply, SetEmployeeNumberCommand, SetPayScheduleCommand } from '@sessionledger/contracts';
import { DistrictSettings, localDate, settingsWithDefaults } from '@sessionledger/session-rules';
import { DistrictReplica } from '@sessionledger/district-replica';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { PaySettings } from '../pay/pay.entities';
import { addDays, isMonday } from './pay-calendar';
import { payExportCsv, ProviderTotals } from './pay-export';
import { payScheduleOf } from './period-placement';

/** Payroll users run pay; district admins see everything of their district. */
export function readsPayroll(actor: ActorSnapshot): boolean {
  return actor.roles.includes('payroll') || actor.roles.includes('district_admin');
}

function requirePayrollReader(actor: ActorSnapshot): void {
  if (!readsPayroll(actor)) throw new Forbidden('PAYROLL.FORBIDDEN', 'Only payroll users and district admins may do this');
}

function requirePayroll(actor: ActorSnapshot): void {
  if (!actor.roles.includes('payroll')) throw new Forbidden('PAYROLL.FORBIDDEN', 'Only payroll users may do this');
}

interface PeriodRow {
  id: string;
  startsOn: string;
  endsOn: string;
  status: 'open' | 'closed';
  closedAt: Date | null;
  closedBy: string | null;
  payLines: number;
  providers: number;
  minutes: string;
  amountCents: string;
  billableLines: number;
  billableUnits: string;
  updatedAt: Date;
}

/**
 * When a period last changed: created, closed, or a line added to its totals.
 * Its row changes only on close and lines are never updated (a correction is
 * a reversal line), so the times the rows already keep say it.
 */
const PERIOD_UPDATED_AT = 'greatest(p.created_at, p.closed_at, pl.last, bl.last)';

/** Periods with their totals, net of reversals, in one statement whatever the page size. */
const PERIODS_WITH_TOTALS = `
  select p.id, p.starts_on::text as "startsOn", p.ends_on::text as "endsOn", p.status, p.closed_at as "closedAt", p.closed_by as "closedBy",
         pl.lines as "payLines", pl.providers, pl.minutes, pl.amount as "amountCents", bl.lines as "billableLines", bl.units as "billableUnits",
         ${PERIOD_UPDATED_AT} as "updatedAt"
    from payroll.pay_period p
    cross join lateral (select count(*)::int as lines, count(distinct l.provider_id)::int as providers,
                               coalesce(sum(l.minutes), 0)::bigint as minutes, coalesce(sum(l.amount_cents), 0)::bigint as amount, max(l.created_at) as last
                          from payroll.pay_line l where l.district_id = p.district_id and l.period_id = p.id) pl
    cross join lateral (select count(*)::int as lines, coalesce(sum(b.units), 0)::bigint as units, max(b.created_at) as last
                          from payroll.billable_line b where b.district_id = p.district_id and b.period_id = p.id) bl`;

function toPeriodReply(row: PeriodRow, settings: DistrictSettings): PayPeriodReply {
  return {
    id: row.id,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    status: row.status,
    lateEntryCutoff: addDays(row.endsOn, settings.lateEntryDays),
    closedAt: row.closedAt ? new Date(row.closedAt).toISOString() : null,
    closedBy: row.closedBy,
    totals: {
      payLines: row.payLines,
      providers: row.providers,
      minutes: Number(row.minutes),
      amountCents: Number(row.amountCents),
      billableLines: row.billableLines,
      billableUnits: Number(row.billableUnits),
    },
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/**
 * Pay schedule and pay periods: reading them, closing one once its late
 * entries are in, exporting it. The gateway checks roles; this checks them
 * again (a command is a trust boundary) and scopes everything to the district.
 */
@Injectable()
export class PayPeriodsService {
  constructor(private readonly transactions: TenantTransactions) {}

  getSchedule(actor: ActorSnapshot): Promise<PayScheduleReply> {
    requirePayrollReader(actor);
    return this.transactions.run(actor.districtId, (em) => payScheduleOf(em, actor.districtId));
  }

  /** A new schedule shapes the periods made from now on; existing periods keep their dates. */
  async setSchedule(command: SetPayScheduleCommand): Promise<PayScheduleReply> {
    const { actor, body } = command;
    requirePayrollReader(actor);
    if (!isMonday(body.anchorDate)) throw invalid('anchorDate', 'must be a Monday');
    const stale = (current?: number) =>
      new Conflict('PAY_SCHEDULE.STALE', 'The pay schedule was changed by someone else; reload it and try again', current === undefined ? undefined : { currentVersion: current });
    try {
      return await this.transactions.run(actor.districtId, async (em) => {
        let settings = await em.findOne(PaySettings, { districtId: actor.districtId });
        const currentVersion = settings?.version ?? 0;
        if (currentVersion !== body.version) throw stale(currentVersion);
        const billingUnitRule = body.billingUnitRule ?? settings?.billingUnitRule ?? 'cms_8_minute';
        if (!settings) {
          settings = new PaySettings({ districtId: actor.districtId, frequency: body.frequency, anchorDate: body.anchorDate, billingUnitRule, updatedBy: actor.userId });
          em.persist(settings);
        } else {
          Object.assign(settings, { frequency: body.frequency, anchorDate: body.anchorDate, billingUnitRule, updatedBy: actor.userId, updatedAt: new Date() });
        }
        if (body.billingProviderNpi !== undefined) settings.billingProviderNpi = body.billingProviderNpi;
        if (body.renderingProviderNpi !== undefined) settings.renderingProviderNpi = body.renderingProviderNpi;
        await em.flush();
        return payScheduleOf(em, actor.districtId);
      });
    } catch (error) {
      if (error instanceof OptimisticLockError || error instanceof UniqueConstraintViolationException) throw stale();
      throw error;
    }
  }

  listPeriods(command: ListPayPeriodsCommand): Promise<PayPeriodPageReply> {
    const { actor } = command;
    requirePayrollReader(actor);
    return this.transactions.run(actor.districtId, async (em) => {
      const status = command.status ?? null;
      const since = command.updatedSince ?? null;
      const where = `p.district_id = ? and (?::text is null or p.status = ?) and (?::timestamptz is null or ${PERIOD_UPDATED_AT} >= ?::timestamptz)`;
      const params = [actor.districtId, status, status, since, since];
      const [{ total }] = await em.execute(`select count(*)::int as total from (${PERIODS_WITH_TOTALS} where ${where}) counted`, params);
      // starts_on is unique per district; id keeps the order total all the same.
      const rows: PeriodRow[] = await em.execute(`${PERIODS_WITH_TOTALS} where ${where} order by p.starts_on desc, p.id limit ? offset ?`, [
        ...params,
        command.pageSize,
        (command.page - 1) * command.pageSize,
      ]);
      const settings = await this.settingsOf(em, actor.districtId);
      return pageOf(rows.map((row) => toPeriodReply(row, settings)), total, command);
    });
  }

  getPeriod(actor: ActorSnapshot, periodId: string): Promise<PayPeriodReply> {
    requirePayrollReader(actor);
    return this.transactions.run(actor.districtId, async (em) => this.periodReply(em, actor.districtId, periodId));
  }

  /**
   * Closing is final and allowed only once the district's late-entry window
   * after the period's end has passed (in the district's time zone). The row
   * lock waits for lines being added to it; lines arriving later go to the
   * next open period.
   */
  closePeriod(actor: ActorSnapshot, periodId: string): Promise<PayPeriodReply> {
    requirePayroll(actor);
    return this.transactions.run(actor.districtId, async (em) => {
      const [period]: { endsOn: string; status: string }[] = await em.execute(
        `select ends_on::text as "endsOn", status from payroll.pay_period where district_id = ? and id = ? for update`,
        [actor.districtId, periodId],
      );
      if (!period) throw new NotFound('pay_period', periodId);
      if (period.status === 'closed') throw new Conflict('PAY_PERIOD.CLOSED', 'The pay period is already closed');
      const replica = await em.findOne(DistrictReplica, { districtId: actor.districtId });
      if (!replica) throw new ServiceUnavailable('payroll', 'the district’s settings have not reached payroll yet; try again in a moment');
      const settings = settingsWithDefaults(replica.settings as Partial<DistrictSettings>);
      const cutoff = addDays(period.endsOn, settings.lateEntryDays);
      const today = localDate(new Date(), replica.timeZone);
      if (today <= cutoff) {
        throw new Conflict(
          'PAY_PERIOD.LATE_ENTRY_OPEN',
          `Sessions of this period may be entered until ${cutoff} (${settings.lateEntryDays} days after it ends): it can be closed from ${addDays(cutoff, 1)}`,
          { lateEntryCutoff: cutoff, closableFrom: addDays(cutoff, 1) },
        );
      }
      const [closed]: { startsOn: string; endsOn: string; closedAt: Date }[] = await em.execute(
        `update payroll.pay_period set status = 'closed', closed_at = now(), closed_by = ? where district_id = ? and id = ?
          returning starts_on::text as "startsOn", ends_on::text as "endsOn", closed_at as "closedAt"`,
        [actor.userId, actor.districtId, periodId],
      );
      recordEvent(em, PAY_PERIOD_CLOSED, {
        districtId: actor.districtId,
        periodId,
        startsOn: closed.startsOn,
        endsOn: closed.endsOn,
        closedAt: new Date(closed.closedAt).toISOString(),
      });
      return this.periodReply(em, actor.districtId, periodId);
    });
  }

  /**
   * One row per provider × work order type × rate with lines in the period:
   * net hours, net amount, line count. An open period's file is marked
   * provisional (name and column); the file made after closing is the final one.
   */
  exportPeriod(actor: ActorSnapshot, periodId: string): Promise<PayExportReply> {
    requirePayroll(actor);
    return this.transactions.run(actor.districtId, async (em) => {
      const period = await this.periodReply(em, actor.districtId, periodId);
      const rows: {
        providerId: string;
        employeeNumber: string | null;
        providerName: string;
        workOrderType: string;
        rateCents: number;
        minutes: string;
        amountCents: string;
        lines: number;
      }[] = await em.execute(
        `select l.provider_id as "providerId", e.employee_number as "employeeNumber",
                (array_agg(l.provider_name order by l.created_at desc, l.id desc))[1] as "providerName",
                w.type as "workOrderType", l.rate_cents as "rateCents",
                sum(l.minutes)::bigint as minutes, sum(l.amount_cents)::bigint as "amountCents", count(*)::int as lines
           from payroll.pay_line l
           join payroll.work_order w on w.district_id = l.district_id and w.id = l.work_order_id
           left join payroll.payee e on e.district_id = l.district_id and e.provider_id = l.provider_id
          where l.district_id = ? and l.period_id = ?
          group by l.provider_id, e.employee_number, w.type, l.rate_cents
          order by 3, 1, 4, 5`,
        [actor.districtId, periodId],
      );
      const totals: ProviderTotals[] = rows.map((row) => ({ ...row, minutes: Number(row.minutes), amountCents: Number(row.amountCents) }));
      const status = period.status === 'closed' ? 'final' : 'provisional';
      const name = `pay-period-${period.startsOn}-to-${period.endsOn}${status === 'provisional' ? '-provisional' : ''}.csv`;
      return { filename: name, csv: payExportCsv({ startsOn: period.startsOn, endsOn: period.endsOn, status }, totals) };
    });
  }

  /** The provider's number in the district's payroll system, as the export writes it. */
  setEmployeeNumber(command: SetEmployeeNumberCommand): Promise<EmployeeNumberReply> {
    const { actor } = command;
    requirePayrollReader(actor);
    return this.transactions.run(actor.districtId, async (em) => {
      const employeeNumber = command.employeeNumber.trim() || null;
      if (employeeNumber === null) {
        await em.execute(`delete from payroll.payee where district_id = ? and provider_id = ?`, [actor.districtId, command.providerId]);
      } else {
        await em.execute(
          `insert into payroll.payee (district_id, provider_id, employee_number, updated_by) values (?, ?, ?, ?)
           on conflict (district_id, provider_id) do update set employee_number = excluded.employee_number, updated_by = excluded.updated_by, updated_at = now()`,
          [actor.districtId, command.providerId, employeeNumber, actor.userId],
        );
      }
      return { providerId: command.providerId, employeeNumber };
    });
  }

  private async periodReply(em: EntityManager, districtId: string, periodId: string): Promise<PayPeriodReply> {
    const [row]: PeriodRow[] = await em.execute(`${PERIODS_WITH_TOTALS} where p.district_id = ? and p.id = ?`, [districtId, periodId]);
    if (!row) throw new NotFound('pay_period', periodId);
    return toPeriodReply(row, await this.settingsOf(em, districtId));
  }

  /** For showing the cut-off; closing itself refuses to guess when the replica is missing. */
  private async settingsOf(em: EntityManager, districtId: string): Promise<DistrictSettings> {
    const replica = await em.findOne(DistrictReplica, { districtId });
    return settingsWithDefaults(replica?.settings as Partial<DistrictSettings> | undefined);
  }
}
