import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadEnvironment } from '@sessionledger/config';
import { PersistenceModule } from '@sessionledger/persistence';
import { JsonLogger, PlatformModule } from '@sessionledger/platform';
import { AuditLogModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { DirectoryModule } from '../directory/directory.module';
import { GATEWAY_PERSISTENCE } from '../gateway.persistence';
import { DemoSeeder } from './demo-seeder';

@Module({
  imports: [ConfigModule, PlatformModule.forService('gateway-operator'), PersistenceModule.forService(GATEWAY_PERSISTENCE), AuditLogModule, AuthModule, DirectoryModule],
  providers: [DemoSeeder],
})
export class OperatorModule {}

/** Operator commands run with the gateway's own role and row-level security, like the API. */
export async function withOperatorContext<T>(work: (context: INestApplicationContext) => Promise<T>): Promise<T> {
  const env = loadEnvironment();
  const context = await NestFactory.createApplicationContext(OperatorModule, { logger: new JsonLogger('gateway-operator', env.LOG_LEVEL) });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
