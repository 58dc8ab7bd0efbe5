import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { from, Observable, of, throwError } from 'rxjs';
import { catchError, finalize, mergeMap } from 'rxjs/operators';
import { Conflict, DomainError, invalid } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';
import type { Actor } from '@sessionledger/auth';
import { toErrorResponse } from './error-response';

const KEY_HEADER = 'idempotency-key';
const RETENTION_SECONDS = 24 * 3600;
/**
 * How long a running request's claim on its key lasts without renewal. The
 * gateway running it renews it while it runs; a gateway killed mid-request
 * stops renewing, so the client's retry (on another replica) runs within this
 * lease instead of being told "in progress" for a day.
 */
export const PENDING_LEASE_SECONDS = 30;
const LEASE_RENEWAL_MS = 10_000;
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
/** The methods that change something: a lost answer to any of them is retried with the same key. */
export const REPLAYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const NO_REPLAY_METADATA = 'sessionledger:no-idempotent-replay';

/**
 * Opts a controller or route out of idempotent replay: the header is ignored
 * and every request runs. For answers that must never be handed out twice or
 * whose refusal of a repeat is the point (tokens, refresh-token rotation).
 */
export const NoIdempotentReplay = (): ClassDecorator & MethodDecorator => SetMetadata(NO_REPLAY_METADATA, true);

interface StoredOutcome {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  body?: unknown;
}

/**
 * `Idempotency-Key` on every POST, PUT, PATCH and DELETE but `@NoIdempotentReplay()` ones. The first request with a key runs and its
 * answer (success or a 4xx refusal) is kept for 24 h; the same key with the
 * same body gets that answer again without running twice; with another body,
 * 422; while the first is still running, 409 (for as long as the gateway
 * running it lives: a claim is a renewed lease). A 5xx is not kept, so the
 * client may retry. Keys are scoped to the caller (user, or address before login).
 *
 * PATCH and PUT carry the version the client read, so a blind repeat would be
 * refused as stale although the first one was applied; with the key, an app
 * that sends again what it sent while the network dropped (the web app's
 * offline outbox) gets the first answer instead.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Environment,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // The gateway's event handlers (BullMQ) pass through this global interceptor too; they carry no HTTP request.
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers[KEY_HEADER];
    if (!REPLAYED_METHODS.has(request.method) || key === undefined || this.replayRefused(context)) return next.handle();
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      return throwError(
        () => invalid('Idempotency-Key', 'must be 1 to 255 visible ASCII characters'),
      );
    }
    const scope = request.actor ? `user:${request.actor.userId}` : `address:${request.ip}`;
    const storeKey = `${this.env.REDIS_PREFIX}:idempotency:${scope}:${sha256(key)}`;
    const fingerprint = sha256(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`);
    const successStatus: number = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);

    return from(this.claim(storeKey, fingerprint)).pipe(
      mergeMap((existing) => {
        if (existing) {
          void reply.status(existing.status ?? 200).header('idempotent-replayed', 'true');
          return of(existing.body);
        }
        // GT: a renewal never shortens the answer's 24 h once it is stored.
        const renewal = setInterval(() => void this.redis.expire(storeKey, PENDING_LEASE_SECONDS, 'GT').catch(() => undefined), LEASE_RENEWAL_MS);
        return next.handle().pipe(
          finalize(() => clearInterval(renewal)),
          mergeMap(async (body) => {
            await this.store(storeKey, { state: 'done', fingerprint, status: successStatus, body });
            return body;
          }),
          catchError(async (error: unknown) => {
            const response = toErrorResponse(error, String(request.id));
            if (response.status >= 500) await this.redis.del(storeKey).catch(() => undefined);
            else await this.store(storeKey, { state: 'done', fingerprint, status: response.status, body: response.body });
            throw error;
          }),
        );
      }),
    );
  }

  private replayRefused(context: ExecutionContext): boolean {
    return Boolean(Reflect.getMetadata(NO_REPLAY_METADATA, context.getHandler()) ?? Reflect.getMetadata(NO_REPLAY_METADATA, context.getClass()));
  }

  /** Returns the stored outcome to replay, or undefined when this request now owns the key. */
  private async claim(storeKey: string, fingerprint: string): Promise<StoredOutcome | undefined> {
    const pending: StoredOutcome = { state: 'pending', fingerprint };
    const claimed = await this.redis.set(storeKey, JSON.stringify(pending), 'EX', PENDING_LEASE_SECONDS, 'NX');
    if (claimed === 'OK') return undefined;
    const raw = await this.redis.get(storeKey);
    const stored = raw ? (JSON.parse(raw) as StoredOutcome) : undefined;
    if (!stored) throw new Conflict('IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key just finished; retry');
    if (stored.fingerprint !== fingerprint) {
      throw new DomainError(
        'unprocessable',
        'IDEMPOTENCY.KEY_REUSED',
        'This Idempotency-Key was already used with a different request',
        [{ field: 'Idempotency-Key', problems: ['already used with a different request body'] }],
      );
    }
    if (stored.state === 'pending') {
      throw new Conflict('IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed');
    }
    return stored;
  }

  private async store(storeKey: string, outcome: StoredOutcome): Promise<void> {
    await this.redis.set(storeKey, JSON.stringify(outcome), 'EX', RETENTION_SECONDS);
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
