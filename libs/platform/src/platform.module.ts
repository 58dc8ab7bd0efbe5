import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Environment } from '@sessionledger/config';
import { HealthRegistry } from './health';
import { Metrics } from './metrics';
import { MetricsServer } from './metrics-server';
import { OpsController } from './ops.controller';
import { createRedis } from './redis';

export const SERVICE_NAME = Symbol('SERVICE_NAME');
/** A general-purpose Redis connection (throttles, caches); queues open their own. */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'redis',
      check: async () => {
        const answer = await this.redis.ping();
        if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
      },
    });
  }

  beforeApplicationShutdown(): void {
    this.health.startDraining();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class PlatformModule {
  static forService(service: string): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [OpsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: Metrics, useValue: new Metrics(service) },
        { provide: HealthRegistry, useValue: new HealthRegistry() },
        {
          provide: REDIS,
          inject: [Environment],
          useFactory: (env: Environment) => createRedis(env.REDIS_URL, 'commands', `${service}:general`),
        },
        RedisLifecycle,
        MetricsServer,
      ],
      exports: [SERVICE_NAME, Metrics, HealthRegistry, REDIS, MetricsServer],
    };
  }
}
