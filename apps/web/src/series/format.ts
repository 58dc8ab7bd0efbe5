/* Words and times for the series screens. Local times are the district's wall clock, as the API gives them. */
import { toZonedInput } from '../today/local-time';
import type { Cancellation } from './api';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

/** A wall-clock `YYYY-MM-DDTHH:MM[:SS]` as the reader's words ("Mon, Dec 7, 3:00 PM"), without moving it to the device's zone. */
export function formatLocalDateTime(local: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }): string {
  const match = LOCAL.exec(local);
  if (!match) return local;
  const [, y, m, d, hh, mm] = match.map(Number);
  return new Date(Date.UTC(y, m - 1, d, hh, mm)).toLocaleString(undefined, { ...options, timeZone: 'UTC' });
}

/** "3:00 PM" of a wall-clock date-time. */
export function formatLocalTime(local: string): string {
  return formatLocalDateTime(local, { hour: 'numeric', minute: '2-digit' });
}

/** "Mon, Dec 7" of a wall-clock date-time or date. */
export function formatLocalDay(local: string): string {
  return formatLocalDateTime(`${local.slice(0, 10)}T12:00`, { weekday: 'short', month: 'short', day: 'numeric' });
}

/** `HH:MM` of a wall-clock date-time (a time input's value). */
export function timeOfDay(local: string): string {
  return local.slice(11, 16);
}

/** "tutoring" → "Tutoring", "reading_intervention" → "Reading intervention" when the catalog has no name. */
export function humanize(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a cancellation means for the family's bill and the provider's pay (DESIGN.md "Attendance"). */
export function consequence(attendance: Cancellation['attendance'], noticeHours: number): { label: string; text: string } {
  return attendance === 'cancelled_billable'
    ? {
        label: 'Late cancellation (billable)',
        text: `Cancelled less than ${noticeHours} hours before the start, so it counts as a late cancellation: the family is billed and you are paid as for a session held.`,
      }
    : {
        label: 'Cancelled with notice (not billable)',
        text: `Cancelled at least ${noticeHours} hours before the start: the family is not billed and the session is not paid.`,
      };
}

/** `HH:MM` (24 h) of an instant in the zone, as a time input takes it. */
export function localTimeOfDay(instant: string, timeZone: string): string {
  return toZonedInput(instant, timeZone).slice(11, 16);
}
