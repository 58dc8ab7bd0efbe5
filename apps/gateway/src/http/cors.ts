import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { API_VERSION_HEADER } from './api-version';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Correlation-Id';
const EXPOSED_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'X-Correlation-Id', 'Idempotent-Replayed', API_VERSION_HEADER].join(', ');
/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Cross-origin reads for the listed origins only (CORS_ALLOWED_ORIGINS; none
 * by default, and then nothing here runs). The API uses bearer tokens, never
 * cookies, so credentials mode is never allowed. A listed origin's preflight
 * is answered here (204); an unlisted origin gets no CORS header at all, so the
 * browser keeps the answer from its page.
 */
export function installCors(app: NestFastifyApplication, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.getHttpAdapter().getInstance().addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    // Answers differ by Origin: caches (none should keep them anyway) must not mix them up.
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return done();
    void reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      void reply
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS)
        .code(204)
        .send();
      return;
    }
    void reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    done();
  });
}
