import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { isUuid, newId, requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { BullMqContext, EventInbox } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { Metrics, redisOptionsFrom } from '@sessionledger/platform';
import { WebhookMessage } from './webhook-events';
import { WebhookSecrets } from './webhook-secrets';
import { signWebhook } from './webhook-signature';
import { PostOutcome, postJson, vettedAddress } from './webhook-target';

export const WEBHOOK_QUEUE = 'gateway.webhooks';
/** An endpoint failing every attempt for this long is disabled (an admin re-enables it with PATCH). */
export const DISABLE_AFTER_FAILING_DAYS = 5;
const WORKER_CONCURRENCY = 16;

/** One delivery to send: the tenant travels with the job. */
export interface WebhookDeliveryJob {
  districtId: string;
  deliveryId: string;
  replay: boolean;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  body: string;
  status: string;
  attempts: number;
  url: string;
  enabled: boolean;
  secret_sealed: string;
}

/**
 * Webhook deliveries as BullMQ jobs on the gateway's queue: one job per
 * delivery, its id the delivery id (adding it again while it exists is a
 * no-op), retried by BullMQ with exponential backoff. Each attempt signs the
 * stored body afresh (new timestamp, same `webhook-id`) and is logged in
 * PostgreSQL with its outcome. A worker killed mid-request leaves the job
 * stalled; it runs again, so a receiver may see a delivery twice, always with
 * the same id: delivery is at least once.
 */
@Injectable()
export class WebhookDeliveries implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveries.name);
  private queue?: Queue<WebhookDeliveryJob>;
  private worker?: Worker<WebhookDeliveryJob>;

  constructor(
    private readonly env: Environment,
    private readonly transactions: TenantTransactions,
    private readonly inbox: EventInbox,
    private readonly secrets: WebhookSecrets,
    private readonly metrics: Metrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.queue = new Queue<WebhookDeliveryJob>(WEBHOOK_QUEUE, { connection: redisOptionsFrom(this.env.REDIS_URL, 'commands'), prefix: this.env.REDIS_PREFIX });
    await this.queue.waitUntilReady();
    this.worker = new Worker<WebhookDeliveryJob>(WEBHOOK_QUEUE, (job) => this.handle(job), {
      connection: redisOptionsFrom(this.env.REDIS_URL, 'blocking'),
      prefix: this.env.REDIS_PREFIX,
      // Deliveries wait on receivers, not on this process: many at once. A stalled one (its replica died) simply runs again.
      concurrency: WORKER_CONCURRENCY,
      lockDuration: this.env.WEBHOOK_TIMEOUT_MS + 20_000,
      maxStalledCount: 50,
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, 'webhook worker error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }

  /**
   * One delivery per enabled endpoint of the district subscribed to the
   * event's type, recorded once (inbox), then queued. Queuing runs on every
   * arrival of the event, so a crash between the commit and the queuing is
   * repaired by the event's own retry; a job id already queued is not added twice.
   */
  async fanOut(context: BullMqContext, message: WebhookMessage): Promise<void> {
    const { messageId: eventId, districtId, occurredAt } = context.facts;
    if (!districtId) throw new Error(`event ${eventId} has no district`);
    const subscribed = await this.transactions.run(districtId, (em) =>
      em.execute(`SELECT 1 FROM gateway.webhook_endpoint WHERE enabled AND events @> ARRAY[?]::text[] LIMIT 1`, [message.type]),
    );
    // Most events reach districts without webhooks: no inbox row, no transaction beyond the look.
    if (subscribed.length === 0) return;
    const body = JSON.stringify({ type: message.type, timestamp: occurredAt ?? new Date().toISOString(), data: message.data });
    await this.inbox.once(context, async (em) => {
      const endpoints = (await em.execute(`SELECT id FROM gateway.webhook_endpoint WHERE enabled AND events @> ARRAY[?]::text[]`, [message.type])) as { id: string }[];
      for (const endpoint of endpoints) {
        await em.execute(
          `INSERT INTO gateway.webhook_delivery (id, district_id, endpoint_id, event_id, event_type, body) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
          [newId(), districtId, endpoint.id, eventId, message.type, body],
        );
      }
    });
    const pending = (await this.transactions.run(districtId, (em) =>
      em.execute(`SELECT id FROM gateway.webhook_delivery WHERE event_id = ? AND status = 'pending' AND replays = 0`, [eventId]),
    )) as { id: string }[];
    await this.enqueue(
      districtId,
      pending.map((row) => row.id),
      false,
    );
  }

  /** Queues deliveries; a replay gets a job id of its own, so an earlier job (kept as failed) does not block it. */
  async enqueue(districtId: string, deliveryIds: string[], replay: boolean, replayNumber = 0): Promise<void> {
    if (!this.queue) throw new Error('the webhook queue is not started');
    if (deliveryIds.length === 0) return;
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: 'deliver',
        data: { districtId, deliveryId, replay },
        opts: {
          jobId: replay ? `${deliveryId}:replay:${replayNumber}` : deliveryId,
          attempts: this.env.WEBHOOK_MAX_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.env.WEBHOOK_RETRY_BASE_MS },
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }

  private async handle(job: Job<WebhookDeliveryJob>): Promise<void> {
    const { districtId, deliveryId, replay } = job.data ?? ({} as WebhookDeliveryJob);
    if (!isUuid(districtId) || !isUuid(deliveryId)) {
      this.logger.error({ jobId: job.id }, 'webhook job without a valid district and delivery id; dropped');
      return;
    }
    await requestContext.run({ correlationId: deliveryId, districtId, messageId: String(job.id) }, async () => {
      const [row] = (await this.transactions.run(districtId, (em) =>
        em.execute(
          `SELECT d.id, d.endpoint_id, d.event_id, d.body, d.status, d.attempts, e.url, e.enabled, e.secret_sealed
            FROM gateway.webhook_delivery d JOIN gateway.webhook_endpoint e ON e.district_id = d.district_id AND e.id = d.endpoint_id
            WHERE d.id = ?`,
          [deliveryId],
        ),
      )) as DeliveryRow[];
      // Gone with its endpoint, or already settled (a repeated job after the outcome was recorded).
      if (!row || row.status !== 'pending') return;
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const startedAt = new Date();
      const outcome = await this.attempt(districtId, row);
      const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
      const final = delivered || last || outcome.final === true;
      const nextAttemptAt = final ? null : new Date(Date.now() + this.env.WEBHOOK_RETRY_BASE_MS * 2 ** job.attemptsMade);
      await this.record(districtId, row, { ...outcome, startedAt, delivered, final, nextAttemptAt, replay });
      this.metrics.webhookAttempts.inc({ outcome: delivered ? 'delivered' : final ? 'failed' : 'retrying' });
      this.logger.log({ deliveryId, endpointId: row.endpoint_id, statusCode: outcome.statusCode, delivered, final }, 'webhook attempt');
      if (!final) throw new Error(outcome.error ?? `answered ${outcome.statusCode}`);
    });
  }

  /** Sends once. `final` marks failures a retry cannot cure (a disabled endpoint, an unreadable secret). */
  private async attempt(districtId: string, row: DeliveryRow): Promise<PostOutcome & { final?: boolean }> {
    if (!row.enabled) return { statusCode: null, error: 'the endpoint is disabled', durationMs: 0, final: true };
    const secret = this.secrets.open(row.secret_sealed, districtId, row.endpoint_id);
    if (secret === undefined) {
      return { statusCode: null, error: 'the signing secret cannot be read on this server; rotate it', durationMs: 0, final: true };
    }
    // Checked again at every attempt: a host that resolved to a public address at registration may not now.
    const target = await vettedAddress(row.url, { allowLoopback: this.env.WEBHOOK_ALLOW_LOOPBACK });
    if ('problem' in target) return { statusCode: null, error: target.problem, durationMs: 0 };
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'user-agent': 'Sessionledger-Webhooks/1',
      'webhook-id': row.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secret, row.event_id, timestamp, row.body),
    };
    return postJson(row.url, target, headers, row.body, this.env.WEBHOOK_TIMEOUT_MS);
  }

  private async record(
    districtId: string,
    row: DeliveryRow,
    outcome: PostOutcome & { startedAt: Date; delivered: boolean; final: boolean; nextAttemptAt: Date | null; replay: boolean },
  ): Promise<void> {
    const status = outcome.delivered ? 'delivered' : outcome.final ? 'failed' : 'pending';
    await this.transactions.run(districtId, async (em) => {
      await em.execute(
        `INSERT INTO gateway.webhook_attempt (id, district_id, delivery_id, attempt, replay, started_at, duration_ms, status_code, error, outcome, next_attempt_at)
          SELECT ?, ?, ?, attempts + 1, ?, ?, ?, ?, ?, ?, ? FROM gateway.webhook_delivery WHERE id = ?`,
        [
          newId(),
          districtId,
          row.id,
          outcome.replay,
          outcome.startedAt,
          outcome.durationMs,
          outcome.statusCode,
          outcome.error,
          outcome.delivered ? 'delivered' : 'failed',
          outcome.nextAttemptAt,
          row.id,
        ],
      );
      await em.execute(
        `UPDATE gateway.webhook_delivery SET attempts = attempts + 1, status = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?,
          delivered_at = CASE WHEN ? THEN now() ELSE delivered_at END, updated_at = now() WHERE id = ?`,
        [status, outcome.statusCode, outcome.error, outcome.nextAttemptAt, outcome.delivered, row.id],
      );
      if (outcome.delivered) {
        await em.execute(`UPDATE gateway.webhook_endpoint SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL`, [row.endpoint_id]);
      } else if (row.enabled) {
        await em.execute(
          `UPDATE gateway.webhook_endpoint SET failing_since = coalesce(failing_since, now()) WHERE id = ?`,
          [row.endpoint_id],
        );
        await em.execute(
          `UPDATE gateway.webhook_endpoint SET enabled = false, version = version + 1, updated_at = now(),
            disabled_reason = 'every delivery failed for ${DISABLE_AFTER_FAILING_DAYS} days; fix the receiver, then re-enable the endpoint'
            WHERE id = ? AND enabled AND failing_since < now() - interval '${DISABLE_AFTER_FAILING_DAYS} days'`,
          [row.endpoint_id],
        );
      }
    });
  }
}
