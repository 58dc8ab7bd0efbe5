import 'tsconfig-paths/register';
import 'reflect-metadata';
import { newTestRun } from '@sessionledger/testing';
import { createMigratedDatabase } from './test-database';

/**
 * One database and one Redis key prefix per test run, migrated exactly as
 * production is (the same `migrate` code, the same roles); test files share
 * them and stay apart by creating their own districts and key prefixes.
 */
export default async function globalSetup(): Promise<void> {
  await createMigratedDatabase(newTestRun());
}
