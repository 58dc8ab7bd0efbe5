import { DynamicModule, Global, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Environment } from '@sessionledger/config';
import { HealthRegistry } from '@sessionledger/platform';
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
      providers: [TenantTransactions, DatabaseHealth],
      exports: [TenantTransactions],
    };
  }
}
