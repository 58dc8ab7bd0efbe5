import { formatMoney } from '../payroll/format';

/* Pay rates as people type them (dollars an hour) and as the API keeps them (integer cents an hour). */

/** "32.5" or "$32.50" → 3250; anything else (blank, negative, a third decimal) → null. */
export function centsFromDollars(typed: string): number | null {
  const match = /^\$?\s*(\d{1,7})(?:\.(\d{1,2}))?$/.exec(typed.trim().replace(/,/g, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function dollarsFromCents(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** "$32.50 an hour" */
export function formatRate(cents: number): string {
  return `${formatMoney(cents)} an hour`;
}
