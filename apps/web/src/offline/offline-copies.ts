/*
 * The last answer of the few reads a running session needs (who is signed
 * in, the district, the session, the catalog), kept so a reload without a
 * network still shows the session. They go to sessionStorage, not
 * IndexedDB: per tab, gone when the tab closes and cleared at sign-out, so a
 * shared tablet does not keep students' records after the provider leaves.
 */
import { isNetworkFailure } from './outbox';

const PREFIX = 'sessionledger.copy.';

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function readCopy<T>(name: string): T | undefined {
  const raw = storage()?.getItem(PREFIX + name);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

export function writeCopy(name: string, value: unknown): void {
  try {
    storage()?.setItem(PREFIX + name, JSON.stringify(value));
  } catch {
    // Full or switched off: the copy is a convenience, the API stays the record.
  }
}

export function removeCopy(name: string): void {
  storage()?.removeItem(PREFIX + name);
}

/** At sign-out: nothing of this user's reads stays in the tab. */
export function clearCopies(): void {
  const store = storage();
  if (!store) return;
  for (const key of Object.keys(store)) if (key.startsWith(PREFIX)) store.removeItem(key);
}

/**
 * Reads from the API and keeps the answer; without a network, answers the
 * kept copy (and rethrows when there is none). An answer of the API (403,
 * 404) is never replaced by a copy.
 */
export async function withOfflineCopy<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    const value = await read();
    writeCopy(name, value);
    return value;
  } catch (error) {
    const copy = isNetworkFailure(error) ? readCopy<T>(name) : undefined;
    if (copy === undefined) throw error;
    return copy;
  }
}
