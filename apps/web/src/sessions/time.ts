/*
 * Times as the screens show and take them: the browser's local time in
 * `<input type="datetime-local">` values, instants with an offset for the API.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local input value (`YYYY-MM-DDTHH:mm`, local time). */
export function toLocalInput(instant: string | Date): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local input value as an ISO 8601 instant (with its offset, `Z`); null when blank or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function formatTime(instant: string | null | undefined): string {
  if (!instant) return '—';
  return new Date(instant).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

export function formatDateTime(instant: string | null | undefined): string {
  if (!instant) return '—';
  return new Date(instant).toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
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
