import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Environment, loadEnvironment } from '@sessionledger/config';
import { ServiceName } from '@sessionledger/contracts';
import { createApp, ServiceBootstrap } from '@sessionledger/platform';
import { cloneDatabase, fileDatabaseOf, TestRun, testEnvironmentFor } from './test-infrastructure';

/**
 * Jest evaluates this module once per test file, so each file gets its own
 * database (a copy of the run's migrated one, made before its first test by
 * test/per-file-database.ts) and its own Redis key prefix inside the run's:
 * one file's relays, reconcilers and services never see another file's rows
 * or messages. The run's teardown drops the copies and deletes every key
 * under the run prefix. Outside jest (benchmarks) the run's database is used.
 */
const FILE_SUFFIX = randomBytes(3).toString('hex');

export function currentTestRun(): TestRun {
  const database = process.env.SL_TEST_DATABASE;
  const redisPrefix = process.env.SL_TEST_REDIS_PREFIX;
  if (!database || !redisPrefix) throw new Error('No test run: start tests through jest (test/global-setup.ts)');
  const underJest = process.env.JEST_WORKER_ID !== undefined;
  return { database: underJest ? fileDatabaseOf(database, FILE_SUFFIX) : database, redisPrefix: `${redisPrefix}-${FILE_SUFFIX}` };
}

let fileDatabase: Promise<void> | undefined;

/** Copies the run's migrated database for this test file, once. */
export function prepareFileDatabase(): Promise<void> {
  const template = process.env.SL_TEST_DATABASE;
  if (!template) return Promise.reject(new Error('No test run: start tests through jest (test/global-setup.ts)'));
  return (fileDatabase ??= cloneDatabase(template, currentTestRun().database));
}

export function testEnvironment(service: ServiceName, overrides: Record<string, string> = {}): Environment {
  return loadEnvironment(testEnvironmentFor(service, currentTestRun(), overrides));
}

/**
 * Boots an app in this process exactly as `main.js serve` does (same module,
 * same HTTP setup, same BullMQ transport) against the run's database and Redis prefix.
 */
export async function startApp(
  bootstrap: ServiceBootstrap & { service: ServiceName },
  overrides: Record<string, string> = {},
): Promise<NestFastifyApplication> {
  const env = testEnvironment(bootstrap.service, overrides);
  const moduleRef = await Test.createTestingModule({ imports: [bootstrap.module as never] })
    .overrideProvider(Environment)
    .useValue(env)
    .compile();
  const app = await createApp(bootstrap, env, (adapter, options) => moduleRef.createNestApplication<NestFastifyApplication>(adapter, options));
  await app.init();
  if (bootstrap.transport) await app.startAllMicroservices();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export async function stopApps(...apps: (INestApplication | undefined)[]): Promise<void> {
  for (const app of apps) await app?.close();
}
