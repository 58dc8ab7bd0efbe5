import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { SERVICES, ServiceName, schemaOf } from '@sessionledger/contracts';

/**
 * Where the shared PostgreSQL and Redis of this machine are. A test run makes
 * its own database and Redis key prefix on them and drops both at the end.
 */
export const TEST_POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRun {
  database: string;
  redisPrefix: string;
}

export function newTestRun(): TestRun {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { database: `sl_test_${suffix}`, redisPrefix: `sl-test-${suffix.replace('_', '-')}` };
}

export function databaseUrl(database: string, user = 'postgres'): string {
  const url = new URL(TEST_POSTGRES);
  url.username = user;
  url.pathname = `/${database}`;
  return url.toString();
}

/** The app role a service connects as (never the owner, never a superuser). */
export function appRoleOf(service: ServiceName): string {
  return `sl_${schemaOf(service)}`;
}

/** Environment a service sees in this run. */
export function testEnvironmentFor(service: ServiceName, run: TestRun, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl(run.database, appRoleOf(service)),
    MIGRATION_DATABASE_URL: databaseUrl(run.database),
    REDIS_URL: TEST_REDIS,
    REDIS_PREFIX: run.redisPrefix,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    // Files run side by side: each app's metrics port is one the OS picks.
    METRICS_PORT: '0',
    // Off unless a test is about event flow: most tests check one service's own effects, and a
    // relay (or session-log's reconciler) would deliver events no service of the test consumes.
    OUTBOX_RELAY_ENABLED: 'false',
    RECONCILE_INTERVAL_MS: '0',
    RETENTION_SWEEP_INTERVAL_MS: '0',
    // Tests and benches send far more than a person would from one address; a rate-limit test sets its own.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_CLIENT_PER_MINUTE: '1000000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    ...overrides,
  };
}

export async function assertInfrastructureReachable(): Promise<void> {
  const problems: string[] = [];
  const pg = new Client({ connectionString: TEST_POSTGRES, connectionTimeoutMillis: 3000 });
  try {
    await pg.connect();
    await pg.query('select 1');
  } catch (error) {
    problems.push(
      `PostgreSQL at ${TEST_POSTGRES} is unreachable (${(error as Error).message}). Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(TEST_REDIS, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(
      `Redis at ${TEST_REDIS} is unreachable (${(error as Error).message}). Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
    );
  } finally {
    redis.disconnect();
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

export async function createDatabase(database: string): Promise<void> {
  const pg = new Client({ connectionString: TEST_POSTGRES });
  await pg.connect();
  try {
    await pg.query(`CREATE DATABASE ${database}`);
  } finally {
    await pg.end();
  }
}

/** The database of one test file: a copy of the run's. */
export function fileDatabaseOf(runDatabase: string, fileSuffix: string): string {
  return `${runDatabase}_f${fileSuffix}`;
}

/**
 * A copy of a migrated database (about 50 ms). PostgreSQL refuses to copy a
 * template another session is copying or using at that moment, so a refusal
 * of that kind is retried.
 */
export async function cloneDatabase(template: string, database: string): Promise<void> {
  const pg = new Client({ connectionString: TEST_POSTGRES });
  await pg.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await pg.query(`CREATE DATABASE ${database} TEMPLATE ${template}`);
        return;
      } catch (error) {
        const inUse = (error as { code?: string }).code === '55006';
        if (!inUse || attempt >= 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  } finally {
    await pg.end();
  }
}

/** Drops the run's database, every test file's copy of it, and the run's Redis keys. */
export async function dropTestRun(run: TestRun): Promise<void> {
  const pg = new Client({ connectionString: TEST_POSTGRES });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>(`select datname from pg_database where datname = $1 or datname like $2`, [
      run.database,
      `${run.database}\\_f%`,
    ]);
    for (const { datname } of rows) await pg.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await pg.end();
  }
  await deleteRedisKeys(run.redisPrefix);
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const ALL_SERVICES = SERVICES;
