import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateService } from '@sessionledger/persistence';
import { createDatabase, currentTestRun, databaseUrl, stopApps } from '@sessionledger/testing';
import { GATEWAY_PERSISTENCE } from '../src/gateway.persistence';
import { as, createDistrict, signIn, startGateway } from './support/gateway-harness';

const run = promisify(execFile);

/** The commands of docs/operations.md, as an operator runs them. */
async function backup(database: string, file: string): Promise<void> {
  await run('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${databaseUrl(database)}`]);
}

async function restore(file: string, database: string): Promise<void> {
  await createDatabase(database);
  await run('pg_restore', ['--exit-on-error', '--single-transaction', `--dbname=${databaseUrl(database)}`, file]);
}

const schoolNames = async (app: NestFastifyApplication, email: string) => {
  const response = await as(app, await signIn(app, email)).get('/api/schools?pageSize=100').expect(200);
  return (response.body.items as { name: string }[]).map((school) => school.name).sort();
};

describe('Backup and restore (docs/operations.md)', () => {
  it('restores a pg_dump into a new database that a gateway starts on and serves the backed-up data from', async () => {
    const original = currentTestRun().database;
    const restored = `${original}_restored`;
    const dir = await mkdtemp(join(tmpdir(), 'sl-backup-'));
    const file = join(dir, 'sessionledger.dump');
    let before: NestFastifyApplication | undefined;
    let after: NestFastifyApplication | undefined;
    try {
      before = await startGateway();
      const district = await createDistrict(before, 2);
      const admin = as(before, await signIn(before, district.admin.email));
      await admin.post('/api/schools').send({ name: 'Backed Up Middle School', stateSchoolCode: 'BK-1' }).expect(201);
      const backedUp = await schoolNames(before, district.admin.email);
      expect(backedUp).toHaveLength(3);

      await backup(original, file);
      expect((await stat(file)).size).toBeGreaterThan(10_000);
      // Written after the backup: a restore must not have it.
      await admin.post('/api/schools').send({ name: 'Too Late High School', stateSchoolCode: 'BK-2' }).expect(201);
      expect(await schoolNames(before, district.admin.email)).toHaveLength(4);
      // `before` keeps running: a gateway started in this process shares its readiness registry, and a stopped one reads as draining.

      await restore(file, restored);
      // The upgrade step after a restore: every migration the dump carries is known, none runs again.
      const applied = await migrateService(GATEWAY_PERSISTENCE, { migrationUrl: databaseUrl(restored), appUrl: databaseUrl(restored, 'sl_gateway') });
      expect(applied).toEqual([]);

      after = await startGateway({ DATABASE_URL: databaseUrl(restored, 'sl_gateway'), MIGRATION_DATABASE_URL: databaseUrl(restored) });
      const ready = await as(after, await signIn(after, district.admin.email)).get('/health/ready').expect(200);
      expect(ready.body.checks.postgres.status).toBe('up');
      expect(await schoolNames(after, district.admin.email)).toEqual(backedUp);
      expect(backedUp).toContain('Backed Up Middle School');

      // The restored data is still fenced per district by row-level security as the app's role.
      const stranger = await createDistrict(after, 1);
      expect(await schoolNames(after, stranger.admin.email)).toEqual([stranger.schools[0].name]);
    } finally {
      await stopApps(before, after);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
