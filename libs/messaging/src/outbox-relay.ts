import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { Environment } from '@sessionledger/config';
import { CONTRACTS, eventQueueOf } from '@sessionledger/contracts';
import { Metrics, redisOptionsFrom } from '@sessionledger/platform';
import { EVENT_JOB_OPTIONS } from './bullmq-options';
import type { EventEnvelope } from './envelopes';

interface OutboxRow {
  id: string;
  district_id: string;
  name: string;
  payload: object;
  correlation_id: string | null;
  occurred_at: Date;
}

export interface RelaySettings {
  batchSize: number;
  /** Fallback poll when no NOTIFY arrives (a lost LISTEN connection, another writer). */
  pollIntervalMs: number;
  retainPublishedDays: number;
}

export const DEFAULT_RELAY_SETTINGS: RelaySettings = { batchSize: 500, pollIntervalMs: 1000, retainPublishedDays: 7 };

/**
 * Moves committed outbox rows to their consumers' queues. Rows are claimed
 * with FOR UPDATE SKIP LOCKED, added to BullMQ with the event id as job id,
 * then marked published in the same transaction. A crash between the add and
 * the commit leaves the rows unpublished; they are added again after restart
 * and the consumers' inboxes absorb the repeat. LISTEN/NOTIFY wakes the relay
 * as soon as an outbox row commits.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queues = new Map<string, Queue>();
  private listener?: Client;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastPrune = 0;
  /** Set by every NOTIFY; a pass clears it when it starts. */
  private notified = false;
  settings: RelaySettings = DEFAULT_RELAY_SETTINGS;

  constructor(
    private readonly orm: MikroORM,
    private readonly env: Environment,
    private readonly metrics: Metrics,
  ) {}

  private get schema(): string {
    return this.orm.config.get('schema') as string;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.OUTBOX_RELAY_ENABLED) return;
    this.running = true;
    await this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  /** One relay pass; returns how many events it published. Exposed for the reconciler and tests. */
  async relayOnce(): Promise<number> {
    const em = this.orm.em.fork({ clear: true });
    return em.transactional(async (tx) => {
      const rows = (await tx.execute(`select * from ${this.schema}.outbox_claim(?)`, [this.settings.batchSize])) as OutboxRow[];
      if (rows.length === 0) return 0;
      await this.publish(rows);
      // MikroORM spreads an array parameter into a list of values, so the ids travel as one array literal.
      await tx.execute(`select ${this.schema}.outbox_mark_published(?::uuid[])`, [`{${rows.map((row) => row.id).join(',')}}`]);
      return rows.length;
    });
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    const byQueue = new Map<string, { name: string; data: EventEnvelope; opts: typeof EVENT_JOB_OPTIONS }[]>();
    for (const row of rows) {
      const contract = CONTRACTS.find(row.name);
      if (!contract || contract.kind !== 'event') {
        this.logger.error({ messageId: row.id, name: row.name }, 'outbox holds an event no contract defines; it is marked published and dropped');
        continue;
      }
      const envelope: EventEnvelope = {
        id: row.id,
        name: row.name,
        districtId: row.district_id,
        occurredAt: new Date(row.occurred_at).toISOString(),
        correlationId: row.correlation_id ?? undefined,
        payload: row.payload,
      };
      for (const consumer of contract.consumers) {
        const queue = eventQueueOf(consumer);
        const jobs = byQueue.get(queue) ?? [];
        jobs.push({ name: row.name, data: envelope, opts: { ...EVENT_JOB_OPTIONS, jobId: row.id } });
        byQueue.set(queue, jobs);
      }
    }
    await Promise.all([...byQueue].map(([queue, jobs]) => this.queue(queue).addBulk(jobs)));
    this.metrics.outboxRelayed.inc(rows.length);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      // A commit notified while this pass runs may have missed it: it must not wait for the next poll.
      this.notified = false;
      try {
        published = await this.relayOnce();
        await this.pruneNowAndThen();
      } catch (error) {
        this.logger.warn({ reason: (error as Error).message }, 'outbox relay pass failed; retrying');
      }
      if (published < this.settings.batchSize && !this.notified) await this.sleep(this.settings.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async listen(): Promise<void> {
    try {
      this.listener = new Client({ connectionString: this.env.DATABASE_URL });
      this.listener.on('notification', () => {
        this.notified = true;
        this.wake?.();
      });
      this.listener.on('error', (error) => {
        this.logger.warn({ reason: error.message }, 'outbox LISTEN connection lost; polling only');
        this.listener = undefined;
      });
      await this.listener.connect();
      await this.listener.query(`LISTEN outbox_${this.schema}`);
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'outbox LISTEN unavailable; polling only');
      this.listener = undefined;
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    await this.orm.em
      .fork()
      .getConnection()
      .execute(`select ${this.schema}.outbox_prune(?::interval)`, [`${this.settings.retainPublishedDays} days`]);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: redisOptionsFrom(this.env.REDIS_URL, 'commands'), prefix: this.env.REDIS_PREFIX });
      this.queues.set(name, queue);
    }
    return queue;
  }
}
