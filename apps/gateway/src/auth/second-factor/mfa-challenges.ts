import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { Unauthenticated } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';
import { SignInMethod } from '../sign-ins/sign-in.entity';
import { MfaChallenge } from './second-factor.dto';
import { SecondFactors } from './second-factors';

/** Wrong codes one mfaToken survives; then the password (or SSO) step must be done again. */
const MAX_CODES_PER_TOKEN = 5;

interface PendingSignIn {
  districtId: string;
  userId: string;
  method: SignInMethod;
}

const tokenInvalid = () => new Unauthenticated('AUTH.MFA_TOKEN_INVALID', 'This sign-in has expired or was already completed; sign in again');

/**
 * Sign-ins waiting for their second factor. The first step (password or SSO)
 * of an account with an authenticator answers an `mfaToken` instead of
 * tokens: 256 random bits, kept in Redis (SHA-256 only) for
 * MFA_TOKEN_TTL_SECONDS with the user, district and first method, and spent
 * by the one request that completes the sign-in.
 */
@Injectable()
export class MfaChallenges {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Environment,
    private readonly factors: SecondFactors,
  ) {}

  /** A challenge when the user has an authenticator; undefined when the first factor suffices. */
  async challengeFor(districtId: string, userId: string, method: SignInMethod): Promise<MfaChallenge | undefined> {
    const { enrolled } = await this.factors.state(districtId, userId);
    if (!enrolled) return undefined;
    const mfaToken = randomBytes(32).toString('base64url');
    const key = this.key(mfaToken);
    const ttl = this.env.MFA_TOKEN_TTL_SECONDS;
    await this.redis.multi().hset(key, { districtId, userId, method, failures: 0 }).expire(key, ttl).exec();
    return { mfaRequired: true, mfaToken, expiresIn: ttl };
  }

  async pending(mfaToken: string): Promise<PendingSignIn> {
    const pending = (await this.redis.hgetall(this.key(mfaToken))) as Partial<PendingSignIn>;
    if (!pending.districtId || !pending.userId || !pending.method) throw tokenInvalid();
    return pending as PendingSignIn;
  }

  async countFailure(mfaToken: string): Promise<void> {
    const key = this.key(mfaToken);
    if ((await this.redis.hincrby(key, 'failures', 1)) >= MAX_CODES_PER_TOKEN) await this.redis.del(key);
  }

  /** Of two requests completing the same sign-in, only the one that removes the token may go on. */
  async spend(mfaToken: string): Promise<void> {
    if ((await this.redis.del(this.key(mfaToken))) !== 1) throw tokenInvalid();
  }

  private key(mfaToken: string): string {
    return `${this.env.REDIS_PREFIX}:mfa:sign-in:${createHash('sha256').update(mfaToken).digest('hex')}`;
  }
}
