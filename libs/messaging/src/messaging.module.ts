import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { Environment } from '@sessionledger/config';
import { ServiceName } from '@sessionledger/contracts';
import { Metrics, ServiceBootstrap } from '@sessionledger/platform';
import { ForwardErrorsToCaller } from './forward-errors.filter';
import { BullMqClient } from './bullmq.client';
import { BullMqServer } from './bullmq.server';
import { EventInbox } from './inbox';
import { OutboxRelay } from './outbox-relay';
import { QueueDashboard } from './queue-dashboard';
import { QueueMetrics } from './queue-metrics';
import { ServiceBus } from './service-bus';

export interface MessagingFeatures {
  /** Sends commands to other services (the gateway). */
  client?: boolean;
  /** Relays this service's outbox. */
  outbox?: boolean;
  /** Consumes events with exactly-once effects. */
  inbox?: boolean;
  /** Serves the installation operators' queue dashboard when OPS_DASHBOARD_TOKEN is set (the gateway). */
  dashboard?: boolean;
}

@Global()
@Module({})
export class MessagingModule {
  static forService(service: ServiceName, features: MessagingFeatures): DynamicModule {
    const providers: Provider[] = [
      {
        provide: QueueMetrics,
        inject: [Environment, Metrics],
        useFactory: (env: Environment, metrics: Metrics) => new QueueMetrics(service, env, metrics),
      },
    ];
    if (features.client) {
      providers.push(
        {
          provide: BullMqClient,
          inject: [Environment, Metrics],
          useFactory: (env: Environment, metrics: Metrics) =>
            new BullMqClient({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, timeoutMs: env.RPC_TIMEOUT_MS, metrics }),
        },
        ServiceBus,
      );
    }
    if (features.outbox) providers.push(OutboxRelay);
    if (features.inbox) providers.push(EventInbox);
    if (features.dashboard) providers.push({ provide: QueueDashboard, inject: [Environment], useFactory: (env: Environment) => new QueueDashboard(env) });
    return { module: MessagingModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) as never[] };
  }
}

/** The transport a service app connects to itself at boot. */
export function messagingServerFor(service: ServiceName, env: Environment, metrics?: Metrics): BullMqServer {
  return new BullMqServer({
    service,
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    metrics,
    worker: { concurrency: env.WORKER_CONCURRENCY },
  });
}

/**
 * What a service app adds to its bootstrap to handle messages: the BullMQ
 * transport, and the filter that sends handlers' domain errors back to the
 * caller as they are (Nest's default RPC filter would turn them into 500s).
 */
export function messagingTransport(service: ServiceName): Pick<ServiceBootstrap, 'transport' | 'rpcFilters'> {
  return {
    transport: (app, env) => messagingServerFor(service, env, app.get(Metrics)),
    rpcFilters: [new ForwardErrorsToCaller()],
  };
}
