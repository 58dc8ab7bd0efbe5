/**
 * Wall-clock dates and times in an IANA zone, converted to and from instants
 * with Intl alone. Calendar arithmetic works on day numbers (days since
 * 1970-01-01, proleptic Gregorian) so that it never passes through a zone.
 */

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

/** Howard Hinnant's days_from_civil: exact for every Gregorian date, no Date quirks for years below 100. */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilDate(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant` (seconds precision). */
export function wallClockAt(instant: Date, timeZone: string): LocalDateTime {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return {
    year: fields.era === 'BC' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

/** The local date-time read as if it were UTC, in milliseconds. */
function utcReading(value: LocalDateTime): number {
  return dayNumber(value.year, value.month, value.day) * MS_PER_DAY + ((value.hour * 60 + value.minute) * 60 + value.second) * 1000;
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (positive east of Greenwich). */
function offsetAt(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return utcReading(wallClockAt(new Date(wholeSecond), timeZone)) - wholeSecond;
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
  const offsetBefore = offsetAt(reading - MS_PER_DAY, timeZone);
  const offsetAfter = offsetAt(reading + MS_PER_DAY, timeZone);
  const matches = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => reading - offset)
    .filter((candidate) => reading - candidate === offsetAt(candidate, timeZone));
  return new Date(matches.length > 0 ? Math.min(...matches) : reading - offsetBefore);
}

export function localDayAt(instant: Date, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  return dayNumber(wall.year, wall.month, wall.day);
}
