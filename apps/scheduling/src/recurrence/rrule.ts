import { ValidationFailed, type FieldProblem } from '@sessionledger/common';
import { dayNumber, isValidLocalDateTime, type Weekday } from './local-time';

/**
 * The subset of RFC 5545 RRULE a tutoring series needs: sessions repeat on
 * days, at the time of day of the series' start. Parts outside it are refused
 * by name rather than ignored, so a rule never silently means something else.
 */
export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY';

export interface WeekdayRule {
  weekday: Weekday;
  /** MONTHLY only: 2 = the second such weekday of the month, -1 = the last. */
  ordinal?: number;
}

export type Until = { kind: 'date'; day: number } | { kind: 'instant'; instant: Date };

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count?: number;
  until?: Until;
  byDay: WeekdayRule[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  weekStart: Weekday;
}

/** A bad series definition: 400 REQUEST.INVALID listing each field's problems; a rule's problems name the part. */
export class RecurrenceInvalid extends ValidationFailed {
  constructor(fields: FieldProblem[]) {
    super(fields, `The series is invalid: ${fields.map(({ field, problems }) => `${field}: ${problems.join('; ')}`).join('; ')}`);
  }
}

export const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

const FREQUENCIES: readonly Frequency[] = ['DAILY', 'WEEKLY', 'MONTHLY'];
const OTHER_FREQUENCIES = ['YEARLY', 'HOURLY', 'MINUTELY', 'SECONDLY'];

const UNSUPPORTED_PARTS: Record<string, string> = {
  BYSECOND: 'a series repeats at the time of day of its start',
  BYMINUTE: 'a series repeats at the time of day of its start',
  BYHOUR: 'a series repeats at the time of day of its start',
  BYWEEKNO: 'it only applies to FREQ=YEARLY',
  BYYEARDAY: 'it only applies to yearly rules',
  RSCALE: 'only the Gregorian calendar is used',
  SKIP: 'only the Gregorian calendar is used',
};

const INTEGER = /^[+-]?\d+$/;
const WEEKDAY_RULE = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/;
const UNTIL_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const UNTIL_DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

/**
 * Parses an RRULE value ("FREQ=WEEKLY;BYDAY=TU,TH", with or without a leading
 * "RRULE:"). Every problem is collected and reported together; each one names
 * the part it is about.
 */
export function parseRecurrenceRule(text: string, field = 'rrule'): RecurrenceRule {
  const problems: string[] = [];
  const parts = new Map<string, string>();
  const body = text.trim().replace(/^RRULE:/i, '');
  for (const segment of body.split(';')) {
    if (segment.trim() === '') continue;
    const equals = segment.indexOf('=');
    const name = (equals < 0 ? segment : segment.slice(0, equals)).trim().toUpperCase();
    const value = equals < 0 ? '' : segment.slice(equals + 1).trim().toUpperCase();
    if (equals < 0 || value === '') problems.push(`${name} has no value (expected ${name}=value)`);
    else if (parts.has(name)) problems.push(`${name} appears more than once`);
    else parts.set(name, value);
  }

  const rule: RecurrenceRule = { freq: 'WEEKLY', interval: 1, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [], weekStart: 1 };
  const freq = parts.get('FREQ');
  if (freq === undefined) problems.push('FREQ is required');
  else if (OTHER_FREQUENCIES.includes(freq)) problems.push(`FREQ=${freq} is not supported; use DAILY, WEEKLY or MONTHLY`);
  else if (!FREQUENCIES.includes(freq as Frequency)) problems.push(`FREQ must be DAILY, WEEKLY or MONTHLY, not ${freq}`);
  else rule.freq = freq as Frequency;
  const knownFreq = freq !== undefined && FREQUENCIES.includes(freq as Frequency);

  for (const [name, value] of parts) {
    switch (name) {
      case 'FREQ':
        break;
      case 'INTERVAL':
        rule.interval = positiveInteger(name, value, problems) ?? 1;
        break;
      case 'COUNT':
        rule.count = positiveInteger(name, value, problems);
        break;
      case 'UNTIL':
        rule.until = parseUntil(value, problems);
        break;
      case 'BYDAY':
        rule.byDay = parseByDay(value, knownFreq ? rule.freq : undefined, problems);
        break;
      case 'BYMONTHDAY':
        if (rule.freq === 'WEEKLY' && knownFreq) problems.push('BYMONTHDAY cannot be used with FREQ=WEEKLY');
        rule.byMonthDay = integerList(name, value, 31, true, problems);
        break;
      case 'BYMONTH':
        rule.byMonth = integerList(name, value, 12, false, problems);
        break;
      case 'BYSETPOS':
        rule.bySetPos = integerList(name, value, 366, true, problems);
        break;
      case 'WKST': {
        const weekday = WEEKDAY_CODES.indexOf(value as (typeof WEEKDAY_CODES)[number]);
        if (weekday < 0) problems.push(`WKST must be one of ${WEEKDAY_CODES.join(', ')}, not ${value}`);
        else rule.weekStart = weekday as Weekday;
        break;
      }
      default:
        if (Object.hasOwn(UNSUPPORTED_PARTS, name)) problems.push(`${name} is not supported: ${UNSUPPORTED_PARTS[name]}`);
        else problems.push(`${name} is not a recurrence rule part this service understands`);
    }
  }

  if (parts.has('COUNT') && parts.has('UNTIL')) problems.push('COUNT and UNTIL cannot both be given');
  if (parts.has('BYSETPOS') && !['BYDAY', 'BYMONTHDAY', 'BYMONTH'].some((name) => parts.has(name))) {
    problems.push('BYSETPOS needs another BY part (BYDAY, BYMONTHDAY or BYMONTH) to pick from');
  }

  if (problems.length > 0) throw new RecurrenceInvalid([{ field, problems }]);
  return rule;
}

function positiveInteger(name: string, value: string, problems: string[]): number | undefined {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    problems.push(`${name} must be a positive whole number, not ${value}`);
    return undefined;
  }
  return number;
}

/** Distinct whole numbers from 1 to max (or -max to -1 when `negative`), ascending. */
function integerList(name: string, value: string, max: number, negative: boolean, problems: string[]): number[] {
  const numbers = new Set<number>();
  for (const item of value.split(',')) {
    const number = INTEGER.test(item) ? Number(item) : NaN;
    if (!Number.isInteger(number) || number === 0 || Math.abs(number) > max || (number < 0 && !negative)) {
      const range = negative ? `1 to ${max} or -1 to -${max}` : `1 to ${max}`;
      problems.push(`${name} values must be whole numbers from ${range}, not ${item === '' ? 'an empty item' : item}`);
    } else {
      numbers.add(number);
    }
  }
  return [...numbers].sort((a, b) => a - b);
}

function parseByDay(value: string, freq: Frequency | undefined, problems: string[]): WeekdayRule[] {
  const rules = new Map<string, WeekdayRule>();
  for (const item of value.split(',')) {
    const match = WEEKDAY_RULE.exec(item);
    if (!match) {
      problems.push(`BYDAY items must be a weekday (SU, MO, TU, WE, TH, FR, SA), optionally with an ordinal such as 2TU or -1FR, not ${item === '' ? 'an empty item' : item}`);
      continue;
    }
    const weekday = WEEKDAY_CODES.indexOf(match[2] as (typeof WEEKDAY_CODES)[number]) as Weekday;
    if (match[1] === undefined) {
      rules.set(match[2], { weekday });
      continue;
    }
    const ordinal = Number(match[1]);
    if (freq !== undefined && freq !== 'MONTHLY') {
      problems.push(`BYDAY=${item}: an ordinal weekday is only meaningful with FREQ=MONTHLY`);
    } else if (ordinal === 0 || Math.abs(ordinal) > 5) {
      problems.push(`BYDAY=${item}: the ordinal must be 1 to 5 or -1 to -5 (a month has at most five of each weekday)`);
    } else {
      rules.set(`${ordinal}${match[2]}`, { weekday, ordinal });
    }
  }
  return [...rules.values()];
}

/**
 * A series has a time zone, so UNTIL is a date (inclusive: the last local day
 * an occurrence may fall on) or a UTC date-time (RFC 5545 requires UTC once
 * DTSTART names a zone); a floating local date-time is refused.
 */
function parseUntil(value: string, problems: string[]): Until | undefined {
  const date = UNTIL_DATE.exec(value);
  if (date) {
    const [year, month, day] = date.slice(1).map(Number);
    if (isValidLocalDateTime({ year, month, day, hour: 0, minute: 0, second: 0 })) return { kind: 'date', day: dayNumber(year, month, day) };
  }
  const dateTime = UNTIL_DATE_TIME.exec(value);
  if (dateTime && dateTime[7] === 'Z') {
    const [year, month, day, hour, minute, second] = dateTime.slice(1, 7).map(Number);
    if (isValidLocalDateTime({ year, month, day, hour, minute, second })) {
      const secondOfDay = (hour * 60 + minute) * 60 + second;
      return { kind: 'instant', instant: new Date((dayNumber(year, month, day) * 86_400 + secondOfDay) * 1000) };
    }
  }
  if (dateTime && dateTime[7] === '') {
    problems.push(`UNTIL=${value} is a floating local time; give a date (YYYYMMDD) or a UTC date-time ending in Z (YYYYMMDDTHHMMSSZ)`);
  } else {
    problems.push(`UNTIL must be a real date (YYYYMMDD) or UTC date-time (YYYYMMDDTHHMMSSZ), not ${value}`);
  }
  return undefined;
}
