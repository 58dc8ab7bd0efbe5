import 'reflect-metadata';
import { messagingTransport } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { runCli, runService } from '@sessionledger/platform';
import { SCHEDULING_PERSISTENCE } from './scheduling.persistence';
import { SchedulingModule } from './scheduling.module';

runCli({
  serve: () =>
    runService({
      service: 'scheduling',
      module: SchedulingModule,
      ...messagingTransport('scheduling'),
    }),
  migrate: () => migrateFromEnvironment(SCHEDULING_PERSISTENCE),
});
