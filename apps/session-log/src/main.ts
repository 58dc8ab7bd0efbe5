import 'reflect-metadata';
import { messagingServerFor } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { Metrics, runCli, runService } from '@sessionledger/platform';
import { SESSION_LOG_PERSISTENCE } from './session-log.persistence';
import { SessionLogModule } from './session-log.module';

runCli({
  serve: () =>
    runService({
      service: 'session-log',
      module: SessionLogModule,
      transport: (app, env) => messagingServerFor('session-log', env, app.get(Metrics)),
    }),
  migrate: () => migrateFromEnvironment(SESSION_LOG_PERSISTENCE),
});
