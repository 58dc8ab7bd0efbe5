import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';

/*
 * The login throttle's per-address count: an attempt counts as a failure
 * from the moment it is admitted, so parallel guesses cannot slip in under the
 * limit; a correct secret refunds it. KEYS: the address's count.
 * ARGV: limit, window s. Returns the seconds to wait, or 0 when admitted.
 */
const ADMIT = `
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[1]) or '0') >= limit then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then ttl = window end
  return ttl
end
if redis.call('INCR', KEYS[1]) == 1 or redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], window) end
return 0
`;

const SUCCEEDED = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 1
`;

/**
 * Failed client authentications per client address (LOGIN_MAX_ATTEMPTS_PER_ADDRESS
 * in LOGIN_THROTTLE_WINDOW_SECONDS). Secrets are 256 random bits, so this is
 * about load, not guessing; there is no count per client, which would let a
 * stranger lock a district's integration out.
 */
@Injectable()
export class ClientAuthThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Environment,
  ) {}

  private key(address: string): string {
    return `${this.env.REDIS_PREFIX}:oauth:client-auth:${address}`;
  }

  /** The seconds to wait before trying again, or 0 when this attempt may go ahead (counted until `recordSuccess`). */
  async admit(address: string): Promise<number> {
    return Number(await this.redis.eval(ADMIT, 1, this.key(address), this.env.LOGIN_MAX_ATTEMPTS_PER_ADDRESS, this.env.LOGIN_THROTTLE_WINDOW_SECONDS));
  }

  async recordSuccess(address: string): Promise<void> {
    await this.redis.eval(SUCCEEDED, 1, this.key(address));
  }
}
