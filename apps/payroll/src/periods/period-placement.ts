import { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '@sessionledger/common';
import { DEFAULT_PAY_SCHEDULE, PayScheduleReply } from '@sessionledger/contracts';
import { PaySettings } from '../pay/pay.entities';
import { addDays, scheduledPeriodAround } from './pay-calendar';

export interface PeriodRow {
  id: string;
  startsOn: string;
  endsOn: string;
  status: 'open' | 'closed';
}

/** The district's schedule and unit rule, or the defaults while it never set them (version 0). */
export async function payScheduleOf(em: EntityManager, districtId: string): Promise<PayScheduleReply> {
  const settings = await em.findOne(PaySettings, { districtId });
  if (!settings) return { ...DEFAULT_PAY_SCHEDULE, billingProviderNpi: null, renderingProviderNpi: null, version: 0 };
  return {
    frequency: settings.frequency,
    anchorDate: settings.anchorDate,
    billingUnitRule: settings.billingUnitRule,
    billingProviderNpi: settings.billingProviderNpi,
    renderingProviderNpi: settings.renderingProviderNpi,
    version: settings.version,
  };
}

/**
 * The period containing `date`, share-locked: a close (FOR UPDATE) waits for
 * the lines being added to it, and a line added after the close sees it closed.
 */
async function lockedPeriodContaining(em: EntityManager, districtId: string, date: string): Promise<PeriodRow | null> {
  const rows: PeriodRow[] = await em.execute(
    `select id, starts_on::text as "startsOn", ends_on::text as "endsOn", status from payroll.pay_period
      where district_id = ? and starts_on <= ?::date order by starts_on desc limit 1 for share`,
    [districtId, date],
  );
  const row = rows[0];
  return row && row.endsOn >= date ? row : null;
}

/**
 * Makes the schedule's period around `date`, cut short where an existing
 * period (made under an earlier schedule) already covers part of it. Creation
 * is serialised per district, so two events cannot make overlapping periods.
 */
async function createPeriodContaining(em: EntityManager, districtId: string, date: string, schedule: PayScheduleReply): Promise<PeriodRow> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`payroll.pay_period:${districtId}`]);
  const existing = await lockedPeriodContaining(em, districtId, date);
  if (existing) return existing;
  const scheduled = scheduledPeriodAround(date, schedule);
  const [neighbours] = await em.execute(
    `select (select max(ends_on)::text from payroll.pay_period where district_id = ? and ends_on < ?::date) as before,
            (select min(starts_on)::text from payroll.pay_period where district_id = ? and starts_on > ?::date) as after`,
    [districtId, date, districtId, date],
  );
  const before = neighbours.before as string | null;
  const after = neighbours.after as string | null;
  const startsOn = before && addDays(before, 1) > scheduled.startsOn ? addDays(before, 1) : scheduled.startsOn;
  const endsOn = after && addDays(after, -1) < scheduled.endsOn ? addDays(after, -1) : scheduled.endsOn;
  const id = newId();
  await em.execute(`insert into payroll.pay_period (id, district_id, starts_on, ends_on) values (?, ?, ?::date, ?::date)`, [id, districtId, startsOn, endsOn]);
  // Share-lock the new row like any other, so the caller holds the same guarantee.
  return (await lockedPeriodContaining(em, districtId, date))!;
}

/**
 * Where a line for a session of `sessionDate` lands: the open period
 * containing that day, or, when that period is closed, the next open one
 * after it (made on demand). Lines never enter a closed period.
 */
export async function openPeriodFor(em: EntityManager, districtId: string, sessionDate: string, schedule: PayScheduleReply): Promise<PeriodRow> {
  let date = sessionDate;
  // Bounded: each turn moves past one closed period.
  for (let turn = 0; turn < 10_000; turn += 1) {
    const period = (await lockedPeriodContaining(em, districtId, date)) ?? (await createPeriodContaining(em, districtId, date, schedule));
    if (period.status === 'open') return period;
    date = addDays(period.endsOn, 1);
  }
  throw new Error(`no open pay period after ${sessionDate}`);
}
