/**
 * Wall-clock dates and times in an IANA zone, converted to and from instants
 * with the zone offsets Intl gives (remembered per hour by the common
 * library). Calendar arithmetic works on day numbers (days since 1970-01-01,
 * proleptic Gregorian) so that it never passes through a zone.
 */
import { civilDate, dayNumber, instantOfWallClock, isTimeZone, wallClockIn } from '@sessionledger/common';

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

/** The instant a wall-clock time names in `timeZone` (the earlier of a repeated time; a skipped one moves forward by the gap). */
export function instantAt(value: LocalDateTime, timeZone: string): Date {
  return new Date(instantOfWallClock(value, timeZone));
}

export function localDayAt(instant: Date, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  return dayNumber(wall.year, wall.month, wall.day);
}
