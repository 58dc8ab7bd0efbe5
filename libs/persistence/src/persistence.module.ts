import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Environment } from '@sessionledger/config';
import { HealthRegistry, Metrics } from '@sessionledger/platform';
import { ormConfigFor, ServicePersistence } from './orm-config';
import { TenantTransactions } from './tenant-transactions';

@Injectable()
class DatabaseHealth implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'postgres',
      check: async () => {
        await this.orm.em.getConnection().execute('select 1');
      },
    });
  }
}

/** The part of knex's tarn pool the gauges read. */
interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * The pool's figures at scrape time: `pending` above 0 for long means requests
 * wait for a connection (DATABASE_POOL_MAX too low, or a slow query holding them).
 * Processes without a metrics registry (the roster import child) report nothing.
 */
@Injectable()
class DatabasePoolMetrics implements OnModuleInit, OnApplicationShutdown {
  private removeHook?: () => void;

  constructor(
    private readonly orm: MikroORM,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    const metrics = this.metrics;
    if (!metrics) return;
    this.removeHook = metrics.onScrape(() => {
      const pool = (this.orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
      if (!pool) return;
      metrics.dbPoolMax.set(pool.max);
      metrics.dbPoolConnections.set({ state: 'used' }, pool.numUsed());
      metrics.dbPoolConnections.set({ state: 'free' }, pool.numFree());
      metrics.dbPoolConnections.set({ state: 'pending' }, pool.numPendingAcquires());
    });
  }

  onApplicationShutdown(): void {
    this.removeHook?.();
  }
}

@Global()
@Module({})
export class PersistenceModule {
  static forService(persistence: ServicePersistence): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        MikroOrmModule.forRootAsync({
          inject: [Environment],
          useFactory: (env: Environment) =>
            ormConfigFor(persistence, { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX }),
          driver: PostgreSqlDriver,
        }),
      ],
      providers: [TenantTransactions, DatabaseHealth, DatabasePoolMetrics],
      exports: [TenantTransactions],
    };
  }
}
