import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assertInfrastructureReachable, createDatabase, TestRun } from '@sessionledger/testing';

const ROOT = join(__dirname, '..');

/**
 * A fresh database for a test run or a benchmark, migrated by the production
 * migration code in its own process (MikroORM keeps global metadata, and an
 * ORM started here would break the ORMs started later in this process), and
 * the run made current for `startApp` / `currentTestRun`.
 */
export async function createMigratedDatabase(run: TestRun): Promise<void> {
  await assertInfrastructureReachable();
  await createDatabase(run.database);
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'test', 'migrate-test-database.ts'), run.database], {
    stdio: 'inherit',
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
  });
  process.env.SL_TEST_DATABASE = run.database;
  process.env.SL_TEST_REDIS_PREFIX = run.redisPrefix;
}
