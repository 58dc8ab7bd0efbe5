/*
 * Forms over a record: the draft is what was typed; a save sends only what
 * differs from the record as read, with the version read, so a field someone
 * else changed meanwhile is overwritten only when it was typed here too.
 */

/** The fields whose typed value differs from the saved one (blank text compared trimmed). */
export function changedFields<T extends object>(saved: T, draft: T): Partial<T> {
  const changes: Partial<T> = {};
  for (const key of Object.keys(draft) as (keyof T)[]) {
    const before = saved[key];
    const after = draft[key];
    const same = typeof after === 'string' ? after.trim() === String(before ?? '').trim() : after === before;
    if (!same) changes[key] = typeof after === 'string' ? (after.trim() as T[keyof T]) : after;
  }
  return changes;
}

/** Optional text the API clears with null: a blank field means "none". */
export function blankAsNull(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value.trim() === '' ? null : value.trim();
}
