import 'reflect-metadata';
import { messagingServerFor } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { Metrics, runCli, runService } from '@sessionledger/platform';
import { SCHEDULING_PERSISTENCE } from './scheduling.persistence';
import { SchedulingModule } from './scheduling.module';

runCli({
  serve: () =>
    runService({
      service: 'scheduling',
      module: SchedulingModule,
      transport: (app, env) => messagingServerFor('scheduling', env, app.get(Metrics)),
    }),
  migrate: () => migrateFromEnvironment(SCHEDULING_PERSISTENCE),
});
