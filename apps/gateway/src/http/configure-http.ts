import { Logger, MethodNotAllowedException, RequestMethod } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { requestContext } from '@sessionledger/common';
import { corsOrigins, Environment } from '@sessionledger/config';
import { Metrics } from '@sessionledger/platform';
import { buildApiDocument } from './api-document';
import { API_MAJOR_VERSION, API_VERSION_HEADER } from './api-version';
import { toErrorResponse } from './error-response';
import { installCors } from './cors';
import { ErrorFilter } from './error.filter';
import { installRateLimits } from './rate-limit';
import { TextSafetyPipe, validationPipe } from './validation';
import { serveWebApp } from './web-app';

const CORRELATION_HEADER = 'x-correlation-id';
const VALID_CORRELATION = /^[A-Za-z0-9._-]{8,100}$/;

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Probes stay outside `/api`, where the orchestrator expects them. */
export const API_PREFIX_EXCLUDES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
];

/**
 * Everything the public API shares: `/api` prefix, one validation pipe, one
 * error shape, a correlation id on every request (taken from the caller when
 * well-formed), per-route latency metrics, OpenAPI at /api/docs; and the web
 * app at `/` when it is built.
 */
export async function configureGatewayHttp(app: NestFastifyApplication, env: Environment): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(Metrics);
  const accessLog = new Logger('Http');

  fastify.addHook('onRequest', (request, reply, done) => {
    const incoming = request.headers[CORRELATION_HEADER];
    const correlationId = typeof incoming === 'string' && VALID_CORRELATION.test(incoming) ? incoming : String(request.id);
    (request as { id: string }).id = correlationId;
    void reply.header(CORRELATION_HEADER, correlationId);
    void reply.header(API_VERSION_HEADER, API_MAJOR_VERSION);
    requestContext.run({ correlationId }, done);
  });
  // In this order, before anything else answers: a listed origin's preflight is answered first (and counts
  // against nobody), then every other answer carries the caller's rate limit.
  installCors(app, corsOrigins(env.CORS_ALLOWED_ORIGINS));
  installRateLimits(app, env);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Fastify answers a known path with an unknown method as "not found"; say which methods it has.
    if (!request.is404) return done();
    const url = request.url.split('?')[0];
    const allowed = ROUTE_METHODS.filter((method) => method !== request.method && fastify.findRoute({ method, url }));
    if (allowed.length === 0) return done();
    const { status, body } = toErrorResponse(new MethodNotAllowedException(`${request.method} is not allowed here; use ${allowed.join(', ')}`), String(request.id));
    void reply.status(status).header('allow', allowed.join(', ')).send(body);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // The route pattern, never the URL: paths and query strings may carry names.
    accessLog.log({ method: request.method, route, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, 'request');
    done();
  });

  app.setGlobalPrefix('api', { exclude: API_PREFIX_EXCLUDES });
  app.useGlobalPipes(new TextSafetyPipe(), validationPipe());
  app.useGlobalFilters(new ErrorFilter());

  if (env.API_DOCS_ENABLED) serveApiDocs(app);
  await serveWebApp(app);
}

/**
 * The docs UI is the one HTML page the gateway serves: it may load its own
 * scripts and styles, nothing from elsewhere, and may not be framed.
 */
const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function serveApiDocs(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/api/docs')) void reply.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    done(null, payload);
  });
  const document = buildApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
