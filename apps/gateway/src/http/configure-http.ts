import { Logger, RequestMethod } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { Metrics } from '@sessionledger/platform';
import { ErrorFilter } from './error.filter';
import { TextSafetyPipe, validationPipe } from './validation';

const CORRELATION_HEADER = 'x-correlation-id';
const VALID_CORRELATION = /^[A-Za-z0-9._-]{8,100}$/;

/**
 * Everything the public API shares: `/api` prefix, one validation pipe, one
 * error shape, a correlation id on every request (taken from the caller when
 * well-formed), per-route latency metrics, OpenAPI at /api/docs.
 */
export function configureGatewayHttp(app: NestFastifyApplication, env: Environment): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(Metrics);
  const accessLog = new Logger('Http');

  fastify.addHook('onRequest', (request, reply, done) => {
    const incoming = request.headers[CORRELATION_HEADER];
    const correlationId = typeof incoming === 'string' && VALID_CORRELATION.test(incoming) ? incoming : String(request.id);
    (request as { id: string }).id = correlationId;
    void reply.header(CORRELATION_HEADER, correlationId);
    requestContext.run({ correlationId }, done);
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

  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(new TextSafetyPipe(), validationPipe());
  app.useGlobalFilters(new ErrorFilter());

  if (env.API_DOCS_ENABLED) serveApiDocs(app);
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
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sessionledger API')
      .setDescription('System of record for tutoring, coaching and special-education sessions')
      .setVersion('1')
      .addBearerAuth()
      .addGlobalParameters({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Makes a POST safe to retry' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
