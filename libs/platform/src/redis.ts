import Redis, { RedisOptions } from 'ioredis';

/**
 * Every Redis connection the platform opens. BullMQ's blocking connections
 * need `maxRetriesPerRequest: null`; plain commands fail fast instead so an
 * HTTP request never hangs on a Redis that is down.
 */
export function redisOptionsFrom(url: string, purpose: 'blocking' | 'commands'): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    lazyConnect: false,
    enableOfflineQueue: purpose === 'blocking',
    maxRetriesPerRequest: purpose === 'blocking' ? null : 1,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
}

export function createRedis(url: string, purpose: 'blocking' | 'commands', name: string): Redis {
  return new Redis({ ...redisOptionsFrom(url, purpose), connectionName: name });
}
