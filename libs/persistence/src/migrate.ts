import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { loadEnvironment } from '@sessionledger/config';
import { schemaOf } from '@sessionledger/contracts';
import { ormConfigFor, ServicePersistence } from './orm-config';
import { OWNER_ROLE } from './rls';

export interface MigrateOptions {
  /** A role allowed to create roles and schemas (a superuser in development). */
  migrationUrl: string;
  /** The app's own connection: its user is the login role the migration grants to. */
  appUrl: string;
  appPassword?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Brings one service's schema up to date: ensures the owner role and the
 * service's login role exist, runs its pending migrations as the owner, and
 * grants the login role data access (never ownership) to its own schema only.
 * Run by `main.js migrate` and the k8s migration Job, never at app start.
 */
export async function migrateService(persistence: ServicePersistence, options: MigrateOptions): Promise<string[]> {
  const schema = schemaOf(persistence.service);
  const appendOnly = persistence.appendOnlyTables ?? [];
  const badTable = appendOnly.find((table) => !IDENTIFIER.test(table));
  if (badTable !== undefined) throw new Error(`append-only table "${badTable}" is not a plain lower-case table name`);
  const appRole = decodeURIComponent(new URL(options.appUrl).username);
  if (!IDENTIFIER.test(appRole)) throw new Error(`DATABASE_URL user "${appRole}" is not a plain lower-case role name`);

  const admin = new Client({ connectionString: options.migrationUrl });
  await admin.connect();
  try {
    await ensureRole(admin, `CREATE ROLE ${OWNER_ROLE} NOLOGIN NOBYPASSRLS`);
    await ensureRole(admin, `CREATE ROLE ${appRole} LOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await assertUnprivileged(admin, appRole);
    if (options.appPassword) {
      await admin.query(`ALTER ROLE ${appRole} PASSWORD ${quoteLiteral(options.appPassword)}`);
    }
    await admin.query(`GRANT ${OWNER_ROLE} TO CURRENT_USER`).catch(() => undefined);
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${OWNER_ROLE}`);
  } finally {
    await admin.end();
  }

  const orm = await MikroORM.init(
    ormConfigFor(persistence, { url: options.migrationUrl, poolMax: 1, onConnect: [`SET ROLE ${OWNER_ROLE}`] }),
  );
  try {
    const applied = await orm.getMigrator().up();
    const connection = orm.em.getConnection();
    for (const statement of [
      `GRANT USAGE ON SCHEMA ${schema} TO ${appRole}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${appRole}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${appRole}`,
      // The SECURITY DEFINER functions reach every district's rows: only this service's role may call them.
      `REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} FROM PUBLIC`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${appRole}`,
      `REVOKE ALL ON ${schema}.mikro_orm_migrations FROM ${appRole}`,
      // After the blanket grant above, which would otherwise hand these back on every run.
      ...appendOnly.map((table) => `REVOKE UPDATE, DELETE, TRUNCATE ON ${schema}.${table} FROM ${appRole}`),
    ]) {
      await connection.execute(statement);
    }
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}

/** A role left over with more power than it should have is refused, not silently reused. */
async function assertUnprivileged(client: Client, role: string): Promise<void> {
  const { rows } = await client.query(
    'select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = $1',
    [role],
  );
  const attributes = rows[0] as Record<string, boolean> | undefined;
  if (!attributes) throw new Error(`role ${role} was not created`);
  const granted = Object.entries(attributes).filter(([, value]) => value).map(([name]) => name);
  if (granted.length > 0) {
    throw new Error(`app role ${role} must not have ${granted.join(', ')}: row-level security would not bind it`);
  }
}

/** Roles are cluster-wide and test runs migrate side by side: creating one that another run just made is fine. */
async function ensureRole(client: Client, createStatement: string): Promise<void> {
  try {
    await client.query(createStatement);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '23505' && code !== 'XX000') throw error;
  }
}

/** The `migrate` command: settings from the environment, one line per applied migration. */
export async function migrateFromEnvironment(persistence: ServicePersistence): Promise<void> {
  const env = loadEnvironment();
  const applied = await migrateService(persistence, {
    migrationUrl: env.MIGRATION_DATABASE_URL,
    appUrl: env.DATABASE_URL,
    appPassword: env.APP_DATABASE_PASSWORD,
  });
  process.stdout.write(
    `${persistence.service}: ${applied.length === 0 ? 'schema is up to date' : `applied ${applied.join(', ')}`}\n`,
  );
}
