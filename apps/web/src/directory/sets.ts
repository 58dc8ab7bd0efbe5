/*
 * The link sets the directory edits as a whole (a provider's schools, a
 * guardian's children, a group's members): the API replaces the set it is
 * sent, so the screen keeps a draft and sends all of it.
 */
import { ApiError } from '../api/errors';

export function withId(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? [...ids] : [...ids, id];
}

export function withoutId(ids: readonly string[], id: string): string[] {
  return ids.filter((other) => other !== id);
}

/** Same members regardless of order: whether the draft differs from what the server holds. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** What a save would change, in words for the button's neighbour ("2 added, 1 removed"); empty when nothing. */
export function changeSummary(saved: readonly string[], draft: readonly string[]): string {
  const added = draft.filter((id) => !saved.includes(id)).length;
  const removed = saved.filter((id) => !draft.includes(id)).length;
  return [added ? `${added} added` : '', removed ? `${removed} removed` : ''].filter(Boolean).join(', ');
}

/** The API's answer to a version that someone else's save made stale (`STUDENT.STALE`, `STAFF_GROUP.STALE`, …). */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code.endsWith('.STALE');
}
