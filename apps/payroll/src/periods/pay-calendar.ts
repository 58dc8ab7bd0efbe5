import { PayFrequency } from '@sessionledger/contracts';
import { daysBetween } from '@sessionledger/session-rules';

export interface PaySchedule {
  frequency: PayFrequency;
  anchorDate: string;
}

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isMonday(date: string): boolean {
  return new Date(`${date}T00:00:00Z`).getUTCDay() === 1;
}

export function periodLength(frequency: PayFrequency): number {
  return frequency === 'weekly' ? 7 : 14;
}

/**
 * The period of the schedule that contains `date`: periods start on the
 * anchor and every 7 (weekly) or 14 (biweekly) days before and after it.
 */
export function scheduledPeriodAround(date: string, schedule: PaySchedule): { startsOn: string; endsOn: string } {
  const length = periodLength(schedule.frequency);
  const index = Math.floor(daysBetween(schedule.anchorDate, date) / length);
  const startsOn = addDays(schedule.anchorDate, index * length);
  return { startsOn, endsOn: addDays(startsOn, length - 1) };
}
