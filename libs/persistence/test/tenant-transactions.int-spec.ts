import { MikroORM } from '@mikro-orm/postgresql';
import { TENANT_FILTER, TenantTransactions } from '@sessionledger/persistence';
import { District, School } from '../../../apps/gateway/src/directory/directory.entities';
import { GATEWAY_PERSISTENCE } from '../../../apps/gateway/src/gateway.persistence';
import { gatewayOrm, SeededDistrict, seedDistrict } from './gateway-tenants';

class AbortedMidTransaction extends Error {}

interface Sighting {
  pid: number;
  setting: string;
  ormSchools: { id: string; districtId: string }[];
  unfilteredSchools: string[];
  rawDistricts: string[];
}

const REQUESTS = 1_000;
const ABORTS_EVERY = 25;
const UNSCOPED_PROBE_EVERY = 10;

describe(TenantTransactions.name, () => {
  let orm: MikroORM;
  let tenants: TenantTransactions;
  let a: SeededDistrict;
  let b: SeededDistrict;

  beforeAll(async () => {
    orm = await gatewayOrm(2);
    tenants = new TenantTransactions(orm);
    a = await seedDistrict(tenants, 3);
    b = await seedDistrict(tenants, 4);
  });

  afterAll(async () => {
    await orm?.close(true);
  });

  it('keeps 1,000 interleaved requests of two districts on a pool of 2 apart, and a rolled-back one leaves no district behind', async () => {
    const sightings = new Map<number, number[]>();
    const look = async (districtId: string, i: number): Promise<Sighting> =>
      tenants.run(districtId, async (em) => {
        const [{ pid, setting }] = await em.execute<{ pid: number; setting: string }[]>(
          `select pg_backend_pid() as pid, current_setting('app.district_id', true) as setting`,
        );
        const ormSchools = (await em.find(School, {}, { orderBy: { id: 'asc' } })).map(({ id, districtId }) => ({ id, districtId }));
        const unfiltered = await em.find(School, {}, { filters: false, orderBy: { id: 'asc' } });
        const raw = await em.execute<{ district_id: string }[]>('select district_id from gateway.school');
        sightings.set(pid, [...(sightings.get(pid) ?? []), i]);
        if (i % ABORTS_EVERY === 7) {
          await em.execute(`update gateway.school set name = name where district_id = ?`, [districtId]);
          throw new AbortedMidTransaction(`request ${i} fails after reading`);
        }
        return {
          pid,
          setting,
          ormSchools,
          unfilteredSchools: unfiltered.map((school) => school.id),
          rawDistricts: raw.map((row) => row.district_id),
        };
      });
    const unscopedProbe = () => orm.em.fork().execute<{ district_id: string }[]>('select district_id from gateway.school');

    const requests: { own: SeededDistrict; i: number; outcome: Promise<{ sighting: Sighting } | { error: unknown }> }[] = [];
    const probes: Promise<{ district_id: string }[]>[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const own = i % 2 === 0 ? a : b;
      const outcome = look(own.districtId, i).then(
        (sighting) => ({ sighting }),
        (error: unknown) => ({ error }),
      );
      requests.push({ own, i, outcome });
      if (i % UNSCOPED_PROBE_EVERY === 8) probes.push(unscopedProbe());
    }

    let aborted = 0;
    for (const { own, i, outcome } of requests) {
      const result = await outcome;
      if ('error' in result) {
        expect(result.error).toBeInstanceOf(AbortedMidTransaction);
        expect(i % ABORTS_EVERY).toBe(7);
        aborted += 1;
        continue;
      }
      const { setting, ormSchools, unfilteredSchools, rawDistricts } = result.sighting;
      expect({ i, setting }).toEqual({ i, setting: own.districtId });
      expect({ i, ormSchools }).toEqual({ i, ormSchools: own.schoolIds.map((id) => ({ id, districtId: own.districtId })) });
      expect({ i, unfilteredSchools }).toEqual({ i, unfilteredSchools: own.schoolIds });
      expect({ i, rawDistricts }).toEqual({ i, rawDistricts: own.schoolIds.map(() => own.districtId) });
    }
    expect(aborted).toBe(REQUESTS / ABORTS_EVERY);
    for (const rows of await Promise.all(probes)) expect(rows).toEqual([]);

    const pids = [...sightings.keys()];
    expect(pids).toHaveLength(2);
    for (const served of sightings.values()) {
      expect(served.some((i) => i % 2 === 0)).toBe(true);
      expect(served.some((i) => i % 2 === 1)).toBe(true);
    }

    const afterwards = await Promise.all(
      [0, 1].map(() =>
        tenants.runWithoutTenant(async (em) => {
          const [{ pid, setting }] = await em.execute<{ pid: number; setting: string | null }[]>(
            `select pg_backend_pid() as pid, current_setting('app.district_id', true) as setting, pg_sleep(0.1)`,
          );
          const rows = await em.execute('select district_id from gateway.school');
          return { pid, setting, rows };
        }),
      ),
    );
    expect(afterwards.map(({ pid }) => pid).sort()).toEqual(pids.sort());
    for (const { setting, rows } of afterwards) {
      expect(setting ?? '').toBe('');
      expect(rows).toEqual([]);
    }
  });

  describe('the ORM tenant filter', () => {
    it('is on by default for every gateway entity that lives in a district', () => {
      for (const entity of GATEWAY_PERSISTENCE.entities) {
        const meta = orm.getMetadata().get(entity.name);
        const keyedOn = meta.className === District.name ? 'id' : 'districtId';
        expect({ entity: entity.name, hasDistrict: keyedOn in meta.properties, filter: meta.filters[TENANT_FILTER]?.default }).toEqual({
          entity: entity.name,
          hasDistrict: true,
          filter: true,
        });
      }
    });

    it('refuses em.find(School, {}) on a fork with no district', async () => {
      const em = orm.em.fork();
      await expect(em.find(School, {})).rejects.toThrow(`No arguments provided for filter '${TENANT_FILTER}'`);
      await expect(em.findOne(School, { id: a.schoolIds[0] })).rejects.toThrow(`No arguments provided for filter '${TENANT_FILTER}'`);
      await expect(em.count(School, {})).rejects.toThrow(`No arguments provided for filter '${TENANT_FILTER}'`);
    });

    it('refuses a query of any gateway entity on a fork with no district', async () => {
      const em = orm.em.fork();
      for (const entity of GATEWAY_PERSISTENCE.entities) {
        const refused = await em.find(entity, {}).then(
          () => 'answered',
          (error: Error) => error.message,
        );
        expect({ entity: entity.name, refused }).toEqual({ entity: entity.name, refused: `No arguments provided for filter '${TENANT_FILTER}'` });
      }
    });
  });
});
