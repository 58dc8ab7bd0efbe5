import 'reflect-metadata';
import { messagingTransport } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { runCli, runService } from '@sessionledger/platform';
import { reconcileCommand } from './posting/reconcile.command';
import { SESSION_LOG_PERSISTENCE } from './session-log.persistence';
import { SessionLogModule } from './session-log.module';

runCli({
  serve: () =>
    runService({
      service: 'session-log',
      module: SessionLogModule,
      ...messagingTransport('session-log'),
    }),
  migrate: () => migrateFromEnvironment(SESSION_LOG_PERSISTENCE),
  reconcile: () => reconcileCommand(),
});
