import { MikroORM } from '@mikro-orm/postgresql';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { newId } from '@sessionledger/common';
import { messagingTransport, QUEUE_FIGURES_TIMEOUT_MS } from '@sessionledger/messaging';
import { MetricsServer, redisOptionsFrom } from '@sessionledger/platform';
import { currentTestRun, startApp, startPrivateRedis, stopApps, TEST_REDIS, waitFor } from '@sessionledger/testing';
import { PayrollModule } from '../src/payroll.module';

const startPayroll = (overrides: Record<string, string> = {}) =>
  startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') }, overrides);

async function scrape(app: NestFastifyApplication): Promise<string> {
  const response = await fetch(`${app.get(MetricsServer).url}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** The value of one series, or undefined when the scrape does not have it. */
function figure(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries({ ...labels, service: 'payroll' });
  for (const line of text.split('\n')) {
    const match = line.match(/^([a-z_]+)(?:\{(.*)\})? (\S+)$/);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    if (wanted.every(([key, value]) => got[key] === value) && Object.keys(got).length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

const eventsQueue = (labels: Record<string, string> = {}) => ({ queue: 'payroll.events', ...labels });

describe('Operator metrics: queue depth and the database pool on /metrics', () => {
  it('reports a queue filling up while paused, its oldest job\'s age, and the jobs that failed once it drains', async () => {
    const app = await startPayroll({ DATABASE_POOL_MAX: '7' });
    const producer = new Queue('payroll.events', { connection: redisOptionsFrom(TEST_REDIS, 'commands'), prefix: currentTestRun().redisPrefix });
    try {
      const idle = await scrape(app);
      expect(figure(idle, 'queue_figures_read')).toBe(1);
      for (const queue of ['payroll.commands', 'payroll.events']) {
        for (const state of ['waiting', 'active', 'delayed', 'failed']) expect({ queue, state, jobs: figure(idle, 'queue_jobs', { queue, state }) }).toEqual({ queue, state, jobs: 0 });
        expect(figure(idle, 'queue_oldest_waiting_job_age_seconds', { queue })).toBe(0);
      }

      // Paused, the worker takes nothing: the three jobs stay waiting. Events no payroll handler knows fail once, for good.
      await producer.pause();
      const twoMinutesAgo = Date.now() - 120_000;
      for (const [index, timestamp] of [twoMinutesAgo, Date.now(), Date.now()].entries()) {
        const id = newId();
        await producer.add(
          'nobody.listens',
          { id, name: 'nobody.listens', districtId: newId(), occurredAt: new Date().toISOString(), payload: { index } },
          { jobId: id, timestamp, attempts: 5 },
        );
      }
      await producer.add('later', { id: newId() }, { delay: 3_600_000 });

      const backedUp = await scrape(app);
      expect(figure(backedUp, 'queue_jobs', eventsQueue({ state: 'waiting' }))).toBe(3);
      expect(figure(backedUp, 'queue_jobs', eventsQueue({ state: 'delayed' }))).toBe(1);
      const age = figure(backedUp, 'queue_oldest_waiting_job_age_seconds', eventsQueue())!;
      expect(age).toBeGreaterThanOrEqual(119);
      expect(age).toBeLessThan(180);
      expect(figure(backedUp, 'queue_jobs', { queue: 'payroll.commands', state: 'waiting' })).toBe(0);

      await producer.resume();
      await waitFor(async () => figure(await scrape(app), 'queue_jobs', eventsQueue({ state: 'failed' })) === 3, 15_000);
      const drained = await scrape(app);
      expect(figure(drained, 'queue_jobs', eventsQueue({ state: 'waiting' }))).toBe(0);
      expect(figure(drained, 'queue_oldest_waiting_job_age_seconds', eventsQueue())).toBe(0);
      expect(figure(drained, 'queue_jobs', eventsQueue({ state: 'delayed' }))).toBe(1);
    } finally {
      await producer.close();
      await stopApps(app);
    }
  });

  it('reports the pool\'s size from DATABASE_POOL_MAX and a connection held open as used', async () => {
    const app = await startPayroll({ DATABASE_POOL_MAX: '7' });
    try {
      const knex = app.get<MikroORM>(MikroORM).em.getConnection().getKnex();
      await knex.raw('select 1');
      const before = await scrape(app);
      expect(figure(before, 'db_pool_max_connections')).toBe(7);
      expect(figure(before, 'db_pool_connections', { state: 'used' })).toBe(0);
      expect(figure(before, 'db_pool_connections', { state: 'free' })).toBeGreaterThanOrEqual(1);

      const held = await Promise.all([knex.client.acquireConnection(), knex.client.acquireConnection()]);
      try {
        const during = await scrape(app);
        expect(figure(during, 'db_pool_connections', { state: 'used' })).toBe(2);
        expect(figure(during, 'db_pool_connections', { state: 'pending' })).toBe(0);
      } finally {
        for (const connection of held) await knex.client.releaseConnection(connection);
      }
      expect(figure(await scrape(app), 'db_pool_connections', { state: 'used' })).toBe(0);
    } finally {
      await stopApps(app);
    }
  });

  it('answers within a second and a half while Redis hangs, saying the queue figures are missing, and recovers', async () => {
    const redis = await startPrivateRedis();
    const app = await startPayroll({ REDIS_URL: redis.url });
    const admin = new Redis(redis.url);
    try {
      expect(figure(await scrape(app), 'queue_figures_read')).toBe(1);
      // A Redis that accepts connections and answers nothing: the case a timeout exists for.
      await admin.client('PAUSE', 4000, 'ALL');
      const started = Date.now();
      const hung = await scrape(app);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(QUEUE_FIGURES_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(QUEUE_FIGURES_TIMEOUT_MS + 500);
      expect(figure(hung, 'queue_figures_read')).toBe(0);
      expect(figure(hung, 'queue_jobs', eventsQueue({ state: 'waiting' }))).toBeUndefined();
      expect(figure(hung, 'db_pool_max_connections')).toBe(10);
      await waitFor(async () => figure(await scrape(app), 'queue_figures_read') === 1, 10_000);
      expect(figure(await scrape(app), 'queue_jobs', eventsQueue({ state: 'waiting' }))).toBe(0);
    } finally {
      admin.disconnect();
      await stopApps(app);
      await redis.stop();
    }
  });
});
