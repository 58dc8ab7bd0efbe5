import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Environment, loadEnvironment } from '@sessionledger/config';
import { ServiceName } from '@sessionledger/contracts';
import { createApp, ServiceBootstrap } from '@sessionledger/platform';
import { TestRun, testEnvironmentFor } from './test-infrastructure';

/**
 * Jest evaluates this module once per test file, so each file gets its own
 * Redis key prefix inside the run's: one file's services never take another
 * file's messages. The run's teardown deletes every key under the run prefix.
 */
const FILE_SUFFIX = randomBytes(3).toString('hex');

export function currentTestRun(): TestRun {
  const database = process.env.SL_TEST_DATABASE;
  const redisPrefix = process.env.SL_TEST_REDIS_PREFIX;
  if (!database || !redisPrefix) throw new Error('No test run: start tests through jest (test/global-setup.ts)');
  return { database, redisPrefix: `${redisPrefix}-${FILE_SUFFIX}` };
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
