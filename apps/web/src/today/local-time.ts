/**
 * Dates and times in the district's time zone, with the platform's Intl only.
 * The API's calendar takes instants with their offset, and a district's day
 * starts at its own midnight whatever the device's clock says.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Minutes the zone is ahead of UTC at an instant (negative west of Greenwich). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(partsIn(timeZone).formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]));
  const wallClockAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wallClockAsUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The calendar day (`YYYY-MM-DD`) an instant falls on in the zone. */
export function localDate(instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + offsetMinutes(instant.getTime(), timeZone) * 60_000);
  return local.toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The Monday of the week `date` is in. */
export function mondayOf(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/**
 * The instant a local day begins in the zone, as ISO 8601 with the zone's
 * offset then (`2026-11-01T00:00:00-05:00`). The offset is looked up twice
 * because it may differ between UTC midnight and local midnight (a DST change
 * that day).
 */
export function startOfDay(date: string, timeZone: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  let offset = offsetMinutes(midnightAsUtc, timeZone);
  offset = offsetMinutes(midnightAsUtc - offset * 60_000, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${date}T00:00:00${sign}${hours}:${minutes}`;
}

export type CalendarView = 'day' | 'week';

export interface CalendarWindow {
  /** The first instant shown and the first one after, for GET /api/calendar. */
  from: string;
  to: string;
  /** The local days shown, in order. */
  days: string[];
}

/** Today alone, or the Monday-to-Sunday week around it. */
export function calendarWindow(view: CalendarView, today: string, timeZone: string): CalendarWindow {
  const first = view === 'day' ? today : mondayOf(today);
  const days = Array.from({ length: view === 'day' ? 1 : 7 }, (_, index) => addDays(first, index));
  return { from: startOfDay(first, timeZone), to: startOfDay(addDays(first, days.length), timeZone), days };
}

/** "9:05 AM" in the zone (the reader's language). */
export function formatTime(instant: string, timeZone: string): string {
  return new Date(instant).toLocaleTimeString(undefined, { timeZone, hour: 'numeric', minute: '2-digit' });
}

/** "Friday, December 4" for a local day. */
export function formatDay(date: string, options: Intl.DateTimeFormatOptions = { weekday: 'long', month: 'long', day: 'numeric' }): string {
  // Noon UTC of that day is the same day everywhere the format could be read.
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { ...options, timeZone: 'UTC' });
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** An instant as the zone's wall clock, `YYYY-MM-DDTHH:mm` (a datetime-local input's value). */
export function toZonedInput(instant: string | Date, timeZone: string): string {
  const ms = Math.floor(new Date(instant).getTime() / 60_000) * 60_000;
  const local = new Date(ms + offsetMinutes(ms, timeZone) * 60_000);
  return `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
}

/**
 * A wall-clock `YYYY-MM-DDTHH:mm[:ss]` in the zone as an ISO 8601 instant
 * (`…Z`); null when blank or invalid. The zone's offsets a day before and a
 * day after are the candidates, so a time on a DST-change day gets the offset
 * in force at that time. A time skipped by the spring change is read on the
 * offset before it (2:30 becomes 3:30 daylight time); a time repeated in the
 * autumn is the first of the two.
 */
export function fromZonedInput(value: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(asUtc) || new Date(asUtc).getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const before = offsetMinutes(asUtc - 86_400_000, timeZone);
  const after = offsetMinutes(asUtc + 86_400_000, timeZone);
  const valid = [before, after].filter((offset) => offsetMinutes(asUtc - offset * 60_000, timeZone) === offset);
  // A repeated hour: the larger offset is the earlier instant. A skipped one: the offset before the change.
  const offset = valid.length ? Math.max(...valid) : before;
  return new Date(asUtc - offset * 60_000).toISOString();
}

/** "Mon, Dec 7, 3:00 PM" of an instant in the zone. */
export function formatDateTimeIn(instant: string, timeZone: string): string {
  return new Date(instant).toLocaleString(undefined, { timeZone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** "Central Time (America/Chicago)": the zone the screens' times are in, for a label. */
export function zoneName(timeZone: string, at: Date = new Date()): string {
  const generic = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value;
  return generic && generic !== timeZone ? `${generic} (${timeZone})` : timeZone;
}
