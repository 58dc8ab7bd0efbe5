import { instantOfWallClock } from '@sessionledger/common';
import { SchoolDays, WEEKDAYS, Weekday } from '@sessionledger/contracts';
import { localDate } from '@sessionledger/session-rules';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The instant a wall-clock time (`HH:MM`) on a local date shows in a time zone (the zone library's rule for repeated and skipped times). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return new Date(instantOfWallClock({ year, month, day, hour, minute, second: 0 }, timeZone));
}

export function weekdayOf(date: string): Weekday {
  // getUTCDay: 0 is Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR_MS).toISOString().slice(0, 10);
}

/**
 * Milliseconds of [from, to) outside the school day: the span less its
 * overlap with each local day's school hours (a weekday without hours has
 * none), local days and hours read in the district's time zone.
 */
export function msOutsideSchoolDay(from: Date, to: Date, days: SchoolDays, timeZone: string): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  let inside = 0;
  const last = localDate(to, timeZone);
  for (let date = localDate(from, timeZone); date <= last; date = nextDate(date)) {
    const hours = days[weekdayOf(date)];
    if (!hours) continue;
    const opens = zonedInstant(date, hours.start, timeZone).getTime();
    const closes = zonedInstant(date, hours.end, timeZone).getTime();
    inside += Math.max(0, Math.min(end, closes) - Math.max(start, opens));
  }
  return end - start - inside;
}

export interface TimedAttendance {
  timeIn: Date | null;
  timeOut: Date | null;
  timeAwayMinutes: number;
  /** Minutes of service the student received (time present less time away). */
  minutes: number;
}

/**
 * The minutes of a student's service outside the school day. Time away is
 * not placed in the day, so it is taken from the outside minutes first: the
 * state is never told of more tutoring outside the school day than could
 * have happened. Never more than the minutes served; 0 when none were.
 */
export function minutesOutsideSchoolDay(attendance: TimedAttendance, days: SchoolDays, timeZone: string): number {
  if (attendance.minutes <= 0 || !attendance.timeIn || !attendance.timeOut) return 0;
  const outside = Math.round(msOutsideSchoolDay(attendance.timeIn, attendance.timeOut, days, timeZone) / MINUTE_MS);
  return Math.min(attendance.minutes, Math.max(0, outside - attendance.timeAwayMinutes));
}
