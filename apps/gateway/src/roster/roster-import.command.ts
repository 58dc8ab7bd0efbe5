import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isUuid } from '@sessionledger/common';
import { ConfigModule, loadEnvironment } from '@sessionledger/config';
import { PersistenceModule, TenantTransactions } from '@sessionledger/persistence';
import { JsonLogger, PlatformModule } from '@sessionledger/platform';
import { GATEWAY_PERSISTENCE } from '../gateway.persistence';
import { HeaderRefused, Notice } from './oneroster/oneroster-files';
import { csvLimitsOf, preflight, RosterRefused } from './import/roster-importer';
import { directoryFiles, NamedFile, rosterSourceOf, zipFiles, zipLimitsOf } from './import/roster-sources';
import { RosterImport } from './roster-import.entity';
import { toRosterImportResponse } from './roster-import.queries';
import { RosterImportCoreModule } from './roster.module';
import { RunRosterImport } from './use-cases/run-roster-import.use-case';
import { ZipRefused } from './zip/zip-archive';

const USAGE = `roster-import --district DISTRICT_ID (--dir DIRECTORY | --zip FILE) [--dry-run]
  Imports a OneRoster 1.1 / 1.2 CSV set from disk into the district, in this process,
  and prints the result as JSON (the import is also listed at GET /api/roster/imports).`;

@Module({ imports: [ConfigModule, PlatformModule.forService('gateway-operator'), PersistenceModule.forService(GATEWAY_PERSISTENCE), RosterImportCoreModule] })
class RosterOperatorModule {}

export async function rosterImportCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { district: { type: 'string' }, dir: { type: 'string' }, zip: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.district || !isUuid(values.district) || Boolean(values.dir) === Boolean(values.zip)) throw new Error(`missing or bad arguments\n${USAGE}`);
  if (values.dir && !(await stat(values.dir)).isDirectory()) throw new Error(`${values.dir} is not a directory`);
  const env = loadEnvironment();
  const notices: Notice[] = [];
  let source;
  try {
    const files: NamedFile[] = values.dir ? await directoryFiles(values.dir) : await zipFiles(await readFile(values.zip!), zipLimitsOf(env));
    source = rosterSourceOf(files, notices);
    await preflight(source, notices, csvLimitsOf(env));
  } catch (error) {
    if (error instanceof HeaderRefused || error instanceof RosterRefused || error instanceof ZipRefused) throw new Error(`refused, nothing was imported: ${error.message}`);
    throw error;
  }

  const context: INestApplicationContext = await NestFactory.createApplicationContext(RosterOperatorModule, { logger: new JsonLogger('gateway-operator', env.LOG_LEVEL) });
  try {
    const districtId = values.district;
    const record = await context.get(TenantTransactions).run(districtId, async (em) => {
      const created = new RosterImport(districtId, { dryRun: values['dry-run']!, source: 'operator', fileNames: source.files(), requestedBy: null, notices });
      em.persist(created);
      await em.flush();
      return created;
    });
    const finished = await context.get(RunRosterImport).execute(districtId, record.id, async () => source);
    const result = finished ? toRosterImportResponse(finished) : undefined;
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (result?.status !== 'succeeded') throw new Error(result?.failure?.message ?? 'the import did not run');
  } finally {
    await context.close();
  }
}
