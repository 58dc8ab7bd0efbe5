import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { DomainError } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';

/**
 * Slows password guessing without locking anyone out for good. Failed
 * sign-ins count per account and all attempts per client address, each in a
 * window that lifts by itself; a correct password clears the account's count.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Environment,
  ) {}

  private accountKey(email: string): string {
    return `${this.env.REDIS_PREFIX}:login:account:${email.toLowerCase()}`;
  }

  private addressKey(address: string): string {
    return `${this.env.REDIS_PREFIX}:login:address:${address}`;
  }

  /** Counts this attempt against the address and refuses when either limit is already reached. */
  async admit(email: string, address: string): Promise<void> {
    const window = this.env.LOGIN_THROTTLE_WINDOW_SECONDS;
    const [[, attempts], [, addressTtl], [, failures], [, accountTtl]] = (await this.redis
      .multi()
      .incr(this.addressKey(address))
      .ttl(this.addressKey(address))
      .get(this.accountKey(email))
      .ttl(this.accountKey(email))
      .exec()) as [unknown, number | string | null][];
    if (Number(addressTtl) < 0) await this.redis.expire(this.addressKey(address), window);
    if (Number(attempts) > this.env.LOGIN_MAX_ATTEMPTS_PER_ADDRESS) {
      throw tooMany('AUTH.ADDRESS_THROTTLED', 'Too many sign-in attempts from this address', Number(addressTtl) > 0 ? Number(addressTtl) : window);
    }
    if (Number(failures ?? 0) >= this.env.LOGIN_MAX_FAILURES_PER_ACCOUNT) {
      throw tooMany('AUTH.ACCOUNT_THROTTLED', 'Too many failed sign-ins for this account; try again later', Number(accountTtl) > 0 ? Number(accountTtl) : window);
    }
  }

  /**
   * Refuses an account that has failed too often, without counting against
   * the client address: e-signatures come from signed-in staff, often many
   * behind one school address, and their tokens already identify them.
   */
  async admitAccount(email: string): Promise<void> {
    const [[, failures], [, ttl]] = (await this.redis.multi().get(this.accountKey(email)).ttl(this.accountKey(email)).exec()) as [unknown, number | string | null][];
    if (Number(failures ?? 0) >= this.env.LOGIN_MAX_FAILURES_PER_ACCOUNT) {
      const window = this.env.LOGIN_THROTTLE_WINDOW_SECONDS;
      throw tooMany('AUTH.ACCOUNT_THROTTLED', 'Too many failed password checks for this account; try again later', Number(ttl) > 0 ? Number(ttl) : window);
    }
  }

  async recordFailure(email: string): Promise<void> {
    const key = this.accountKey(email);
    await this.redis.multi().incr(key).expire(key, this.env.LOGIN_THROTTLE_WINDOW_SECONDS, 'NX').exec();
  }

  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(this.accountKey(email));
  }
}

function tooMany(code: string, message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('rate_limited', code, message, undefined, { retryAfterSeconds });
}
