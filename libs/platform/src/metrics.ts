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

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
