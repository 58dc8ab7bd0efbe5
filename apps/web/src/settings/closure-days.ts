/*
 * The district's closure days as the screen edits them: the API replaces the
 * whole set, so the screen keeps the list oldest first, one entry a day.
 */
import type { Schemas } from '@sessionledger/api-client';

export type ClosureDay = Schemas['ClosureDay'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Why the day cannot be added (no date, or already closed), or null. */
export function closureDayProblem(days: readonly ClosureDay[], date: string): string | null {
  if (!DAY.test(date)) return 'Choose a date';
  const existing = days.find((day) => day.date === date);
  return existing ? `${date} is already closed${existing.name ? ` (${existing.name})` : ''}` : null;
}

/** Added in date order; a blank name is no name. */
export function addClosureDay(days: readonly ClosureDay[], date: string, name: string): ClosureDay[] {
  return [...days, { date, name: name.trim() || null }].sort((a, b) => a.date.localeCompare(b.date));
}

export function removeClosureDay(days: readonly ClosureDay[], date: string): ClosureDay[] {
  return days.filter((day) => day.date !== date);
}

/** The PUT body: a day without a name leaves the name out (the body takes a name or nothing). */
export function closureDaysBody(days: readonly ClosureDay[]): Schemas['ClosureDaysBody'] {
  return { days: days.map(({ date, name }) => (name ? { date, name } : { date })) };
}
