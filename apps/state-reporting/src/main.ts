import 'reflect-metadata';
import { messagingServerFor } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { Metrics, runCli, runService } from '@sessionledger/platform';
import { STATE_REPORTING_PERSISTENCE } from './state-reporting.persistence';
import { StateReportingModule } from './state-reporting.module';

runCli({
  serve: () =>
    runService({
      service: 'state-reporting',
      module: StateReportingModule,
      transport: (app, env) => messagingServerFor('state-reporting', env, app.get(Metrics)),
    }),
  migrate: () => migrateFromEnvironment(STATE_REPORTING_PERSISTENCE),
});
