import 'reflect-metadata';
import { messagingTransport } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { runCli, runService } from '@sessionledger/platform';
import { STATE_REPORTING_PERSISTENCE } from './state-reporting.persistence';
import { StateReportingModule } from './state-reporting.module';

runCli({
  serve: () =>
    runService({
      service: 'state-reporting',
      module: StateReportingModule,
      ...messagingTransport('state-reporting'),
    }),
  migrate: () => migrateFromEnvironment(STATE_REPORTING_PERSISTENCE),
});
