/* Words for the payroll screens: money, minutes, pay period dates. Dates are the API's district-local days, never moved to the device's zone. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 2250 → "$22.50", -2250 → "-$22.50" (a reversal). */
export function formatMoney(cents: number): string {
  return money.format(cents / 100);
}

/** 45 → "45 min", 90 → "1 h 30 min", -45 → "-45 min" (a reversal). */
export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const total = Math.abs(minutes);
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (hours === 0) return `${sign}${rest} min`;
  return rest === 0 ? `${sign}${hours} h` : `${sign}${hours} h ${rest} min`;
}

/** A `YYYY-MM-DD` day as words; noon UTC so that no zone moves it to another day. */
function dayAsDate(day: string): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [, y, m, d] = match.map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12));
}

/** "2026-11-30" → "Mon, Nov 30, 2026". */
export function formatDay(day: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }): string {
  const date = dayAsDate(day);
  return date ? date.toLocaleDateString('en-US', { ...options, timeZone: 'UTC' }) : day;
}

/** "Nov 30 – Dec 6, 2026"; the year on both ends when the period spans New Year. */
export function formatPeriod(startsOn: string, endsOn: string): string {
  const sameYear = startsOn.slice(0, 4) === endsOn.slice(0, 4);
  const start = formatDay(startsOn, sameYear ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', year: 'numeric' });
  return `${start} – ${formatDay(endsOn, { month: 'short', day: 'numeric', year: 'numeric' })}`;
}

/** An instant on the district's clock, naming the zone so a reader elsewhere is not misled: "Dec 4, 2026, 3:05 PM CST". */
export function formatInstant(instant: string, timeZone: string): string {
  return new Date(instant).toLocaleString('en-US', { timeZone, month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
}

/**
 * The file name the API gives in `Content-Disposition` (its name says
 * provisional or final, so the saved file does too), else the fallback.
 */
export function attachmentName(contentDisposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/i.exec(contentDisposition ?? '') ?? /filename=([^;\s]+)/i.exec(contentDisposition ?? '');
  const name = match?.[1]?.trim();
  // A name with a path in it is not one to save under.
  return name && !/[\\/]/.test(name) ? name : fallback;
}
