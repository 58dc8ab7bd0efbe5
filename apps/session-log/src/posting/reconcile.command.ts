import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadEnvironment } from '@sessionledger/config';
import { PersistenceModule } from '@sessionledger/persistence';
import { JsonLogger, PlatformModule } from '@sessionledger/platform';
import { SESSION_LOG_PERSISTENCE } from '../session-log.persistence';
import { Reconciler } from './reconciler';

@Module({
  imports: [ConfigModule, PlatformModule.forService('session-log-operator'), PersistenceModule.forService(SESSION_LOG_PERSISTENCE)],
  providers: [Reconciler],
})
class ReconcileOperatorModule {}

/**
 * `reconcile`: one reconciliation pass now, with the app's own role, printed
 * as JSON. It only touches PostgreSQL: a running session-log's relay
 * publishes what it marks for republishing.
 */
export async function reconcileCommand(): Promise<void> {
  const env = loadEnvironment();
  const context = await NestFactory.createApplicationContext(ReconcileOperatorModule, { logger: new JsonLogger('session-log-operator', env.LOG_LEVEL) });
  try {
    const report = await context.get(Reconciler).reconcileOnce();
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (!report.ran) throw new Error('another session-log replica is reconciling right now; nothing was done (run it again)');
  } finally {
    await context.close();
  }
}
