import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { OWNER_ROLE, TENANT_FILTER, TenantTransactions } from '@sessionledger/persistence';
import { appRoleOf } from '@sessionledger/testing';
import { School } from '../../../apps/gateway/src/directory/directory.entities';
import { connectAs, GATEWAY_ROLE, gatewayOrm, SeededDistrict, seedDistrict, seedUser } from './gateway-tenants';

const INSERT_SCHOOL = `insert into gateway.school (id, district_id, name, state_school_code) values (?, ?, ?, ?)`;

const RLS_VIOLATION = { code: '42501', message: expect.stringMatching(/violates row-level security policy for table "school"/) };

async function failureOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const { code, message } = error as Error & { code?: string };
  return { code, message };
}

describe('row-level security', () => {
  let orm: MikroORM;
  let tenants: TenantTransactions;
  let gateway: Client;
  let superuser: Client;
  let a: SeededDistrict;
  let b: SeededDistrict;

  beforeAll(async () => {
    orm = await gatewayOrm(2);
    tenants = new TenantTransactions(orm);
    [a, b] = await Promise.all([seedDistrict(tenants, 2), seedDistrict(tenants, 3)]);
    gateway = await connectAs(GATEWAY_ROLE);
    superuser = await connectAs('postgres');
  });

  afterAll(async () => {
    await gateway?.end();
    await superuser?.end();
    await orm?.close(true);
  });

  const seededSchools = () => [...a.schoolIds, ...b.schoolIds];

  describe('with no district set', () => {
    it('shows the gateway role no rows of a table that holds rows of two districts', async () => {
      const stored = await superuser.query(`select district_id from gateway.school where id = any($1)`, [seededSchools()]);
      expect(new Set(stored.rows.map((row) => row.district_id))).toEqual(new Set([a.districtId, b.districtId]));

      const mine = await gateway.query(`select id from gateway.school where id = any($1)`, [seededSchools()]);
      expect(mine.rows).toEqual([]);
      const all = await gateway.query(`select count(*)::int as n from gateway.school`);
      expect(all.rows).toEqual([{ n: 0 }]);
      const districts = await gateway.query(`select id from gateway.district where id = any($1)`, [[a.districtId, b.districtId]]);
      expect(districts.rows).toEqual([]);
    });

    it('shows nothing through em.execute outside a tenant transaction either', async () => {
      const rows = await orm.em.fork().execute(`select district_id from gateway.school`);
      expect(rows).toEqual([]);
    });

    it('shows nothing on a connection whose last transaction set a district and ended', async () => {
      await gateway.query('begin');
      await gateway.query(`select set_config('app.district_id', $1, true)`, [a.districtId]);
      const during = await gateway.query(`select id from gateway.school order by id`);
      await gateway.query('commit');
      expect(during.rows.map((row) => row.id)).toEqual(a.schoolIds);

      const after = await gateway.query(`select id, current_setting('app.district_id', true) as district from gateway.school`);
      expect(after.rows).toEqual([]);
    });
  });

  describe('with district A set', () => {
    it('refuses an INSERT of district B’s row written as raw SQL, with SQLSTATE 42501, and stores nothing', async () => {
      const schoolId = newId();
      const failure = await failureOf(
        tenants.run(a.districtId, (em) => em.execute(INSERT_SCHOOL, [schoolId, b.districtId, 'Intruder School', `SC-${newId()}`])),
      );
      expect(failure).toEqual(RLS_VIOLATION);
      const stored = await superuser.query(`select id from gateway.school where id = $1`, [schoolId]);
      expect(stored.rows).toEqual([]);
    });

    it('refuses district B’s entity flushed by the ORM with its filter pointed at B, with SQLSTATE 42501', async () => {
      const school = new School(b.districtId, 'Intruder School', `SC-${newId()}`);
      const failure = await failureOf(
        tenants.run(a.districtId, async (em) => {
          em.setFilterParams(TENANT_FILTER, { districtId: b.districtId });
          await em.persist(school).flush();
        }),
      );
      expect(failure).toEqual(RLS_VIOLATION);
      const stored = await superuser.query(`select id from gateway.school where id = $1`, [school.id]);
      expect(stored.rows).toEqual([]);
    });

    it('refuses to move a row of A to B, and cannot touch B’s rows at all', async () => {
      const failure = await failureOf(
        tenants.run(a.districtId, (em) => em.execute(`update gateway.school set district_id = ? where id = ?`, [b.districtId, a.schoolIds[0]])),
      );
      expect(failure).toEqual(RLS_VIOLATION);

      const touched = await tenants.run(a.districtId, async (em) => {
        const updated = await em.execute(`update gateway.school set name = 'Renamed' where id in (?) returning id`, [b.schoolIds]);
        const deleted = await em.execute(`delete from gateway.school where id in (?) returning id`, [b.schoolIds]);
        return [...updated, ...deleted];
      });
      expect(touched).toEqual([]);

      const stored = await superuser.query(`select district_id, name from gateway.school where id = any($1)`, [seededSchools()]);
      expect(stored.rows.filter((row) => row.name === 'Renamed')).toEqual([]);
      expect(stored.rows.filter((row) => row.district_id === b.districtId)).toHaveLength(b.schoolIds.length);
    });
  });

  describe('gateway.sign_in_candidate', () => {
    it('finds one user by e-mail with no district set, revealing only id, district, password hash and status', async () => {
      const user = await seedUser(tenants, a.districtId, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA');
      const other = await seedUser(tenants, b.districtId, '$argon2id$v=19$m=19456,t=2,p=1$b3RoZXI$b3RoZXI');

      const { rows, fields } = await gateway.query(`select * from gateway.sign_in_candidate($1)`, [user.email.toUpperCase()]);
      expect(fields.map((field) => field.name)).toEqual(['user_id', 'district_id', 'password_hash', 'status']);
      expect(rows).toEqual([{ user_id: user.id, district_id: a.districtId, password_hash: user.passwordHash, status: 'active' }]);

      const otherRows = await gateway.query(`select user_id from gateway.sign_in_candidate($1)`, [other.email]);
      expect(otherRows.rows).toEqual([{ user_id: other.id }]);

      const table = await gateway.query(`select id from gateway.app_user where email = any($1)`, [[user.email, other.email]]);
      expect(table.rows).toEqual([]);
    });

    it('answers nothing for an unknown, empty, null or pattern-like e-mail', async () => {
      const user = await seedUser(tenants, a.districtId, 'hash');
      for (const probe of [`nobody-${newId()}@example.test`, '', '%', '%@example.test', `${user.email}' or '1'='1`]) {
        const { rows } = await gateway.query(`select user_id from gateway.sign_in_candidate($1)`, [probe]);
        expect({ probe, rows }).toEqual({ probe, rows: [] });
      }
      const { rows } = await gateway.query(`select user_id from gateway.sign_in_candidate(null)`);
      expect(rows).toEqual([]);
    });

    it('runs as the owner with a pinned search_path, and no other service’s role may call it', async () => {
      const { rows } = await superuser.query(
        `select prosecdef, proconfig, pg_get_userbyid(proowner) as owner from pg_proc where oid = 'gateway.sign_in_candidate(text)'::regprocedure`,
      );
      expect(rows).toEqual([{ prosecdef: true, proconfig: ['search_path=pg_catalog'], owner: OWNER_ROLE }]);

      const payroll = await connectAs(appRoleOf('payroll'));
      try {
        const failure = await failureOf(payroll.query(`select * from gateway.sign_in_candidate('x@example.test')`));
        expect(failure).toEqual({ code: '42501', message: 'permission denied for schema gateway' });
      } finally {
        await payroll.end();
      }
    });
  });
});
