import { EntityManager } from '@mikro-orm/postgresql';
import { TenantTransactions } from './tenant-transactions';

/**
 * A PostgreSQL array literal (`{a,b}`) for values that never need quoting:
 * ids already checked as uuids, numbers. Any other text goes as a parameter
 * of its own, never through here.
 */
export function pgArray(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

/**
 * Runs `batch` (which deletes at most `batchSize` rows and says how many it
 * did) in a transaction of its own, again and again until one comes back
 * short. A district's years of records then go in many short transactions:
 * locks are held briefly, and a failure keeps what was already disposed of.
 */
export async function disposeInBatches(
  transactions: TenantTransactions,
  districtId: string,
  batchSize: number,
  batch: (em: EntityManager) => Promise<number>,
): Promise<number> {
  let disposed = 0;
  for (;;) {
    const deleted = await transactions.run(districtId, batch);
    disposed += deleted;
    if (deleted < batchSize) return disposed;
  }
}
