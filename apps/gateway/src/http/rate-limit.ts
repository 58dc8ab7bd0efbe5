import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';
import { AccessTokens } from '../auth/access-tokens';
import { isWebAppPath } from './web-app';

const WINDOW_MS = 60_000;

/** The orchestrator's probes must never be refused (metrics live on their own port). */
const EXEMPT_PATHS = new Set(['/health/live', '/health/ready']);

/* One round trip: count this request in the caller's current window. KEYS: the window's counter. ARGV: window ms. */
const COUNT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

interface Caller {
  key: string;
  limit: number;
}

/**
 * A fixed one-minute window per caller: the signed-in user, the API client,
 * or the client address for anyone without a valid token. Every answer says
 * where the caller stands (`RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset` in seconds, the IETF draft's separate fields); past the
 * limit, 429 with `Retry-After` until the window turns. A caller is known
 * only by a token whose signature checks out, so nobody can spend someone
 * else's allowance by naming them. If Redis cannot answer, requests go
 * through unlimited rather than all failing.
 */
export function installRateLimits(app: NestFastifyApplication, env: Environment): void {
  const fastify = app.getHttpAdapter().getInstance();
  const redis = app.get<Redis>(REDIS, { strict: false });
  const tokens = app.get(AccessTokens, { strict: false });
  const logger = new Logger('RateLimit');

  async function callerOf(request: FastifyRequest): Promise<Caller> {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      try {
        const claims = await tokens.verify(header.slice('Bearer '.length).trim());
        return claims.client
          ? { key: `client:${claims.client.id}`, limit: env.RATE_LIMIT_CLIENT_PER_MINUTE }
          : { key: `user:${claims.userId}`, limit: env.RATE_LIMIT_USER_PER_MINUTE };
      } catch {
        // An expired or forged token counts against its address; the guard refuses it later.
      }
    }
    return { key: `address:${request.ip}`, limit: env.RATE_LIMIT_ANONYMOUS_PER_MINUTE };
  }

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?', 1)[0];
    // The web app's files are public and the same for everyone: a school of providers behind one address
    // opening the app at the start of the day must not spend the address's sign-in allowance on them.
    if (EXEMPT_PATHS.has(path) || isWebAppPath(path)) return;
    const caller = await callerOf(request);
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    let count: number;
    try {
      count = Number(await redis.eval(COUNT, 1, `${env.REDIS_PREFIX}:ratelimit:${caller.key}:${window}`, WINDOW_MS));
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'rate limit unavailable; request let through');
      return;
    }
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    void reply.header('ratelimit-limit', String(caller.limit));
    void reply.header('ratelimit-remaining', String(Math.max(0, caller.limit - count)));
    void reply.header('ratelimit-reset', String(resetSeconds));
    if (count > caller.limit) {
      void reply.header('retry-after', String(resetSeconds));
      await reply.code(429).send({
        code: 'REQUEST.RATE_LIMITED',
        message: 'Too many requests; wait for Retry-After seconds',
        details: { retryAfterSeconds: resetSeconds },
        correlationId: String(request.id),
      });
      return reply;
    }
  });
}
