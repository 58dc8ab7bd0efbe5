import 'tsconfig-paths/register';
import 'reflect-metadata';
import { SERVICES } from '@sessionledger/contracts';
import { migrateService } from '@sessionledger/persistence';
import { appRoleOf, databaseUrl } from '@sessionledger/testing';
import { PERSISTENCE_BY_SERVICE } from './all-services';

/**
 * Runs in its own process: MikroORM keeps global metadata, and an ORM started
 * in jest's global setup breaks the ORMs the tests start later in the same process.
 */
async function main(database: string): Promise<void> {
  for (const service of SERVICES) {
    await migrateService(PERSISTENCE_BY_SERVICE[service], {
      migrationUrl: databaseUrl(database),
      appUrl: databaseUrl(database, appRoleOf(service)),
    });
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
