import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per process, exposed at `/metrics`. Instruments the
 * platform itself records live here so their names stay consistent across apps.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly messagesHandled = new Counter({
    name: 'messages_handled_total',
    help: 'Messages handled by this service, by pattern and outcome',
    labelNames: ['pattern', 'kind', 'outcome'],
    registers: [this.registry],
  });

  readonly messageDuration = new Histogram({
    name: 'message_handle_duration_seconds',
    help: 'Time spent handling a message',
    labelNames: ['pattern', 'kind'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly rpcDuration = new Histogram({
    name: 'rpc_client_duration_seconds',
    help: 'Round trip of a request/reply message as seen by the caller',
    labelNames: ['pattern', 'outcome'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly outboxRelayed = new Counter({
    name: 'outbox_events_relayed_total',
    help: 'Outbox events published to their consumer queues',
    registers: [this.registry],
  });

  readonly outboxPending = new Gauge({
    name: 'outbox_events_pending',
    help: 'Unpublished outbox events seen at the last relay pass',
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook delivery attempts (gateway), by outcome: delivered, retrying, failed (no retry left)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly duplicateEvents = new Counter({
    name: 'inbox_duplicate_events_total',
    help: 'Events delivered again and skipped by the inbox',
    labelNames: ['pattern'],
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each queue this service works, by state (waiting, active, delayed, failed), read from Redis at scrape time',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });

  readonly queueOldestWaitingAge = new Gauge({
    name: 'queue_oldest_waiting_job_age_seconds',
    help: 'Seconds the oldest waiting job of each queue has been ready to run (0 when none waits)',
    labelNames: ['queue'],
    registers: [this.registry],
  });

  readonly queueFiguresRead = new Gauge({
    name: 'queue_figures_read',
    help: '1 when this scrape read every queue figure from Redis in time; 0 when Redis did not answer (the queue_* figures are then absent)',
    registers: [this.registry],
  });

  readonly dbPoolConnections = new Gauge({
    name: 'db_pool_connections',
    help: 'Connections of this instance\'s PostgreSQL pool: used (lent out), free (idle, open), pending (requests waiting for one)',
    labelNames: ['state'],
    registers: [this.registry],
  });

  readonly dbPoolMax = new Gauge({
    name: 'db_pool_max_connections',
    help: 'Most connections this instance\'s PostgreSQL pool opens (DATABASE_POOL_MAX)',
    registers: [this.registry],
  });

  private readonly scrapeHooks = new Set<() => Promise<void> | void>();

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Adds figures read at scrape time rather than kept up to date on every job
   * or query: a scrape every 15 s costs a few Redis round trips, where updating
   * on every job would cost them per job. Returns the function that removes it.
   */
  onScrape(hook: () => Promise<void> | void): () => void {
    this.scrapeHooks.add(hook);
    return () => this.scrapeHooks.delete(hook);
  }

  /** The registry's text after every scrape hook ran; a failing hook leaves its own figures out, never the others. */
  async scrape(): Promise<string> {
    await Promise.allSettled([...this.scrapeHooks].map(async (hook) => hook()));
    return this.registry.metrics();
  }
}
