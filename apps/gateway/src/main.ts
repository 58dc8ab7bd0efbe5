import 'reflect-metadata';
import { migrateFromEnvironment } from '@sessionledger/persistence';
import { runCli, runService } from '@sessionledger/platform';
import { GATEWAY_BOOTSTRAP } from './gateway.bootstrap';
import { GATEWAY_PERSISTENCE } from './gateway.persistence';
import { createDistrictCommand } from './operator/create-district.command';
import { seedDemoCommand } from './operator/seed-demo.command';
import { rosterImportCommand } from './roster/roster-import.command';

runCli({
  serve: () => runService(GATEWAY_BOOTSTRAP),
  migrate: () => migrateFromEnvironment(GATEWAY_PERSISTENCE),
  'create-district': createDistrictCommand,
  'seed-demo': seedDemoCommand,
  'roster-import': rosterImportCommand,
});
