import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Conflict, NotFound } from '@sessionledger/common';

/** A row of this district (row-level security already hides others) or 404, never 403. */
export async function findOr404<T extends object>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  where: FilterQuery<T>,
  resource: string,
): Promise<T> {
  const found = await em.findOne(entity, where);
  if (!found) throw new NotFound(resource);
  return found;
}

/**
 * Optimistic concurrency: the client sends the version it edited; an older
 * one means someone saved in between. (The flush also checks, for writes that
 * race after this point.)
 */
export function assertVersion(record: { version: number }, expected: number, resource: string): void {
  if (record.version !== expected) {
    throw new Conflict(`${resource.toUpperCase()}.STALE`, `The ${resource} was changed by someone else (now version ${record.version}); reload it and try again`, {
      currentVersion: record.version,
    });
  }
}

/** Case-insensitive prefix match; `%` and `_` typed by a user are literal. */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
