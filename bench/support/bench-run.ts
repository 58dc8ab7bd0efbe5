import { dropTestRun, newTestRun, TestRun } from '@sessionledger/testing';
import { createMigratedDatabase } from '../../test/test-database';

export interface BenchRun {
  run: TestRun;
  /** Closed in reverse order by `close()`, each bounded in time. */
  onClose(close: () => Promise<unknown>): void;
  /** Closes everything registered and drops the run's database and Redis keys; safe to call twice. */
  close(): Promise<void>;
}

/**
 * A benchmark's own migrated database and Redis prefix (as a test run has),
 * dropped at the end even on Ctrl-C.
 */
export async function openBenchRun(): Promise<BenchRun> {
  const run = newTestRun();
  const closers: (() => Promise<unknown>)[] = [];
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      for (const closer of closers.reverse()) await withTimeout(closer(), 15_000).catch(() => undefined);
      await dropTestRun(run).catch((error: unknown) => console.error(`could not drop ${run.database}: ${(error as Error).message}`));
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: dropping ${run.database} and the ${run.redisPrefix}* keys`);
      void close().finally(() => process.exit(130));
    });
  }
  await createMigratedDatabase(run);
  return { run, onClose: (closer) => closers.push(closer), close };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
