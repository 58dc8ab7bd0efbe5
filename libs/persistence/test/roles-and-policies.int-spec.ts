import { Client } from 'pg';
import { SERVICES, schemaOf } from '@sessionledger/contracts';
import { OWNER_ROLE } from '@sessionledger/persistence';
import { appRoleOf } from '@sessionledger/testing';
import { connectAs } from './gateway-tenants';

/**
 * The catalog as every migration of every service has left it. These rules
 * hold for tables that do not exist yet: a future migration that forgets
 * `tenantIsolation()` or hands a role more power fails here.
 */
const APP_ROLES = SERVICES.map(appRoleOf);
const SCHEMAS = SERVICES.map(schemaOf);

/** `district_id = NULLIF(current_setting('app.district_id', true), '')::uuid` as PostgreSQL prints it back. */
const ISOLATES_ON = (column: string) =>
  new RegExp(`^\\(?${column} = \\(?NULLIF\\(current_setting\\('app\\.district_id'::text, true\\), ''::text\\)\\)?::uuid\\)?$`);

interface TableRow {
  schema: string;
  table: string;
  rls: boolean;
  forced: boolean;
  has_district_id: boolean;
}

interface PolicyRow {
  schemaname: string;
  tablename: string;
  policyname: string;
  permissive: string;
  roles: string[];
  cmd: string;
  qual: string | null;
  with_check: string | null;
}

describe('database roles and row-level security policies', () => {
  let catalog: Client;
  let tables: TableRow[];
  let policies: PolicyRow[];

  beforeAll(async () => {
    catalog = await connectAs('postgres');
    tables = (
      await catalog.query<TableRow>(
        `SELECT n.nspname AS schema, c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'district_id' AND NOT a.attisdropped) AS has_district_id
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')
          ORDER BY 1, 2`,
        [SCHEMAS],
      )
    ).rows;
    policies = (
      await catalog.query<PolicyRow>(
        `SELECT schemaname, tablename, policyname, permissive, roles::text[] AS roles, cmd, qual, with_check
           FROM pg_policies WHERE schemaname = ANY($1)`,
        [SCHEMAS],
      )
    ).rows;
  });

  afterAll(async () => {
    await catalog.end();
  });

  it('gives the five app roles neither superuser nor BYPASSRLS, and no role to inherit either from', async () => {
    const { rows } = await catalog.query(
      `SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname`,
      [APP_ROLES],
    );
    expect(rows).toEqual(
      [...APP_ROLES].sort().map((rolname) => ({
        rolname,
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolcanlogin: true,
      })),
    );

    const memberships = await catalog.query(
      `SELECT member.rolname AS member, granted.rolname AS granted
         FROM pg_auth_members m
         JOIN pg_roles member ON member.oid = m.member
         JOIN pg_roles granted ON granted.oid = m.roleid
        WHERE member.rolname = ANY($1)`,
      [APP_ROLES],
    );
    expect(memberships.rows).toEqual([]);

    const owner = await catalog.query(`SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1`, [OWNER_ROLE]);
    expect(owner.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  });

  it('lets the app roles own no schema, table or function: the owner role owns every service schema', async () => {
    const owned = await catalog.query(
      `SELECT 'schema' AS kind, nspname AS name, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE pg_get_userbyid(nspowner) = ANY($1)
       UNION ALL
       SELECT 'relation', relnamespace::regnamespace || '.' || relname, pg_get_userbyid(relowner) FROM pg_class WHERE pg_get_userbyid(relowner) = ANY($1)
       UNION ALL
       SELECT 'function', pronamespace::regnamespace || '.' || proname, pg_get_userbyid(proowner) FROM pg_proc WHERE pg_get_userbyid(proowner) = ANY($1)`,
      [APP_ROLES],
    );
    expect(owned.rows).toEqual([]);

    const schemas = await catalog.query(`SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, [
      SCHEMAS,
    ]);
    expect(schemas.rows).toEqual([...SCHEMAS].sort().map((nspname) => ({ nspname, owner: OWNER_ROLE })));
  });

  it('puts every table with a district_id column, in every service schema, under forced RLS with a tenant policy', () => {
    const tenantTables = tables.filter((table) => table.has_district_id);
    for (const schema of SCHEMAS) expect(tenantTables.some((table) => table.schema === schema)).toBe(true);

    const unprotected = tenantTables.filter((table) => !table.rls || !table.forced).map((table) => `${table.schema}.${table.table}`);
    expect(unprotected).toEqual([]);

    const withoutTenantPolicy = tenantTables
      .filter(
        (table) =>
          !policies.some(
            (policy) =>
              policy.schemaname === table.schema &&
              policy.tablename === table.table &&
              policy.permissive === 'PERMISSIVE' &&
              policy.cmd === 'ALL' &&
              ISOLATES_ON('district_id').test(policy.qual ?? '') &&
              ISOLATES_ON('district_id').test(policy.with_check ?? ''),
          ),
      )
      .map((table) => `${table.schema}.${table.table}`);
    expect(withoutTenantPolicy).toEqual([]);
  });

  it('grants the app roles no permissive policy but the tenant one: any other is the owner role’s alone', () => {
    const tenantPolicy = (policy: PolicyRow) => {
      const column = policy.schemaname === 'gateway' && policy.tablename === 'district' ? 'id' : 'district_id';
      return ISOLATES_ON(column).test(policy.qual ?? '') && ISOLATES_ON(column).test(policy.with_check ?? '');
    };
    const widening = policies
      .filter((policy) => policy.permissive === 'PERMISSIVE' && !tenantPolicy(policy))
      .filter((policy) => !(policy.roles.length === 1 && policy.roles[0] === OWNER_ROLE))
      .map((policy) => `${policy.schemaname}.${policy.tablename}: ${policy.policyname} for ${policy.roles.join(',')}`);
    expect(widening).toEqual([]);
  });

  it('leaves no table without district_id but gateway.district, isolated on its own id, and the migration ledgers the app roles cannot read', async () => {
    const others = tables.filter((table) => !table.has_district_id).map((table) => `${table.schema}.${table.table}`);
    expect(others.sort()).toEqual(['gateway.district', ...SCHEMAS.map((schema) => `${schema}.mikro_orm_migrations`)].sort());

    const district = tables.find((table) => table.schema === 'gateway' && table.table === 'district')!;
    expect(district).toMatchObject({ rls: true, forced: true });
    expect(
      policies.some(
        (policy) =>
          policy.schemaname === 'gateway' &&
          policy.tablename === 'district' &&
          policy.permissive === 'PERMISSIVE' &&
          policy.cmd === 'ALL' &&
          ISOLATES_ON('id').test(policy.qual ?? '') &&
          ISOLATES_ON('id').test(policy.with_check ?? ''),
      ),
    ).toBe(true);

    const ledgerAccess = await catalog.query(
      `SELECT r.rolname, n.nspname FROM pg_roles r CROSS JOIN unnest($2::text[]) AS n(nspname)
        WHERE r.rolname = ANY($1)
          AND has_table_privilege(r.rolname, n.nspname || '.mikro_orm_migrations', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')`,
      [APP_ROLES, SCHEMAS],
    );
    expect(ledgerAccess.rows).toEqual([]);
  });

  it('lets each app role into its own service schema only', async () => {
    const { rows } = await catalog.query(
      `SELECT r.rolname, n.nspname FROM pg_roles r CROSS JOIN unnest($2::text[]) AS n(nspname)
        WHERE r.rolname = ANY($1) AND has_schema_privilege(r.rolname, n.nspname, 'USAGE')
        ORDER BY 1, 2`,
      [APP_ROLES, SCHEMAS],
    );
    expect(rows).toEqual(
      SERVICES.map((service) => ({ rolname: appRoleOf(service), nspname: schemaOf(service) })).sort((a, b) => a.rolname.localeCompare(b.rolname)),
    );
  });
});
