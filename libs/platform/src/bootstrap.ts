import { ExceptionFilter, INestApplication, INestMicroservice, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { newId } from '@sessionledger/common';
import { AppSecret, Environment, loadEnvironment } from '@sessionledger/config';
import { clientErrorHandler, installJsonBodyParser, installSecurityHeaders } from './http-hardening';
import { JsonLogger } from './json-logger';
import { MetricsServer } from './metrics-server';

export interface ServiceBootstrap {
  service: string;
  module: unknown;
  /** The BullMQ transport for services that handle messages. */
  transport?: (app: INestApplication, env: Environment) => CustomTransportStrategy;
  /** Exception filters of the message handlers (not of HTTP). */
  rpcFilters?: ExceptionFilter[];
  /** HTTP setup beyond probes and metrics (the gateway's API). */
  configureHttp?: (app: NestFastifyApplication, env: Environment) => void | Promise<void>;
  /** Secrets this app cannot serve without in production, besides JWT_SECRET (every app's). */
  requires?: readonly AppSecret[];
}

export type AppFactory = (
  adapter: FastifyAdapter,
  options: { logger: JsonLogger; bufferLogs: boolean },
) => Promise<NestFastifyApplication> | NestFastifyApplication;

export async function createApp(
  bootstrap: ServiceBootstrap,
  env: Environment,
  factory: AppFactory = (adapter, options) => NestFactory.create<NestFastifyApplication>(bootstrap.module as never, adapter, options),
): Promise<NestFastifyApplication> {
  const logger = new JsonLogger(bootstrap.service, env.LOG_LEVEL);
  const trustProxy = env.TRUSTED_PROXIES ? env.TRUSTED_PROXIES.split(',').map((entry) => entry.trim()) : false;
  const adapter = new FastifyAdapter({ trustProxy, bodyLimit: env.HTTP_BODY_LIMIT_BYTES, genReqId: () => newId(), clientErrorHandler });
  const app = await factory(adapter, { logger, bufferLogs: true });
  app.useLogger(logger);
  app.flushLogs();
  installJsonBodyParser(app, { bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES, jsonMaxDepth: env.JSON_MAX_DEPTH });
  installSecurityHeaders(app);
  await app.get(MetricsServer).start(env.METRICS_HOST, env.METRICS_PORT);
  await bootstrap.configureHttp?.(app, env);
  if (bootstrap.transport) {
    // Message handlers get their own filters, not the HTTP ones. Listeners are registered at
    // listen time so the filters are in place; the app's init hooks have already run once.
    const microservice = app.connectMicroservice(
      { strategy: bootstrap.transport(app, env) },
      { inheritAppConfig: false, deferInitialization: true },
    ) as INestMicroservice & { setIsInitHookCalled(called: boolean): void };
    microservice.setIsInitHookCalled(true);
    microservice.useGlobalFilters(...(bootstrap.rpcFilters ?? []));
  }
  return app;
}

/**
 * Starts one app: probes and metrics over HTTP, the BullMQ transport when the
 * app handles messages, graceful shutdown on SIGTERM/SIGINT (readiness turns
 * 503, in-flight requests and jobs finish, then pools close). A shutdown that
 * outlives SHUTDOWN_GRACE_MS exits non-zero rather than hang the rollout.
 */
export async function runService(bootstrap: ServiceBootstrap): Promise<NestFastifyApplication> {
  const env = loadEnvironment(undefined, bootstrap.requires);
  const app = await createApp(bootstrap, env);
  // Exit 0 once shutdown completes, after the async JSON logger has flushed.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        new Logger('Shutdown').error(`shutdown exceeded ${env.SHUTDOWN_GRACE_MS} ms; exiting`);
        process.exit(1);
      }, env.SHUTDOWN_GRACE_MS).unref();
    });
  }
  // Modules finish initialising (pools, health checks) before the first message is taken.
  await app.init();
  if (bootstrap.transport) await app.startAllMicroservices();
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  new Logger('Bootstrap').log({ port: env.HTTP_PORT }, `${bootstrap.service} is listening`);
  return app;
}
