import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, DomainError, newId, NotFound, Page, pageOf, ValidationFailed } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookSecrets } from './webhook-secrets';
import { newWebhookSecret } from './webhook-signature';
import { urlProblems, vettedAddress } from './webhook-target';
import {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookAttemptReply,
  WebhookDeliveryQuery,
  WebhookDeliveryReply,
  WebhookEndpointReply,
  WebhookEndpointWithSecretReply,
} from './webhooks.dto';
import { WebhookEventType } from './webhook-events';

/** Endpoints a district may register: each costs a request per event, and the log grows with each. */
export const MAX_ENDPOINTS_PER_DISTRICT = 20;
/** Attempts shown per delivery in the log (a delivery has at most WEBHOOK_MAX_ATTEMPTS plus its replays). */
const ATTEMPTS_SHOWN = 50;

interface EndpointRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  status: WebhookDeliveryReply['status'];
  attempts: number;
  replays: number;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

const ENDPOINT_COLUMNS = 'id, url, events, description, enabled, disabled_reason, version, created_at, updated_at';

/** A district admin's webhook endpoints, their delivery log and replays. */
@Injectable()
export class WebhookEndpoints {
  constructor(
    private readonly env: Environment,
    private readonly transactions: TenantTransactions,
    private readonly secrets: WebhookSecrets,
    private readonly deliveries: WebhookDeliveries,
  ) {}

  async create(actor: Actor, body: CreateWebhookEndpointBody): Promise<WebhookEndpointWithSecretReply> {
    await this.checkUrl(body.url);
    const id = newId();
    const secret = newWebhookSecret();
    const sealed = this.secrets.seal(secret, actor.districtId, id);
    return this.transactions.run(actor.districtId, async (em) => {
      // Counted under a lock, so two creations at once cannot both pass the limit.
      await em.execute(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`webhook-endpoints:${actor.districtId}`]);
      const [{ count }] = (await em.execute(`SELECT count(*)::int AS count FROM gateway.webhook_endpoint`)) as { count: number }[];
      if (count >= MAX_ENDPOINTS_PER_DISTRICT) {
        throw new DomainError('unprocessable', 'WEBHOOK_ENDPOINT.LIMIT_REACHED', `A district may register at most ${MAX_ENDPOINTS_PER_DISTRICT} webhook endpoints`, undefined, {
          limit: MAX_ENDPOINTS_PER_DISTRICT,
        });
      }
      const [row] = (await em.execute(
        `INSERT INTO gateway.webhook_endpoint (id, district_id, url, events, description, enabled, secret_sealed)
          VALUES (?, ?, ?, ?::text[], ?, ?, ?) RETURNING ${ENDPOINT_COLUMNS}`,
        [id, actor.districtId, body.url, textArray(body.events), body.description ?? '', body.enabled ?? true, sealed],
      )) as EndpointRow[];
      return { ...endpointReply(row), secret };
    });
  }

  async list(actor: Actor, query: { page: number; pageSize: number; updatedSince?: string }): Promise<Page<WebhookEndpointReply>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const since = query.updatedSince ?? null;
      const [{ total }] = (await em.execute(`SELECT count(*)::int AS total FROM gateway.webhook_endpoint WHERE (?::timestamptz IS NULL OR updated_at >= ?::timestamptz)`, [
        since,
        since,
      ])) as { total: number }[];
      const rows = (await em.execute(
        `SELECT ${ENDPOINT_COLUMNS} FROM gateway.webhook_endpoint WHERE (?::timestamptz IS NULL OR updated_at >= ?::timestamptz)
          ORDER BY created_at, id LIMIT ? OFFSET ?`,
        [since, since, query.pageSize, (query.page - 1) * query.pageSize],
      )) as EndpointRow[];
      return pageOf(rows.map(endpointReply), total, query);
    });
  }

  get(actor: Actor, id: string): Promise<WebhookEndpointReply> {
    return this.transactions.run(actor.districtId, async (em) => endpointReply(await this.endpoint(em, id)));
  }

  async update(actor: Actor, id: string, body: UpdateWebhookEndpointBody): Promise<WebhookEndpointReply> {
    if (body.url !== undefined) await this.checkUrl(body.url);
    return this.transactions.run(actor.districtId, async (em) => {
      const current = await this.endpoint(em, id, true);
      if (current.version !== body.version) {
        throw new Conflict('WEBHOOK_ENDPOINT.STALE', `The webhook endpoint was changed by someone else (now version ${current.version}); reload it and try again`, {
          currentVersion: current.version,
        });
      }
      const reenabled = body.enabled === true && !current.enabled;
      const [row] = (await em.execute(
        `UPDATE gateway.webhook_endpoint SET url = ?, events = ?::text[], description = ?, enabled = ?, version = version + 1, updated_at = now(),
          disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END, failing_since = CASE WHEN ? THEN NULL ELSE failing_since END
          WHERE id = ? RETURNING ${ENDPOINT_COLUMNS}`,
        [
          body.url ?? current.url,
          textArray(body.events ?? current.events),
          body.description ?? current.description,
          body.enabled ?? current.enabled,
          reenabled || body.enabled === false,
          reenabled,
          id,
        ],
      )) as EndpointRow[];
      return endpointReply(row);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.transactions.run(actor.districtId, async (em) => {
      const gone = await em.execute(`DELETE FROM gateway.webhook_endpoint WHERE id = ? RETURNING id`, [id]);
      if (gone.length === 0) throw new NotFound('webhook_endpoint', id);
    });
  }

  /** A new secret; the old one stops signing at once (receivers switch to the new one before the next delivery). */
  async rotateSecret(actor: Actor, id: string): Promise<WebhookEndpointWithSecretReply> {
    const secret = newWebhookSecret();
    const sealed = this.secrets.seal(secret, actor.districtId, id);
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = (await em.execute(
        `UPDATE gateway.webhook_endpoint SET secret_sealed = ?, version = version + 1, updated_at = now() WHERE id = ? RETURNING ${ENDPOINT_COLUMNS}`,
        [sealed, id],
      )) as EndpointRow[];
      if (!row) throw new NotFound('webhook_endpoint', id);
      return { ...endpointReply(row), secret };
    });
  }

  async deliveryLog(actor: Actor, endpointId: string, query: WebhookDeliveryQuery): Promise<Page<WebhookDeliveryReply>> {
    return this.transactions.run(actor.districtId, async (em) => {
      await this.endpoint(em, endpointId);
      const since = query.updatedSince ?? null;
      const status = query.status ?? null;
      const where = `endpoint_id = ? AND (?::timestamptz IS NULL OR updated_at >= ?::timestamptz) AND (?::text IS NULL OR status = ?)`;
      const params = [endpointId, since, since, status, status];
      const [{ total }] = (await em.execute(`SELECT count(*)::int AS total FROM gateway.webhook_delivery WHERE ${where}`, params)) as { total: number }[];
      const rows = (await em.execute(
        `SELECT id, endpoint_id, event_id, event_type, status, attempts, replays, next_attempt_at, created_at, updated_at, delivered_at
          FROM gateway.webhook_delivery WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
        [...params, query.pageSize, (query.page - 1) * query.pageSize],
      )) as DeliveryRow[];
      const attempts = await this.attempts(em, rows.map((row) => row.id));
      return pageOf(
        rows.map((row) => deliveryReply(row, attempts.get(row.id) ?? [])),
        total,
        query,
      );
    });
  }

  /**
   * Sends a delivery again: the same body and `webhook-id`, a new attempt (and
   * its retries) logged as a replay. Not while it is still being retried.
   */
  async replay(actor: Actor, deliveryId: string): Promise<WebhookDeliveryReply> {
    const { row, replayNumber } = await this.transactions.run(actor.districtId, async (em) => {
      const [found] = (await em.execute(
        `SELECT d.status, e.enabled FROM gateway.webhook_delivery d JOIN gateway.webhook_endpoint e ON e.district_id = d.district_id AND e.id = d.endpoint_id
          WHERE d.id = ? FOR UPDATE OF d`,
        [deliveryId],
      )) as { status: string; enabled: boolean }[];
      if (!found) throw new NotFound('webhook_delivery', deliveryId);
      if (found.status === 'pending') {
        throw new Conflict('WEBHOOK_DELIVERY.IN_PROGRESS', 'The delivery is still being attempted; it retries by itself. Replay it once it has succeeded or failed');
      }
      if (!found.enabled) throw new Conflict('WEBHOOK_ENDPOINT.DISABLED', 'The endpoint is disabled; enable it before replaying its deliveries');
      const [updated] = (await em.execute(
        `UPDATE gateway.webhook_delivery SET status = 'pending', replays = replays + 1, next_attempt_at = now(), updated_at = now() WHERE id = ?
          RETURNING id, endpoint_id, event_id, event_type, status, attempts, replays, next_attempt_at, created_at, updated_at, delivered_at`,
        [deliveryId],
      )) as DeliveryRow[];
      return { row: updated, replayNumber: updated.replays };
    });
    await this.deliveries.enqueue(actor.districtId, [deliveryId], true, replayNumber);
    return this.transactions.run(actor.districtId, async (em) => deliveryReply(row, (await this.attempts(em, [deliveryId])).get(deliveryId) ?? []));
  }

  private async checkUrl(url: string): Promise<void> {
    const policy = { allowLoopback: this.env.WEBHOOK_ALLOW_LOOPBACK };
    const problems = urlProblems(url, policy);
    if (problems.length === 0) {
      const target = await vettedAddress(url, policy);
      if ('problem' in target) problems.push(target.problem);
    }
    if (problems.length > 0) throw new ValidationFailed([{ field: 'url', problems }]);
  }

  private async endpoint(em: EntityManager, id: string, lock = false): Promise<EndpointRow> {
    const [row] = (await em.execute(`SELECT ${ENDPOINT_COLUMNS} FROM gateway.webhook_endpoint WHERE id = ?${lock ? ' FOR UPDATE' : ''}`, [id])) as EndpointRow[];
    if (!row) throw new NotFound('webhook_endpoint', id);
    return row;
  }

  private async attempts(em: EntityManager, deliveryIds: string[]): Promise<Map<string, WebhookAttemptReply[]>> {
    const byDelivery = new Map<string, WebhookAttemptReply[]>();
    if (deliveryIds.length === 0) return byDelivery;
    const rows = (await em.execute(
      `SELECT * FROM (
          SELECT delivery_id, attempt, replay, started_at, duration_ms, status_code, error, outcome, next_attempt_at,
            row_number() OVER (PARTITION BY delivery_id ORDER BY attempt DESC) AS recent
          FROM gateway.webhook_attempt WHERE delivery_id = ANY(?::uuid[])
        ) a WHERE recent <= ${ATTEMPTS_SHOWN} ORDER BY delivery_id, attempt`,
      [textArray(deliveryIds)],
    )) as {
      delivery_id: string;
      attempt: number;
      replay: boolean;
      started_at: Date;
      duration_ms: number;
      status_code: number | null;
      error: string | null;
      outcome: 'delivered' | 'failed';
      next_attempt_at: Date | null;
    }[];
    for (const row of rows) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push({
        attempt: row.attempt,
        replay: row.replay,
        startedAt: iso(row.started_at),
        durationMs: row.duration_ms,
        statusCode: row.status_code,
        error: row.error,
        outcome: row.outcome,
        nextAttemptAt: row.next_attempt_at ? iso(row.next_attempt_at) : null,
      });
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }
}

/** MikroORM spreads an array parameter into a list of values, so arrays travel as one PostgreSQL array literal. */
function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function endpointReply(row: EndpointRow): WebhookEndpointReply {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function deliveryReply(row: DeliveryRow, attempts: WebhookAttemptReply[]): WebhookDeliveryReply {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    webhookId: row.event_id,
    type: row.event_type,
    status: row.status,
    attemptCount: row.attempts,
    nextAttemptAt: row.next_attempt_at ? iso(row.next_attempt_at) : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deliveredAt: row.delivered_at ? iso(row.delivered_at) : null,
    attempts,
  };
}
