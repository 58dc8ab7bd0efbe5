import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { DomainError } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';

/** How long an address where someone signed in keeps exempting them from that address's limit. */
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;
/** Above 2^20 s every delay is the cap anyway; keeps the arithmetic in exact integers. */
const MAX_DOUBLINGS = 20;

/*
 * Growing delay on one hash (`failures`, `until` in epoch ms). An attempt is
 * counted before its password is checked, so parallel guesses cannot all slip
 * in under the limit; a correct password deletes the hash or refunds the count.
 * Returns the seconds still to wait, or 0 when the attempt was counted and may go ahead.
 */
const DELAY_LUA = `
local function delayed(key, now, threshold, window, cap)
  local untilMs = tonumber(redis.call('HGET', key, 'until') or '0')
  if untilMs > now then return math.ceil((untilMs - now) / 1000) end
  local failures = redis.call('HINCRBY', key, 'failures', 1)
  local delay = 0
  if failures >= threshold then
    delay = math.min(2 ^ math.min(failures - threshold, ${MAX_DOUBLINGS}), cap)
    redis.call('HSET', key, 'until', string.format('%d', now + delay * 1000))
  end
  redis.call('EXPIRE', key, window + delay)
  return 0
end
`;

/*
 * KEYS: address failures, account-wide failures, account+address hash, known address.
 * ARGV: now ms, address limit, failures per account and address, account-wide ceiling, window s, delay cap s.
 */
const ADMIT_SIGN_IN = `${DELAY_LUA}
local now, addressLimit, threshold, ceiling, window, cap =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if tonumber(redis.call('GET', KEYS[1]) or '0') >= addressLimit and redis.call('EXISTS', KEYS[4]) == 0 then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then ttl = window end
  return {'address', ttl}
end
local accountFailures = tonumber(redis.call('GET', KEYS[2]) or '0')
if accountFailures >= ceiling then threshold = 1 end
local wait = delayed(KEYS[3], now, threshold, window, cap)
if wait > 0 then return {'account', wait} end
for _, key in ipairs({KEYS[1], KEYS[2]}) do
  if redis.call('INCR', key) == 1 or redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, window) end
end
return {'admitted', 0}
`;

/* KEYS: address failures, account-wide failures, account+address hash, known address. ARGV: known-address seconds. */
const SIGN_IN_SUCCEEDED = `
redis.call('DEL', KEYS[3])
for _, key in ipairs({KEYS[1], KEYS[2]}) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
redis.call('SET', KEYS[4], '1', 'EX', tonumber(ARGV[1]))
return 1
`;

/* KEYS: the signer's hash. ARGV: now ms, threshold, window s, delay cap s. */
const ADMIT_SIGNATURE = `${DELAY_LUA}
return delayed(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
`;

/**
 * Slows password guessing without letting a stranger lock anyone out.
 *
 * - Failures count per account *and* client address: past
 *   LOGIN_MAX_FAILURES_PER_ACCOUNT, each further try from that address waits
 *   1 s, 2 s, 4 s … up to LOGIN_THROTTLE_WINDOW_SECONDS. Someone guessing
 *   elsewhere never delays the owner's own address.
 * - Past LOGIN_ACCOUNT_WIDE_FAILURE_CEILING failures on an account from all
 *   addresses, the allowance per address drops to one failure: a botnet gets
 *   about one guess per address, and the owner, whose address has not failed,
 *   is still not delayed.
 * - Failures (never successes) count per address across accounts, against
 *   spraying many accounts from one place; an account that signed in from an
 *   address within 30 days is exempt there, so guesses from a school's shared
 *   address cannot lock out the staff who work there.
 * - E-signatures have their own counter per user: the signing routes are
 *   reached only with a valid token, and a stranger's failed sign-ins must not
 *   stop a provider from signing, nor a mistyped signature stop them signing in.
 *   The signing PIN and second-factor codes each have their own counter too.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Environment,
  ) {}

  private signInKeys(email: string, address: string): string[] {
    const prefix = `${this.env.REDIS_PREFIX}:login`;
    const account = email.toLowerCase();
    return [`${prefix}:address:${address}`, `${prefix}:account:${account}`, `${prefix}:pair:${account}:${address}`, `${prefix}:known:${account}:${address}`];
  }

  /** Counts this attempt as a failure until `recordSuccess`, or refuses it with 429 while its address or account is held back. */
  async admit(email: string, address: string): Promise<void> {
    const [outcome, wait] = (await this.redis.eval(
      ADMIT_SIGN_IN,
      4,
      ...this.signInKeys(email, address),
      Date.now(),
      this.env.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      this.env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      this.env.LOGIN_ACCOUNT_WIDE_FAILURE_CEILING,
      this.env.LOGIN_THROTTLE_WINDOW_SECONDS,
      this.env.LOGIN_THROTTLE_WINDOW_SECONDS,
    )) as [string, number];
    if (outcome === 'address') throw tooMany('AUTH.ADDRESS_THROTTLED', 'Too many failed sign-ins from this address; try again later', wait);
    if (outcome === 'account') throw tooMany('AUTH.ACCOUNT_THROTTLED', 'Too many failed sign-ins for this account from this address; try again later', wait);
  }

  async recordSuccess(email: string, address: string): Promise<void> {
    await this.redis.eval(SIGN_IN_SUCCEEDED, 4, ...this.signInKeys(email, address), KNOWN_ADDRESS_SECONDS);
  }

  private userKey(counter: UserCounter, userId: string): string {
    // The password signature keeps its original key, so counts survive a deploy.
    const name = counter === 'signature' ? 'signature:failures' : `${counter}:failures`;
    return `${this.env.REDIS_PREFIX}:${name}:${userId}`;
  }

  /** Counts this signature as a failure until `recordSignatureSuccess`, or refuses it with 429 while the signer is held back. */
  async admitSignature(userId: string, method: 'password' | 'pin' = 'password'): Promise<void> {
    const wait = await this.admitUser(method === 'pin' ? 'signing-pin' : 'signature', userId);
    if (wait > 0) throw tooMany('SIGNATURE.THROTTLED', method === 'pin' ? 'Too many wrong signing PINs; try again later' : 'Too many wrong signature passwords; try again later', wait);
  }

  async recordSignatureSuccess(userId: string, method: 'password' | 'pin' = 'password'): Promise<void> {
    await this.redis.del(this.userKey(method === 'pin' ? 'signing-pin' : 'signature', userId));
  }

  /** The same growing delays for second-factor codes (TOTP or recovery), per user: whoever tries them already has the password. */
  async admitSecondFactor(userId: string): Promise<void> {
    const wait = await this.admitUser('second-factor', userId);
    if (wait > 0) throw tooMany('AUTH.MFA_THROTTLED', 'Too many wrong second-factor codes; try again later', wait);
  }

  async recordSecondFactorSuccess(userId: string): Promise<void> {
    await this.redis.del(this.userKey('second-factor', userId));
  }

  private async admitUser(counter: UserCounter, userId: string): Promise<number> {
    return Number(
      await this.redis.eval(
        ADMIT_SIGNATURE,
        1,
        this.userKey(counter, userId),
        Date.now(),
        this.env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        this.env.LOGIN_THROTTLE_WINDOW_SECONDS,
        this.env.LOGIN_THROTTLE_WINDOW_SECONDS,
      ),
    );
  }
}

/** Counters kept per signed-in user: the password signature, the signing PIN, second-factor codes. */
type UserCounter = 'signature' | 'signing-pin' | 'second-factor';

function tooMany(code: string, message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('rate_limited', code, message, undefined, { retryAfterSeconds });
}
