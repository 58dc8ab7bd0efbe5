/*
 * Times as the session and post screens show and take them: the district's
 * wall clock (never the device's) in `<input type="datetime-local">` values
 * and on screen, instants with an offset for the API. The zone arithmetic is
 * the Today screen's (../today/local-time), one copy for every screen.
 */
import { useCurrentUser } from '../auth/useCurrentUser';
import { formatDateTimeIn, formatTime as formatTimeIn, fromZonedInput, toZonedInput } from '../today/local-time';

/** The district's zone (`America/Chicago`), the one every session time is in. */
export function useDistrictTimeZone(): string {
  return useCurrentUser().district.timeZone;
}

/** An instant as a datetime-local input value (`YYYY-MM-DDTHH:mm`, the district's wall clock). */
export function toLocalInput(instant: string | Date, timeZone: string): string {
  return toZonedInput(instant, timeZone);
}

/** A datetime-local input value (the district's wall clock) as an ISO 8601 instant (`Z`); null when blank or invalid. */
export function fromLocalInput(value: string, timeZone: string): string | null {
  return fromZonedInput(value, timeZone);
}

export function formatTime(instant: string | null | undefined, timeZone: string): string {
  if (!instant) return '—';
  return formatTimeIn(instant, timeZone);
}

export function formatDateTime(instant: string | null | undefined, timeZone: string): string {
  if (!instant) return '—';
  return formatDateTimeIn(instant, timeZone);
}

/** "Mon, Dec 7" of a calendar day (`YYYY-MM-DD`, already the district's). */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12)).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** Whole minutes from one instant to another (never negative). */
export function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000));
}

/** The current minute, as the default of an end or departure time (the API refuses instants ahead of the clock). */
export function nowToTheMinute(now: Date = new Date()): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

export function formatCents(cents: number): string {
  return (cents / 100).toLocaleString(undefined, { style: 'currency', currency: 'USD' });
}
