import type { FieldProblem } from '@sessionledger/common';
import {
  civilDate,
  dayNumber,
  daysInMonth,
  formatLocalDate,
  formatLocalDateTime,
  instantAt,
  isTimeZone,
  localDayAt,
  parseLocalDate,
  parseLocalDateTime,
  wallClockAt,
  weekdayOf,
  type LocalDateTime,
} from './local-time';
import { parseRecurrenceRule, RecurrenceInvalid, type RecurrenceRule } from './rrule';

export interface SeriesDefinition {
  rrule: string;
  /** The first session's local wall-clock start, 'YYYY-MM-DDTHH:MM:SS', in `timeZone`. */
  dtstart: string;
  /** The district's IANA zone. */
  timeZone: string;
  /** Removed occurrences: a local date-time removes the occurrence starting then, a date every occurrence that day. */
  exdates?: string[];
  /** District closure days, 'YYYY-MM-DD': occurrences falling on them are skipped, not moved. */
  closures?: string[];
  durationMinutes: number;
}

export interface ExpansionWindow {
  from: Date;
  to: Date;
}

export interface Occurrence {
  start: Date;
  end: Date;
  localStart: string;
  localDate: string;
}

/**
 * The occurrences of a series whose start lies in [window.from, window.to), in
 * order. Semantics:
 * - every occurrence starts at DTSTART's wall-clock time, whatever the UTC
 *   offset that day (a 16:00 session stays 16:00 across DST changes); a time
 *   that falls in a spring-forward gap moves forward by the gap, a time that
 *   occurs twice at fall-back is the first of the two;
 * - the rule alone decides the dates: DTSTART gives the time of day and the
 *   earliest date, and is an occurrence only if the rule produces it (libical's
 *   reading; RFC 5545 leaves an unsynchronised DTSTART undefined);
 * - COUNT counts the generated occurrences; EXDATE and closures then remove
 *   from them without extending the series (RFC 5545 §3.8.5.1);
 * - UNTIL is inclusive.
 */
export function expandSeries(series: SeriesDefinition, window: ExpansionWindow): Occurrence[] {
  const { rule, start, exdates, closures } = validateSeries(series);
  validateWindow(window);

  const zone = series.timeZone;
  const firstDay = dayNumber(start.year, start.month, start.day);
  // Dates are scanned with a margin; instants decide. A gap or a fall-back across midnight puts an occurrence's
  // instant on a neighbouring local day.
  const windowFirstDay = localDayAt(window.from, zone) - 2;
  let lastDay = localDayAt(window.to, zone) + 2;
  if (rule.until?.kind === 'date') lastDay = Math.min(lastDay, rule.until.day);
  if (rule.until?.kind === 'instant') lastDay = Math.min(lastDay, localDayAt(rule.until.instant, zone) + 2);

  // COUNT needs every occurrence from DTSTART counted; without it expansion starts at the window.
  const scanFrom = rule.count === undefined ? windowFirstDay : firstDay;
  const occurrences: Occurrence[] = [];
  let generated = 0;
  for (const day of ruleDays(rule, firstDay, scanFrom, lastDay)) {
    if (rule.count !== undefined && generated === rule.count) break;
    generated += 1;
    if (day < windowFirstDay) continue;
    const date = civilDate(day);
    const startsAt = instantAt({ year: date.year, month: date.month, day: date.day, hour: start.hour, minute: start.minute, second: start.second }, zone);
    if (rule.until?.kind === 'instant' && startsAt > rule.until.instant) break;
    if (startsAt >= window.to) break;
    if (startsAt < window.from || closures.has(day) || exdates.days.has(day) || exdates.instants.has(startsAt.getTime())) continue;
    const wall = wallClockAt(startsAt, zone);
    occurrences.push({
      start: startsAt,
      end: new Date(startsAt.getTime() + series.durationMinutes * 60_000),
      localStart: formatLocalDateTime(wall),
      localDate: formatLocalDate(wall),
    });
  }
  return occurrences;
}

/**
 * The rule's dates (day numbers) from `firstDay` on, ascending, scanning
 * periods from the one holding `scanFrom` and stopping after `lastDay`.
 */
function* ruleDays(rule: RecurrenceRule, firstDay: number, scanFrom: number, lastDay: number): Generator<number> {
  const periods = periodsOf(rule, firstDay);
  for (let index = Math.max(0, periods.indexAt(scanFrom)); ; index += 1) {
    const period = periods.at(index);
    if (period.firstDay > lastDay) return;
    const candidates = [...new Set(period.candidates.filter((day) => matchesLimits(rule, day)))].sort((a, b) => a - b);
    for (const day of selectPositions(rule.bySetPos, candidates)) {
      if (day > lastDay) return;
      if (day >= firstDay) yield day;
    }
  }
}

interface Period {
  firstDay: number;
  candidates: number[];
}

interface Periods {
  /** The index of the period holding `day` (negative before the first). */
  indexAt(day: number): number;
  at(index: number): Period;
}

/** Periods of FREQ × INTERVAL counted from the one holding DTSTART, with the dates each one expands to. */
function periodsOf(rule: RecurrenceRule, firstDay: number): Periods {
  const step = rule.interval;
  switch (rule.freq) {
    case 'DAILY':
      return {
        indexAt: (day) => Math.floor((day - firstDay) / step),
        at: (index) => ({ firstDay: firstDay + index * step, candidates: [firstDay + index * step] }),
      };
    case 'WEEKLY': {
      const sinceWeekStart = (day: number) => (weekdayOf(day) - rule.weekStart + 7) % 7;
      const firstWeek = firstDay - sinceWeekStart(firstDay);
      const offsets = rule.byDay.length > 0 ? rule.byDay.map(({ weekday }) => (weekday - rule.weekStart + 7) % 7) : [sinceWeekStart(firstDay)];
      return {
        indexAt: (day) => Math.floor((day - firstWeek) / (7 * step)),
        at: (index) => {
          const weekStart = firstWeek + index * 7 * step;
          return { firstDay: weekStart, candidates: offsets.map((offset) => weekStart + offset) };
        },
      };
    }
    case 'MONTHLY': {
      const monthOf = (day: number) => {
        const { year, month } = civilDate(day);
        return year * 12 + month - 1;
      };
      const firstMonth = monthOf(firstDay);
      const dayOfMonth = civilDate(firstDay).day;
      return {
        indexAt: (day) => Math.floor((monthOf(day) - firstMonth) / step),
        at: (index) => {
          const monthIndex = firstMonth + index * step;
          const year = Math.floor(monthIndex / 12);
          const month = monthIndex - year * 12 + 1;
          return { firstDay: dayNumber(year, month, 1), candidates: monthlyCandidates(rule, year, month, dayOfMonth) };
        },
      };
    }
  }
}

/** BYMONTHDAY expands a month; otherwise BYDAY does; otherwise DTSTART's day of the month (skipped where the month is too short). */
function monthlyCandidates(rule: RecurrenceRule, year: number, month: number, dayOfMonth: number): number[] {
  const length = daysInMonth(year, month);
  const first = dayNumber(year, month, 1);
  if (rule.byMonthDay.length > 0) {
    return rule.byMonthDay.map((value) => (value > 0 ? value : length + 1 + value)).filter((value) => value >= 1 && value <= length).map((value) => first + value - 1);
  }
  if (rule.byDay.length > 0) {
    const last = first + length - 1;
    return rule.byDay.flatMap(({ weekday, ordinal }) => {
      const firstOfWeekday = first + ((weekday - weekdayOf(first) + 7) % 7);
      if (ordinal === undefined) return Array.from({ length: Math.floor((last - firstOfWeekday) / 7) + 1 }, (_, n) => firstOfWeekday + 7 * n);
      const lastOfWeekday = last - ((weekdayOf(last) - weekday + 7) % 7);
      const day = ordinal > 0 ? firstOfWeekday + 7 * (ordinal - 1) : lastOfWeekday + 7 * (ordinal + 1);
      return day >= first && day <= last ? [day] : [];
    });
  }
  return dayOfMonth <= length ? [first + dayOfMonth - 1] : [];
}

/** The BY parts that narrow rather than expand at this frequency (RFC 5545 §3.3.10 table). */
function matchesLimits(rule: RecurrenceRule, day: number): boolean {
  const date = civilDate(day);
  if (rule.byMonth.length > 0 && !rule.byMonth.includes(date.month)) return false;
  if (rule.freq === 'DAILY' && rule.byMonthDay.length > 0 && !matchesMonthDay(rule.byMonthDay, date)) return false;
  const byDayLimits = rule.freq === 'DAILY' || (rule.freq === 'MONTHLY' && rule.byMonthDay.length > 0);
  if (byDayLimits && rule.byDay.length > 0) {
    const length = daysInMonth(date.year, date.month);
    const weekday = weekdayOf(day);
    return rule.byDay.some(
      (item) =>
        item.weekday === weekday &&
        (item.ordinal === undefined ||
          (item.ordinal > 0 ? Math.ceil(date.day / 7) === item.ordinal : Math.ceil((length - date.day + 1) / 7) === -item.ordinal)),
    );
  }
  return true;
}

function matchesMonthDay(byMonthDay: number[], date: { year: number; month: number; day: number }): boolean {
  const length = daysInMonth(date.year, date.month);
  return byMonthDay.some((value) => (value > 0 ? value : length + 1 + value) === date.day);
}

/** BYSETPOS picks by position (1 = first, -1 = last) from a period's sorted dates. */
function selectPositions(bySetPos: number[], candidates: number[]): number[] {
  if (bySetPos.length === 0) return candidates;
  const picked = bySetPos.map((position) => (position > 0 ? candidates[position - 1] : candidates[candidates.length + position]));
  return [...new Set(picked.filter((day): day is number => day !== undefined))].sort((a, b) => a - b);
}

interface ValidSeries {
  rule: RecurrenceRule;
  start: LocalDateTime;
  exdates: { days: Set<number>; instants: Set<number> };
  closures: Set<number>;
}

/** Every bad field is reported at once, each under its own name. */
function validateSeries(series: SeriesDefinition): ValidSeries {
  const fields: FieldProblem[] = [];
  const problem = (field: string, text: string) => fields.push({ field, problems: [text] });

  let rule: RecurrenceRule | undefined;
  try {
    rule = parseRecurrenceRule(series.rrule);
  } catch (error) {
    if (!(error instanceof RecurrenceInvalid)) throw error;
    fields.push(...(error.fields ?? []));
  }
  const start = parseLocalDateTime(series.dtstart);
  if (!start) problem('dtstart', `must be a local date-time YYYY-MM-DDTHH:MM:SS, not ${series.dtstart}`);
  const zoneValid = isTimeZone(series.timeZone);
  if (!zoneValid) problem('timeZone', `must be an IANA time zone such as America/Chicago, not ${series.timeZone}`);
  if (!Number.isInteger(series.durationMinutes) || series.durationMinutes <= 0) problem('durationMinutes', 'must be a positive whole number of minutes');

  const exdates = { days: new Set<number>(), instants: new Set<number>() };
  (series.exdates ?? []).forEach((text, index) => {
    const day = parseLocalDate(text);
    const dateTime = parseLocalDateTime(text);
    if (day !== undefined) exdates.days.add(day);
    else if (dateTime && zoneValid) exdates.instants.add(instantAt(dateTime, series.timeZone).getTime());
    else if (!dateTime) problem(`exdates[${index}]`, `must be a local date YYYY-MM-DD or date-time YYYY-MM-DDTHH:MM:SS, not ${text}`);
  });
  const closureList = closureDays(series.closures ?? []);
  fields.push(...closureList.problems.map(({ field, problems }) => ({ field, problems: [...problems] })));
  const closures = closureList.days;

  if (fields.length > 0 || !rule || !start) throw new RecurrenceInvalid(fields);
  return { rule, start, exdates, closures };
}

interface ParsedClosures {
  texts: string[];
  days: Set<number>;
  problems: FieldProblem[];
}

/** A calendar expands every series with the district's one closure list: it is parsed once, not once per series. */
const parsedClosureLists = new WeakMap<string[], ParsedClosures>();

function closureDays(texts: string[]): ParsedClosures {
  const known = parsedClosureLists.get(texts);
  if (known && known.texts.length === texts.length && known.texts.every((text, index) => text === texts[index])) return known;
  const parsed: ParsedClosures = { texts: [...texts], days: new Set<number>(), problems: [] };
  texts.forEach((text, index) => {
    const day = parseLocalDate(text);
    if (day === undefined) parsed.problems.push({ field: `closures[${index}]`, problems: [`must be a local date YYYY-MM-DD, not ${text}`] });
    else parsed.days.add(day);
  });
  parsedClosureLists.set(texts, parsed);
  return parsed;
}

function validateWindow(window: ExpansionWindow): void {
  const fields: FieldProblem[] = [];
  if (!(window.from instanceof Date) || Number.isNaN(window.from.getTime())) fields.push({ field: 'from', problems: ['must be a valid instant'] });
  if (!(window.to instanceof Date) || Number.isNaN(window.to.getTime())) fields.push({ field: 'to', problems: ['must be a valid instant'] });
  else if (fields.length === 0 && window.to < window.from) fields.push({ field: 'to', problems: ['must not be before from'] });
  if (fields.length > 0) throw new RecurrenceInvalid(fields);
}
