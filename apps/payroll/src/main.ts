import 'reflect-metadata';
import { messagingServerFor } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { Metrics, runCli, runService } from '@sessionledger/platform';
import { PAYROLL_PERSISTENCE } from './payroll.persistence';
import { PayrollModule } from './payroll.module';

runCli({
  serve: () =>
    runService({
      service: 'payroll',
      module: PayrollModule,
      transport: (app, env) => messagingServerFor('payroll', env, app.get(Metrics)),
    }),
  migrate: () => migrateFromEnvironment(PAYROLL_PERSISTENCE),
});
