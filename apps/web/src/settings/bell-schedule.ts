/*
 * A school's bell schedule as a form: each weekday either a school day with a
 * start and an end (local times in the district's zone) or none. A weekday
 * switched off keeps the hours typed, so switching it back on restores them.
 */
import type { Schemas } from '@sessionledger/api-client';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

export interface DayForm {
  schoolDay: boolean;
  start: string;
  end: string;
}

export type BellScheduleForm = Record<Weekday, DayForm>;

/** What a day switched on starts with, unless it had hours. */
const DEFAULT_HOURS = { start: '08:00', end: '15:00' };

export function bellScheduleForm(days: Schemas['BellScheduleReply']['days']): BellScheduleForm {
  return Object.fromEntries(
    WEEKDAYS.map((weekday) => {
      const hours = days?.[weekday];
      return [weekday, hours ? { schoolDay: true, start: hours.start, end: hours.end } : { schoolDay: false, ...DEFAULT_HOURS }];
    }),
  ) as BellScheduleForm;
}

/** Every weekday named: a day without school is sent as null, so the stored schedule loses it too. */
export function bellScheduleDays(form: BellScheduleForm): Schemas['BellScheduleDays'] {
  return Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, form[weekday].schoolDay ? { start: form[weekday].start, end: form[weekday].end } : null]));
}

/** "Monday to Friday 08:00–15:30" in short: the list of school days for the summary line. */
export function schoolDaysSummary(form: BellScheduleForm): string {
  const days = WEEKDAYS.filter((weekday) => form[weekday].schoolDay).map((weekday) => `${WEEKDAY_NAMES[weekday]} ${form[weekday].start}–${form[weekday].end}`);
  return days.length ? days.join(', ') : 'No school day set';
}
