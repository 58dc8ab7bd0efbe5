import { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/**
 * Runs `work` in a transaction holding the PostgreSQL advisory lock named
 * `key` (released when the transaction ends), so one replica of an app does
 * a pass while the others skip it: `undefined` when another holds the lock.
 */
export function underAdvisoryLock<T>(orm: MikroORM, key: string, work: (tx: EntityManager) => Promise<T>): Promise<T | undefined> {
  return orm.em.fork({ clear: true }).transactional(async (tx) => {
    const [{ locked }] = await tx.execute<{ locked: boolean }[]>(`select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as locked`, [key]);
    return locked ? work(tx) : undefined;
  });
}
