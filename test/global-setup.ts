import 'tsconfig-paths/register';
import 'reflect-metadata';
import { newTestRun } from '@sessionledger/testing';
import { freshCompiledRosterChild } from './compiled-roster-child';
import { createMigratedDatabase } from './test-database';

/**
 * One database and one Redis key prefix per test run, migrated exactly as
 * production is (the same `migrate` code, the same roles); each test file
 * then works in its own copy of the database and under its own key prefix.
 */
export default async function globalSetup(): Promise<void> {
  await createMigratedDatabase(newTestRun());
  const compiledRosterChild = freshCompiledRosterChild();
  if (compiledRosterChild) process.env.SL_TEST_COMPILED_ROSTER_CHILD = compiledRosterChild;
}
