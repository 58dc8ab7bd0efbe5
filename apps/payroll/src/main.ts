import 'reflect-metadata';
import { messagingTransport } from '@sessionledger/messaging';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { runCli, runService } from '@sessionledger/platform';
import { PAYROLL_PERSISTENCE } from './payroll.persistence';
import { PayrollModule } from './payroll.module';

runCli({
  serve: () =>
    runService({
      service: 'payroll',
      module: PayrollModule,
      ...messagingTransport('payroll'),
    }),
  migrate: () => migrateFromEnvironment(PAYROLL_PERSISTENCE),
});
