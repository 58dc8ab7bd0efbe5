import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { EVENT_JOB_OPTIONS, EventEnvelope, EventInbox, OutboxRelay } from '@sessionledger/messaging';
import { OWNER_ROLE, TenantTransactions } from '@sessionledger/persistence';
import { currentTestRun, deleteRedisKeys, TEST_POSTGRES, TEST_REDIS } from '@sessionledger/testing';
import {
  createProofSchema,
  DeliveryRecord,
  effectSummary,
  LedgerConsumer,
  newRelay,
  openProofOrm,
  produceSchoolChanges,
  PROOF_EVENT,
  ProducedEvent,
  proofQueue,
  proofSettings,
  quietNestLogs,
  relayAll,
  sleep,
  startLedgerConsumer,
  waitUntil,
} from './fixtures/messaging-proof';

/**
 * The outbox and the inbox against the real PostgreSQL and Redis: events
 * written with their change, relayed by OutboxRelay, consumed through the
 * BullMQ transport into EventInbox.once, counted in a ledger that has no
 * unique key of its own.
 */
describe('outbox relay and event inbox', () => {
  const settings = proofSettings(currentTestRun(), TEST_POSTGRES, TEST_REDIS);
  let orm: MikroORM;
  let admin: Client;
  let transactions: TenantTransactions;
  let relay: OutboxRelay;
  let consumer: LedgerConsumer;
  let queue: Queue;
  const slowEffects = new Map<string, number>();

  const deliveriesOf = (eventId: string): DeliveryRecord[] => consumer.deliveries.filter((record) => record.eventId === eventId);

  beforeAll(async () => {
    quietNestLogs();
    await createProofSchema(settings);
    orm = await openProofOrm(settings);
    admin = new Client({ connectionString: settings.adminUrl });
    await admin.connect();
    transactions = new TenantTransactions(orm);
    relay = newRelay(orm, settings);
    queue = proofQueue(settings);
    consumer = await startLedgerConsumer(orm, settings, { effectDelayMs: (eventId) => slowEffects.get(eventId) ?? 0 });
  });

  afterAll(async () => {
    await consumer?.close();
    await relay?.onApplicationShutdown();
    await queue?.close();
    await orm?.close(true);
    await admin?.end();
    await deleteRedisKeys(settings.redisPrefix);
  });

  /** The envelope the relay builds for an outbox row, rebuilt from the row itself. */
  async function envelopeOf(eventId: string): Promise<EventEnvelope> {
    const { rows } = await admin.query(`select * from ${settings.schema}.outbox_event where id = $1`, [eventId]);
    const row = rows[0];
    return {
      id: row.id,
      name: row.name,
      districtId: row.district_id,
      occurredAt: new Date(row.occurred_at).toISOString(),
      correlationId: row.correlation_id ?? undefined,
      payload: row.payload,
    };
  }

  async function jobsGone(events: ProducedEvent[]): Promise<boolean> {
    const jobs = await Promise.all(events.map((event) => queue.getJob(event.id)));
    return jobs.every((job) => !job);
  }

  describe(EventInbox.name, () => {
    it('gives an event delivered twice one effect, even once its completed job was removed from Redis', async () => {
      const districtId = newId();
      const [event] = await produceSchoolChanges(transactions, settings.schema, districtId, [7]);

      expect(await relay.relayOnce()).toBe(1);
      await waitUntil('the first delivery', () => deliveriesOf(event.id).length, (n) => n === 1, 5_000);
      await waitUntil('the completed job to be removed', () => jobsGone([event]), Boolean, 5_000);

      await queue.add(PROOF_EVENT.name, await envelopeOf(event.id), { ...EVENT_JOB_OPTIONS, jobId: event.id });
      await waitUntil('the second delivery', () => deliveriesOf(event.id).length, (n) => n === 2, 5_000);

      expect(deliveriesOf(event.id).map((record) => record.outcome)).toEqual(['applied', 'duplicate']);
      const summary = await effectSummary(admin, settings.schema, districtId);
      expect(summary).toMatchObject({ produced: 1, effects: 1, effectSum: 7, notExactlyOnce: [], strayEffects: 0 });
    });

    it('gives an event delivered twice at the same moment one effect: the second delivery waits on the inbox key', async () => {
      const districtId = newId();
      const [event] = await produceSchoolChanges(transactions, settings.schema, districtId, [11]);
      // The first delivery holds its inbox claim, uncommitted, while the second arrives.
      slowEffects.set(event.id, 300);
      const envelope = await envelopeOf(event.id);

      const [relayed] = await Promise.all([
        relay.relayOnce(),
        queue.add(PROOF_EVENT.name, envelope, { ...EVENT_JOB_OPTIONS, jobId: `${event.id}-redelivered` }),
      ]);
      expect(relayed).toBe(1);
      await waitUntil('both deliveries', () => deliveriesOf(event.id).length, (n) => n === 2, 5_000);

      const firstDone = Math.min(...deliveriesOf(event.id).map((record) => record.at));
      expect(consumer.starts.filter((start) => start.eventId === event.id && start.at < firstDone)).toHaveLength(2);
      expect(deliveriesOf(event.id).map((record) => record.outcome).sort()).toEqual(['applied', 'duplicate']);
      const summary = await effectSummary(admin, settings.schema, districtId);
      expect(summary).toMatchObject({ produced: 1, effects: 1, effectSum: 11, notExactlyOnce: [], strayEffects: 0 });
    });

    it('keeps the effect single when republished outbox rows become new BullMQ jobs after the completed ones were removed', async () => {
      const districtId = newId();
      const versions = Array.from({ length: 20 }, (_, i) => i + 1);
      const events = await produceSchoolChanges(transactions, settings.schema, districtId, versions);
      expect(await relayAll(relay)).toBe(20);
      await waitUntil('every first delivery', () => events.filter((e) => deliveriesOf(e.id).length === 1).length, (n) => n === 20, 5_000);
      // EVENT_JOB_OPTIONS.removeOnComplete: nothing is left in Redis to dedupe a second add by job id.
      await waitUntil('the completed jobs to be removed', () => jobsGone(events), Boolean, 5_000);

      const reset = await asOwner(`update ${settings.schema}.outbox_event set published_at = null where district_id = $1`, [districtId]);
      expect(reset).toBe(20);
      expect(await relayAll(relay)).toBe(20);
      await waitUntil('every second delivery', () => events.filter((e) => deliveriesOf(e.id).length === 2).length, (n) => n === 20, 5_000);

      for (const event of events) expect(deliveriesOf(event.id).map((record) => record.outcome)).toEqual(['applied', 'duplicate']);
      const summary = await effectSummary(admin, settings.schema, districtId);
      expect(summary).toMatchObject({ produced: 20, effects: 20, effectSum: 210, notExactlyOnce: [], strayEffects: 0 });
      expect(await unpublishedCount(districtId)).toBe(0);
    });
  });

  describe(OutboxRelay.name, () => {
    it('publishes a row whose transaction commits after a later row was already relayed', async () => {
      const districtId = newId();
      const runningRelay = newRelay(orm, settings, { pollIntervalMs: 100 });
      let commitA!: () => void;
      const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
      let aWritten!: () => void;
      const aIsWritten = new Promise<void>((resolve) => (aWritten = resolve));
      try {
        await runningRelay.onApplicationBootstrap();
        // Transaction A writes its change and event first, then stays open.
        const transactionA = produceSchoolChanges(transactions, settings.schema, districtId, [1], async () => {
          aWritten();
          await aMayCommit;
        });
        await aIsWritten;
        await sleep(5);
        // Transaction B starts later and commits first.
        const [b] = await produceSchoolChanges(transactions, settings.schema, districtId, [2]);
        await waitUntil('B to be relayed and applied', () => deliveriesOf(b.id).length, (n) => n === 1, 5_000);

        commitA();
        const [a] = await transactionA;
        const order = await admin.query<{ id: string }>(
          `select id from ${settings.schema}.outbox_event where district_id = $1 order by occurred_at, id`,
          [districtId],
        );
        expect(order.rows.map((row) => row.id)).toEqual([a.id, b.id]);
        // A relay that polled "id greater than the last one seen" would have
        // remembered B and would never look at A again: A's id and time are
        // both lower, and it only became visible after B was relayed. Claiming
        // every unpublished row FOR UPDATE SKIP LOCKED has no such blind spot.
        const aboveLastSeen = await admin.query(`select id from ${settings.schema}.outbox_event where district_id = $1 and id > $2`, [
          districtId,
          b.id,
        ]);
        expect(aboveLastSeen.rows).toEqual([]);

        await waitUntil('A to be relayed and applied', () => deliveriesOf(a.id).length, (n) => n === 1, 5_000);
        const summary = await effectSummary(admin, settings.schema, districtId);
        expect(summary).toMatchObject({ produced: 2, effects: 2, effectSum: 3, notExactlyOnce: [], strayEffects: 0 });
        expect(await unpublishedCount(districtId)).toBe(0);
      } finally {
        commitA();
        await runningRelay.onApplicationShutdown();
      }
    });
  });

  /** A maintenance statement as the schema owner (the only role RLS lets past every district). */
  async function asOwner(sql: string, params: unknown[]): Promise<number> {
    await admin.query('begin');
    try {
      await admin.query(`set local role ${OWNER_ROLE}`);
      const result = await admin.query(sql, params);
      await admin.query('commit');
      return result.rowCount ?? 0;
    } catch (error) {
      await admin.query('rollback');
      throw error;
    }
  }

  async function unpublishedCount(districtId: string): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from ${settings.schema}.outbox_event where district_id = $1 and published_at is null`,
      [districtId],
    );
    return rows[0].n;
  }
});
