import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { BACKEND_SERVICES, BackendService, schemaOf } from '@sessionledger/contracts';
import { currentTestRun, databaseUrl, stopApps, testEnvironmentFor, waitFor } from '@sessionledger/testing';
import { seedDemoCommand } from '../src/operator/seed-demo.command';
import { rosterImportCommand } from '../src/roster/roster-import.command';
import { startBackend } from './support/backends';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

const SAMPLE_ROSTER = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'sample_constructed_v1.2');

interface ReplicaRow {
  service: BackendService;
  state_school_code: string | null;
  active: boolean;
  version: number;
}

/**
 * Every way a school is written must reach every service's copy, with its
 * state code: posted snapshots and the state's report read the codes there
 * (they were lost for schools the seed and roster import wrote).
 */
describe('Schools reach every service, whoever writes them', () => {
  let gateway: NestFastifyApplication;
  const backends: NestFastifyApplication[] = [];
  let district: TestDistrict;
  let admin: Session;
  let pg: Client;

  beforeAll(async () => {
    gateway = await startGateway({ OUTBOX_RELAY_ENABLED: 'true' });
    for (const service of BACKEND_SERVICES) backends.push(await startBackend(service));
    district = await createDistrict(gateway, 1);
    admin = await signIn(gateway, district.admin.email);
    pg = new Client({ connectionString: databaseUrl(currentTestRun().database) });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await stopApps(gateway, ...backends);
  });

  async function replicas(schoolId: string): Promise<ReplicaRow[]> {
    const rows: ReplicaRow[] = [];
    for (const service of BACKEND_SERVICES) {
      const result = await pg.query(`select state_school_code, active, version from ${schemaOf(service)}.school_replica where id = $1`, [schoolId]);
      rows.push(...result.rows.map((row) => ({ service, ...row })));
    }
    return rows;
  }

  async function expectEverywhere(schoolId: string, expected: { code: string; active?: boolean; version?: number }): Promise<void> {
    const matches = (rows: ReplicaRow[]) =>
      rows.length === BACKEND_SERVICES.length &&
      rows.every((row) => row.state_school_code === expected.code && (expected.active === undefined || row.active === expected.active) && (expected.version === undefined || row.version === expected.version));
    await waitFor(async () => matches(await replicas(schoolId)), 20_000).catch(() => undefined);
    expect(await replicas(schoolId)).toEqual(
      BACKEND_SERVICES.map((service) => ({ service, state_school_code: expected.code, active: expected.active ?? true, version: expected.version ?? expect.any(Number) })),
    );
  }

  async function schoolIdByCode(code: string): Promise<string> {
    const result = await pg.query(`select id from gateway.school where state_school_code = $1`, [code]);
    expect(result.rows).toHaveLength(1);
    return result.rows[0].id;
  }

  it('announces a school written straight into the directory tables (as the test harness and migrations do)', async () => {
    await expectEverywhere(district.schools[0].id, { code: district.schools[0].stateSchoolCode });
  });

  it('announces a school created, renumbered and deactivated through the API, newest version winning', async () => {
    const created = await as(gateway, admin).post('/api/schools').send({ name: 'Api Elementary', stateSchoolCode: '880001' }).expect(201);
    await expectEverywhere(created.body.id, { code: '880001', version: 1 });
    const renumbered = await as(gateway, admin).patch(`/api/schools/${created.body.id}`).send({ version: 1, stateSchoolCode: '880002' }).expect(200);
    expect(renumbered.body.version).toBe(2);
    await expectEverywhere(created.body.id, { code: '880002', version: 2 });
    await as(gateway, admin).post(`/api/schools/${created.body.id}/deactivate`).expect(200);
    await expectEverywhere(created.body.id, { code: '880002', active: false, version: 3 });
  });

  /** Runs an operator command as `main.js <command>` would, against this run's database. */
  async function operator(command: (args: string[]) => Promise<unknown>, args: string[]): Promise<void> {
    const saved = { ...process.env };
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      Object.assign(process.env, testEnvironmentFor('gateway', currentTestRun()));
      await command(args);
    } finally {
      write.mockRestore();
      process.env = saved;
    }
  }

  it('announces the schools a roster import writes (operator command)', async () => {
    await operator(rosterImportCommand, ['--district', district.id, '--dir', SAMPLE_ROSTER]);
    await expectEverywhere(await schoolIdByCode('1234500001'), { code: '1234500001', version: 1 });
  });

  it('announces the demo seed’s schools (operator command), whose numeric state ids Ed-Fi accepts', async () => {
    await operator(seedDemoCommand, []);
    const result = await pg.query(
      `select s.id, s.state_school_code from gateway.school s join gateway.district d on d.id = s.district_id where d.name = $1 order by s.name`,
      ['Demo Unified School District'],
    );
    expect(result.rows.map((row) => row.state_school_code)).toEqual(['255901101', '255901041']);
    for (const row of result.rows) {
      expect(row.state_school_code).toMatch(/^[0-9]{1,9}$/);
      await expectEverywhere(row.id, { code: row.state_school_code, version: 1 });
    }
  });
});
