import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { requestContext } from '@sessionledger/common';
import { ConfigModule, loadEnvironment } from '@sessionledger/config';
import { PersistenceModule } from '@sessionledger/persistence';
import { HealthRegistry, JsonLogger } from '@sessionledger/platform';
import { AuditLogModule } from '../audit/audit.module';
import { GATEWAY_PERSISTENCE } from '../gateway.persistence';
import { RosterImporter } from './import/roster-importer';
import { RunRosterImport } from './use-cases/run-roster-import.use-case';

/**
 * The process one roster import runs in, forked by RosterImportQueue with its
 * own heap limit: `roster-import.child.js DISTRICT_ID IMPORT_ID`. It holds no
 * HTTP server, metrics port or queue of its own (the parent owns the job), only
 * persistence and the importer, and exits when the import is recorded.
 */
@Global()
@Module({ providers: [{ provide: HealthRegistry, useValue: new HealthRegistry() }], exports: [HealthRegistry] })
class ChildHealthModule {}

@Module({
  imports: [ConfigModule, ChildHealthModule, PersistenceModule.forService(GATEWAY_PERSISTENCE), AuditLogModule],
  providers: [RosterImporter, RunRosterImport],
})
class RosterImportChildModule {}

async function main(): Promise<void> {
  const [districtId, importId] = process.argv.slice(2);
  // The parent is gone (it died or was killed): stop now; the transaction rolls back and the job is retried elsewhere.
  process.on('disconnect', () => process.exit(70));
  const env = loadEnvironment();
  const context = await NestFactory.createApplicationContext(RosterImportChildModule, { logger: new JsonLogger('gateway-roster-import', env.LOG_LEVEL) });
  try {
    await requestContext.run({ correlationId: importId, districtId }, () => context.get(RunRosterImport).execute(districtId, importId));
  } finally {
    await context.close();
  }
}

function tell(message: object): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, () => resolve());
  });
}

main().then(
  async () => {
    await tell({ done: true, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
    process.exit(0);
  },
  async (error: unknown) => {
    process.stderr.write(`roster import worker failed: ${(error as Error)?.stack ?? String(error)}\n`);
    await tell({ error: String((error as Error)?.message ?? error) });
    process.exit(1);
  },
);
