import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { OutboxRelay } from '@sessionledger/messaging';
import { currentTestRun, deleteRedisKeys, TEST_POSTGRES, TEST_REDIS } from '@sessionledger/testing';
import { BOOT_MS, FixtureProcesses } from './fixtures/fixture-process';
import {
  createProofSchema,
  DeliveryRecord,
  effectSummary,
  LedgerConsumer,
  ledgerCount,
  newRelay,
  openProofOrm,
  proofQueue,
  proofSettings,
  quietNestLogs,
  startLedgerConsumer,
  waitUntil,
} from './fixtures/messaging-proof';

/** A bound, not an expectation: work that takes a second alone has taken ten while the rest of the suite ran on two cores. */
const SETTLE_MS = 45_000;

/**
 * A producer is a separate process killed with SIGKILL at the worst moments;
 * what it committed must still reach the consumer, once in effect, after a
 * relay starts again with nothing but PostgreSQL and Redis to go on.
 */
describe(`${OutboxRelay.name} across crashes`, () => {
  const settings = proofSettings(currentTestRun(), TEST_POSTGRES, TEST_REDIS);
  const fixtures = new FixtureProcesses();
  let orm: MikroORM;
  let admin: Client;
  let consumer: LedgerConsumer;
  let queue: Queue;
  const restartedRelays: OutboxRelay[] = [];

  const deliveriesOf = (eventId: string): DeliveryRecord[] => consumer.deliveries.filter((record) => record.eventId === eventId);
  const deliveredTimes = (ids: string[], times: number) => ids.filter((id) => deliveriesOf(id).length === times).length;
  const jobsGone = async (ids: string[]) => (await Promise.all(ids.map((id) => queue.getJob(id)))).every((job) => !job);

  /** A relay as a restarted process has one: a new instance that knows only what PostgreSQL and Redis hold. */
  const restartRelay = (): OutboxRelay => {
    const relay = newRelay(orm, settings);
    restartedRelays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    quietNestLogs();
    await createProofSchema(settings);
    orm = await openProofOrm(settings);
    admin = new Client({ connectionString: settings.adminUrl });
    await admin.connect();
    queue = proofQueue(settings);
    consumer = await startLedgerConsumer(orm, settings);
  });

  afterAll(async () => {
    await fixtures.killAll();
    for (const relay of restartedRelays) await relay.onApplicationShutdown();
    await consumer?.close();
    await queue?.close();
    await orm?.close(true);
    await admin?.end();
    await deleteRedisKeys(settings.redisPrefix);
  });

  async function outboxRows(districtId: string): Promise<{ total: number; unpublished: number }> {
    const { rows } = await admin.query<{ total: number; unpublished: number }>(
      `select count(*)::int as total, (count(*) filter (where published_at is null))::int as unpublished
         from ${settings.schema}.outbox_event where district_id = $1`,
      [districtId],
    );
    return rows[0];
  }

  it('loses no event when the producing process is killed between committing changes and relaying their events', async () => {
    const districtId = newId();
    // Ten events per transaction against a relay taking ten per pass: the relay trails the producer.
    const producer = fixtures.start(
      'producer.fixture.ts',
      { settings, districtId, mode: 'stream', events: 5_000, perTransaction: 10, relayBatchSize: 10 },
      30_000,
    );
    await producer.waitFor('its relay to start', (message) => message.type === 'ready', BOOT_MS);
    await producer.waitFor('200 committed events', (m) => m.type === 'committed' && Number(m.total) >= 200, BOOT_MS);
    await producer.kill();

    const atKill = await outboxRows(districtId);
    const before = await effectSummary(admin, settings.schema, districtId);
    // Change and event commit together, so the kill split no pair...
    expect(atKill.total).toBe(before.produced);
    // ...and it did leave committed events that no relay had published yet.
    expect(atKill.unpublished).toBeGreaterThan(0);

    // A pass the dead relay had open keeps its rows claimed until PostgreSQL sees the
    // connection close, so the restarted relay passes until none is left unpublished.
    const restarted = restartRelay();
    const relayAgain = async () => {
      await restarted.relayOnce();
      return (await outboxRows(districtId)).unpublished;
    };
    await waitUntil('the restarted relay to publish every row', relayAgain, (n) => n === 0, SETTLE_MS);
    const effects = () => ledgerCount(admin, settings.schema, districtId);
    await waitUntil('an effect for every committed change', effects, (n) => n >= before.produced, SETTLE_MS);
    const after = await effectSummary(admin, settings.schema, districtId);
    expect(after).toMatchObject({ produced: before.produced, effects: before.produced, notExactlyOnce: [], strayEffects: 0 });
    expect(after.effectSum).toBe(after.producedSum);
    expect(await outboxRows(districtId)).toEqual({ total: before.produced, unpublished: 0 });
  }, 3 * BOOT_MS);

  it('gives each event one effect when the relay is killed after adding its jobs to Redis and before marking the rows published', async () => {
    const districtId = newId();
    const producer = fixtures.start(
      'producer.fixture.ts',
      { settings, districtId, mode: 'stop-after-publish', events: 50, perTransaction: 25, relayBatchSize: 50 },
      30_000,
    );
    const published = await producer.waitFor('its relay to add the jobs', (message) => message.type === 'published', BOOT_MS);
    const ids = published.ids as string[];
    expect(ids).toHaveLength(50);

    // The consumer applies every event and BullMQ removes the completed jobs...
    await waitUntil('every first delivery', () => deliveredTimes(ids, 1), (n) => n === 50, SETTLE_MS);
    await waitUntil('the completed jobs to be removed', () => jobsGone(ids), Boolean, SETTLE_MS);
    // ...while the relay's transaction is still open: the rows are unpublished, and claimed,
    // so a second relay replica skips them rather than publishing them at the same time.
    expect(await outboxRows(districtId)).toEqual({ total: 50, unpublished: 50 });
    expect(await restartRelay().relayOnce()).toBe(0);

    await producer.kill();
    // PostgreSQL ends the dead relay's transaction once it sees the connection
    // close; until then the claim stands and a pass publishes nothing.
    const restarted = restartRelay();
    let republished = 0;
    const relayAgain = async () => (republished += await restarted.relayOnce());
    await waitUntil('the restarted relay to republish the rows', relayAgain, (n) => n >= 50, SETTLE_MS);
    expect(republished).toBe(50);
    await waitUntil('every repeated delivery', () => deliveredTimes(ids, 2), (n) => n === 50, SETTLE_MS);

    for (const id of ids) expect(deliveriesOf(id).map((record) => record.outcome)).toEqual(['applied', 'duplicate']);
    const summary = await effectSummary(admin, settings.schema, districtId);
    expect(summary).toMatchObject({ produced: 50, effects: 50, effectSum: (50 * 51) / 2, notExactlyOnce: [], strayEffects: 0 });
    expect(await outboxRows(districtId)).toEqual({ total: 50, unpublished: 0 });
  }, 3 * BOOT_MS);
});
