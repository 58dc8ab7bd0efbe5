/*
 * The recurrence builder's rule: weekly on chosen weekdays, every N weeks,
 * until a date or a number of times, written as the API's RFC 5545 subset
 * (docs/api/scheduling.md, "Scheduling (series)"). The API checks the rule; this only writes
 * what the provider chose, and reads such a rule back into words.
 */

export const WEEKDAYS = [
  { code: 'MO', short: 'Mon', long: 'Monday' },
  { code: 'TU', short: 'Tue', long: 'Tuesday' },
  { code: 'WE', short: 'Wed', long: 'Wednesday' },
  { code: 'TH', short: 'Thu', long: 'Thursday' },
  { code: 'FR', short: 'Fri', long: 'Friday' },
  { code: 'SA', short: 'Sat', long: 'Saturday' },
  { code: 'SU', short: 'Sun', long: 'Sunday' },
] as const;

export type Weekday = (typeof WEEKDAYS)[number]['code'];

export type RecurrenceEnd = { kind: 'until'; date: string } | { kind: 'count'; count: number };

export interface WeeklyRecurrence {
  /** The weekdays it happens on (order does not matter). */
  weekdays: Weekday[];
  /** Every `interval` weeks (1 = every week). */
  interval: number;
  /** The last local day (`YYYY-MM-DD`, inclusive) or the number of occurrences. */
  end: RecurrenceEnd;
}

/** What is missing or wrong in the choices, per field; empty when a rule can be written. */
export interface RecurrenceProblems {
  weekdays?: string;
  interval?: string;
  until?: string;
  count?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function recurrenceProblems(recurrence: WeeklyRecurrence): RecurrenceProblems {
  const problems: RecurrenceProblems = {};
  if (recurrence.weekdays.length === 0) problems.weekdays = 'Choose at least one weekday';
  if (!Number.isInteger(recurrence.interval) || recurrence.interval < 1 || recurrence.interval > 52) problems.interval = 'Give a whole number of weeks from 1 to 52';
  if (recurrence.end.kind === 'until' && !DATE.test(recurrence.end.date)) problems.until = 'Give the last date';
  if (recurrence.end.kind === 'count' && (!Number.isInteger(recurrence.end.count) || recurrence.end.count < 1 || recurrence.end.count > 500)) {
    problems.count = 'Give a whole number of sessions from 1 to 500';
  }
  return problems;
}

/**
 * `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261218` (INTERVAL left out for
 * every week; weekdays in calendar order; UNTIL a local date, inclusive).
 * Throws when the choices cannot make a rule (see `recurrenceProblems`).
 */
export function buildRrule(recurrence: WeeklyRecurrence): string {
  const problems = recurrenceProblems(recurrence);
  const first = Object.values(problems)[0];
  if (first) throw new Error(first);
  const days = WEEKDAYS.map((day) => day.code).filter((code) => recurrence.weekdays.includes(code));
  const parts = ['FREQ=WEEKLY'];
  if (recurrence.interval !== 1) parts.push(`INTERVAL=${recurrence.interval}`);
  parts.push(`BYDAY=${days.join(',')}`);
  parts.push(recurrence.end.kind === 'until' ? `UNTIL=${recurrence.end.date.replace(/-/g, '')}` : `COUNT=${recurrence.end.count}`);
  return parts.join(';');
}

/** The weekday (`MO`…`SU`) of a local date `YYYY-MM-DD` (or the date part of a local date-time). */
export function weekdayOf(localDate: string): Weekday | undefined {
  const match = DATE.exec(localDate.slice(0, 10));
  if (!match) return undefined;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).getUTCDay();
  return WEEKDAYS[(day + 6) % 7].code;
}

/**
 * A rule in words: "Every week on Monday and Wednesday, 10 times",
 * "Every 2 weeks on Tuesday, until Dec 18, 2026". Rules the builder does not
 * write (daily, monthly, set by an admin through the API) are shown as they are.
 */
export function describeRrule(rrule: string): string {
  const parts = new Map(
    rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .filter(Boolean)
      .map((part) => {
        const [name, value = ''] = part.split('=');
        return [name.trim().toUpperCase(), value.trim().toUpperCase()] as const;
      }),
  );
  const freq = parts.get('FREQ');
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'COUNT', 'UNTIL', 'WKST']);
  if ((freq !== 'WEEKLY' && freq !== 'DAILY') || [...parts.keys()].some((name) => !known.has(name)) || !Number.isInteger(interval) || interval < 1) return rrule;
  const unit = freq === 'DAILY' ? 'day' : 'week';
  let text = interval === 1 ? `Every ${unit}` : `Every ${interval} ${unit}s`;
  const byday = parts.get('BYDAY');
  if (byday) {
    const names = byday.split(',').map((code) => WEEKDAYS.find((day) => day.code === code)?.long);
    if (names.some((name) => !name)) return rrule;
    text += ` on ${joinWords(names as string[])}`;
  }
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count) text += `, ${count} ${count === '1' ? 'time' : 'times'}`;
  else if (until) {
    const match = /^(\d{4})(\d{2})(\d{2})/.exec(until);
    if (!match) return rrule;
    const last = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
    // A split ends the series one second before an occurrence (a UTC instant): its local day may be the one before; the date is what the reader needs.
    text += `, until ${last.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })}`;
  }
  return text;
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
