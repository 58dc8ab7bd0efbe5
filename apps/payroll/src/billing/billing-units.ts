import { BillingUnitRule } from '@sessionledger/contracts';

/**
 * 15-minute billing units for the timed minutes of one student.
 * `cms_8_minute` (CMS's 8-minute rule, the default): a unit from 8 minutes,
 * and another for each further 15 counted the same way — 0–7 → 0, 8–22 → 1,
 * 23–37 → 2, …; `full_15_only`: whole 15-minute blocks only.
 */
export function billingUnits(minutes: number, rule: BillingUnitRule): number {
  if (!Number.isSafeInteger(minutes) || minutes < 0) throw new Error(`billing units need whole non-negative minutes (got ${minutes})`);
  const whole = Math.floor(minutes / 15);
  switch (rule) {
    case 'cms_8_minute':
      return whole + (minutes % 15 >= 8 ? 1 : 0);
    case 'full_15_only':
      return whole;
  }
}

/**
 * Units are owed on a student's total timed minutes for the day with the
 * provider, not per session: the units to add (or give back, when negative)
 * so that lines already holding `unitsBilled` come to the units of `dayMinutes`.
 */
export function dayUnitsAdjustment(dayMinutes: number, unitsBilled: number, rule: BillingUnitRule): number {
  return billingUnits(dayMinutes, rule) - unitsBilled;
}
