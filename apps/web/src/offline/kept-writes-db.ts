/*
 * The kept writes live in IndexedDB: they outlive a reload, a closed tab and
 * a restarted tablet, and they are sent by the next sign-in of the same
 * user. Nothing else of the API's data is stored there (see offline-copies).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { KeptWrite } from './outbox';

interface OfflineDb extends DBSchema {
  writes: { key: number; value: KeptWrite; indexes: { byUser: string } };
}

const DB_NAME = 'sessionledger-offline';

let opened: Promise<IDBPDatabase<OfflineDb>> | undefined;

function db(): Promise<IDBPDatabase<OfflineDb>> {
  opened ??= openDB<OfflineDb>(DB_NAME, 1, {
    upgrade(database) {
      const writes = database.createObjectStore('writes', { keyPath: 'seq', autoIncrement: true });
      writes.createIndex('byUser', 'userId');
    },
  });
  return opened;
}

/** Keeps a write and answers it with its place in the queue. */
export async function keepWrite(write: KeptWrite): Promise<KeptWrite> {
  const { seq: _unused, ...fresh } = write;
  const seq = await (await db()).add('writes', fresh as KeptWrite);
  return { ...fresh, seq } as KeptWrite;
}

/** The user's kept writes, oldest first. */
export async function keptWrites(userId: string): Promise<KeptWrite[]> {
  const writes = await (await db()).getAllFromIndex('writes', 'byUser', userId);
  return writes.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

export async function replaceWrite(write: KeptWrite): Promise<void> {
  await (await db()).put('writes', write);
}

export async function forgetWrite(seq: number): Promise<void> {
  await (await db()).delete('writes', seq);
}

/** Browsers without IndexedDB (some private modes): writes are then sent only while online. */
export function indexedDbAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}
