/**
 * Wall-clock dates and times in an IANA zone, converted to and from instants
 * with the zone offsets Intl gives (remembered per hour by the common
 * library). Calendar arithmetic works on day numbers (days since 1970-01-01,
 * proleptic Gregorian) so that it never passes through a zone.
 */
import { civilDate, dayNumber, isTimeZone, wallClockIn, zoneOffsetAt } from '@sessionledger/common';

export { civilDate, dayNumber, isTimeZone };

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const MS_PER_DAY = 86_400_000;

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
export function weekdayOf(days: number): Weekday {
  return ((((days + 4) % 7) + 7) % 7) as Weekday;
}

export function daysInMonth(year: number, month: number): number {
  return month === 12 ? 31 : dayNumber(year, month + 1, 1) - dayNumber(year, month, 1);
}

export function isValidLocalDateTime(value: LocalDateTime): boolean {
  return (
    value.month >= 1 &&
    value.month <= 12 &&
    value.day >= 1 &&
    value.day <= daysInMonth(value.year, value.month) &&
    value.hour <= 23 &&
    value.minute <= 59 &&
    value.second <= 59
  );
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DDTHH:MM:SS', a real calendar date and time of day, or undefined. */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const value = { year, month, day, hour, minute, second };
  return isValidLocalDateTime(value) ? value : undefined;
}

/** 'YYYY-MM-DD', a real calendar date, as a day number, or undefined. */
export function parseLocalDate(text: string): number | undefined {
  const match = LOCAL_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  return isValidLocalDateTime({ year, month, day, hour: 0, minute: 0, second: 0 }) ? dayNumber(year, month, day) : undefined;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

export function formatLocalDate(value: { year: number; month: number; day: number }): string {
  return `${pad(value.year, 4)}-${pad(value.month)}-${pad(value.day)}`;
}

export function formatLocalDateTime(value: LocalDateTime): string {
  return `${formatLocalDate(value)}T${pad(value.hour)}:${pad(value.minute)}:${pad(value.second)}`;
}

/** The wall clock in `timeZone` at `instant` (seconds precision). */
export function wallClockAt(instant: Date, timeZone: string): LocalDateTime {
  return wallClockIn(instant.getTime(), timeZone);
}

/** The local date-time read as if it were UTC, in milliseconds. */
function utcReading(value: LocalDateTime): number {
  return dayNumber(value.year, value.month, value.day) * MS_PER_DAY + ((value.hour * 60 + value.minute) * 60 + value.second) * 1000;
}

/**
 * The instant a wall-clock time names in `timeZone`. A time that occurs twice
 * (the hour repeated when clocks fall back) is the first, earlier one. A time
 * that does not exist (skipped when clocks spring forward) is read with the
 * offset in force before the gap, which moves it forward by the gap's length:
 * 02:30 on a spring-forward day in America/Chicago is 03:30 (RFC 5545 §3.3.5).
 */
export function instantAt(value: LocalDateTime, timeZone: string): Date {
  const reading = utcReading(value);
  // Zone offsets stay within ±14 h, so a day either side lies before and after any transition that concerns this time.
  const offsetBefore = zoneOffsetAt(reading - MS_PER_DAY, timeZone);
  const offsetAfter = zoneOffsetAt(reading + MS_PER_DAY, timeZone);
  const early = reading - Math.max(offsetBefore, offsetAfter);
  const late = reading - Math.min(offsetBefore, offsetAfter);
  if (zoneOffsetAt(early, timeZone) === reading - early) return new Date(early);
  if (zoneOffsetAt(late, timeZone) === reading - late) return new Date(late);
  return new Date(reading - offsetBefore);
}

export function localDayAt(instant: Date, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  return dayNumber(wall.year, wall.month, wall.day);
}
