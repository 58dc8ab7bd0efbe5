import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { BullMqServer, DEFAULT_WORKER_SETTINGS, EventEnvelope, WorkerSettings } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { currentTestRun, deleteRedisKeys, TEST_POSTGRES, TEST_REDIS } from '@sessionledger/testing';
import { BOOT_MS, FixtureMessage, FixtureProcess, FixtureProcesses } from './fixtures/fixture-process';
import {
  createProofSchema,
  effectSummary,
  newRelay,
  openProofOrm,
  produceSchoolChanges,
  proofQueue,
  proofSettings,
  quietNestLogs,
  relayAll,
  sleep,
  waitUntil,
} from './fixtures/messaging-proof';

const EVENTS = 300;
const KILLS = 5;
const CONCURRENCY = 16;
/** A job spends EFFECT_MS inside its effect's transaction, then AFTER_EFFECT_MS before it completes. */
const EFFECT_MS = 60;
const AFTER_EFFECT_MS = 60;
/** Short lock and stall check so a killed worker's jobs come back within a second or two. */
const FAST_STALL_DETECTION: Partial<WorkerSettings> = { concurrency: CONCURRENCY, lockDurationMs: 600, stalledIntervalMs: 300 };

interface KillRun {
  failedReasons: string[];
  /** The highest number of times one job had been found stalled when a worker started it. */
  maxStalledCounter: number;
  /** Deliveries of an event already applied, which the inbox turned away. */
  duplicates: number;
}

/**
 * Consumer replicas in child processes are SIGKILLed mid-job again and again
 * while a few hundred events are in flight. Each replica after the first is
 * killed as the jobs of the replica before it come back, so jobs stall two,
 * three, four times: what BullMQ's default `maxStalledCount` of 1 fails a job for.
 */
/** Each run kills replicas again and again and waits for their jobs to come back: about 40 s on a loaded machine. */
const KILL_TEST_MS = 180_000;

describe(`${BullMqServer.name} workers killed mid-job`, () => {
  const settings = proofSettings(currentTestRun(), TEST_POSTGRES, TEST_REDIS);
  const fixtures = new FixtureProcesses();
  let orm: MikroORM;
  let admin: Client;
  let queue: Queue;

  beforeAll(async () => {
    quietNestLogs();
    await createProofSchema(settings);
    orm = await openProofOrm(settings);
    admin = new Client({ connectionString: settings.adminUrl });
    await admin.connect();
    queue = proofQueue(settings);
  });

  afterAll(async () => {
    await fixtures.killAll();
    await queue?.close();
    await orm?.close(true);
    await admin?.end();
    await deleteRedisKeys(settings.redisPrefix);
  });

  const started = (message: FixtureMessage) => message.type === 'started';

  async function killRun(districtId: string, worker: Partial<WorkerSettings>): Promise<KillRun> {
    const versions = Array.from({ length: EVENTS }, (_, i) => i + 1);
    await produceSchoolChanges(new TenantTransactions(orm), settings.schema, districtId, versions);
    const relay = newRelay(orm, settings);
    expect(await relayAll(relay)).toBe(EVENTS);
    await relay.onApplicationShutdown();

    const replicas: FixtureProcess[] = [];
    const boot = () => {
      const config = { settings, worker, effectDelayMs: EFFECT_MS, afterEffectMs: AFTER_EFFECT_MS, standby: true };
      const replica = fixtures.start('ledger-consumer.fixture.ts', config, 40_000);
      replicas.push(replica);
      return replica;
    };
    const takeOver = async (replica: FixtureProcess) => {
      await replica.waitFor('the replica to boot', (message) => message.type === 'standing-by', BOOT_MS);
      replica.send({ type: 'go' });
      await replica.waitFor('the replica to take jobs', (message) => message.type === 'ready', 5_000);
    };

    // Two replacements stand by at any time: a kill is followed at once by a takeover, not by Node booting.
    const standby = [boot(), boot()];
    for (let kill = 1; kill <= KILLS; kill++) {
      const replica = standby.shift()!;
      await takeOver(replica);
      if (replicas.length < KILLS + 1) standby.push(boot());
      const trigger = await killMoment(replica, kill);
      if (kill % 2 === 1) {
        // Mid-effect: the inbox claim is made, nothing is committed.
        await sleep(EFFECT_MS / 2);
      } else {
        // After the effect committed and before BullMQ completed the job: it runs again and meets the inbox.
        await replica.waitFor('the effect to commit', (m) => m.type === 'delivered' && m.jobId === trigger.jobId, 5_000);
      }
      await replica.kill();
    }

    const survivor = standby.shift()!;
    await takeOver(survivor);
    const settled = async () => {
      const [applied, failed, counts] = await Promise.all([
        admin.query<{ event_id: string }>(`select distinct event_id from ${settings.schema}.ledger where district_id = $1`, [districtId]),
        failedJobsOf(districtId),
        queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      ]);
      const accountedFor = new Set([...applied.rows.map((row) => row.event_id), ...failed.map((job) => job.eventId)]);
      return { accountedFor: accountedFor.size, queued: Object.values(counts).reduce((a, b) => a + b, 0) };
    };
    const done = (s: { accountedFor: number; queued: number }) => s.accountedFor === EVENTS && s.queued === 0;
    await waitUntil('every event to be applied or failed, and the queue to drain', settled, done, 20_000, 100);
    await survivor.kill();

    const starts = replicas.flatMap((replica) => replica.messages.filter(started));
    return {
      failedReasons: (await failedJobsOf(districtId)).map((job) => job.reason),
      maxStalledCounter: Math.max(...starts.map((start) => Number(start.stalledCounter))),
      duplicates: replicas.flatMap((replica) => replica.messages).filter((m) => m.type === 'delivered' && m.outcome === 'duplicate').length,
    };
  }

  /**
   * The first replica is killed with a full set of jobs in flight; each later one once the jobs
   * of the replica before it come back: a job that stalled before runs again or, under
   * maxStalledCount 1, fails for stalling, and a job started after that is in flight.
   */
  function killMoment(replica: FixtureProcess, kill: number): Promise<FixtureMessage> {
    if (kill === 1) {
      const fullSet = (m: FixtureMessage) => started(m) && replica.messages.filter(started).length >= CONCURRENCY;
      return replica.waitFor('a full set of jobs in flight', fullSet, 10_000);
    }
    const afterAFailure = (m: FixtureMessage) => {
      const firstFailure = replica.messages.findIndex((message) => message.type === 'failed');
      return firstFailure >= 0 && replica.messages.indexOf(m) > firstFailure;
    };
    const cameBack = (m: FixtureMessage) => started(m) && (Number(m.stalledCounter) >= 1 || afterAFailure(m));
    return replica.waitFor('the jobs of the killed replica to come back', cameBack, 10_000);
  }

  async function failedJobsOf(districtId: string): Promise<{ eventId: string; reason: string }[]> {
    const failed = await queue.getFailed(0, -1);
    return failed
      .filter((job) => (job.data as EventEnvelope).districtId === districtId)
      .map((job) => ({ eventId: (job.data as EventEnvelope).id, reason: job.failedReason }));
  }

  it('fails no job for stalling and applies every event exactly once when workers are SIGKILLed mid-job again and again', async () => {
    const districtId = newId();
    // The library's own maxStalledCount: FAST_STALL_DETECTION leaves it alone.
    expect(DEFAULT_WORKER_SETTINGS.maxStalledCount).toBeGreaterThan(KILLS);

    const run = await killRun(districtId, FAST_STALL_DETECTION);

    expect(run.failedReasons).toEqual([]);
    const summary = await effectSummary(admin, settings.schema, districtId);
    expect(summary).toMatchObject({ produced: EVENTS, effects: EVENTS, notExactlyOnce: [], strayEffects: 0 });
    expect(summary.effectSum).toBe(summary.producedSum);
    // The kills did what they were meant to. Some job was found stalled twice or more, which
    // fails it under maxStalledCount 1; some applied events ran again and met the inbox.
    expect(run.maxStalledCounter).toBeGreaterThanOrEqual(2);
    expect(run.duplicates).toBeGreaterThan(0);
  }, KILL_TEST_MS);

  /**
   * Reliable by construction: the second replica is killed while a job that stalled once runs
   * again, so that job stalls a second time and fails when next fetched. Measured here, 300
   * events and 5 kills: 27-40 jobs failed per run (9-13 %), 13-30 events never applied. The
   * 0.3-1.2 % of DESIGN.md comes from kills at random moments; these land when returning jobs run.
   */
  it('control: the same kills with maxStalledCount 1 (the BullMQ default) fail jobs for stalling, and their events never take effect', async () => {
    const districtId = newId();

    const run = await killRun(districtId, { ...FAST_STALL_DETECTION, maxStalledCount: 1 });

    expect(run.failedReasons.length).toBeGreaterThan(0);
    expect(new Set(run.failedReasons)).toEqual(new Set(['job stalled more than allowable limit']));
    // A failed event is not retried and no relay republishes it (its row is marked published): its effect is lost.
    const summary = await effectSummary(admin, settings.schema, districtId);
    expect(summary.notExactlyOnce.length).toBeGreaterThan(0);
    expect(summary.notExactlyOnce.every((event) => event.effects === 0)).toBe(true);
  }, KILL_TEST_MS);
});
