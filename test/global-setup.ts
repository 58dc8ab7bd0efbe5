import 'tsconfig-paths/register';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assertInfrastructureReachable, createDatabase, newTestRun } from '@sessionledger/testing';

/**
 * One database and one Redis key prefix per test run, migrated exactly as
 * production is (the same `migrate` code, the same roles); test files share
 * them and stay apart by creating their own districts.
 */
export default async function globalSetup(): Promise<void> {
  await assertInfrastructureReachable();
  const run = newTestRun();
  await createDatabase(run.database);
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'migrate-test-database.ts'), run.database], {
    stdio: 'inherit',
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') },
  });
  process.env.SL_TEST_DATABASE = run.database;
  process.env.SL_TEST_REDIS_PREFIX = run.redisPrefix;
}
