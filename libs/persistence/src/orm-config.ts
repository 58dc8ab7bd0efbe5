import type { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ServiceName, schemaOf } from '@sessionledger/contracts';

export interface ServicePersistence {
  service: ServiceName;
  entities: Function[];
  migrations: MigrationObject[];
  /**
   * Tables of the schema the app role may read and add to but never change or
   * remove from (an audit trail). Only the owner role, through a SECURITY
   * DEFINER function, can dispose of their rows.
   */
  appendOnlyTables?: string[];
}

export interface ConnectionSettings {
  url: string;
  poolMax: number;
  /** Statements run on every new pooled connection (the migrator uses it to act as the owner role). */
  onConnect?: string[];
}

export function ormConfigFor(persistence: ServicePersistence, connection: ConnectionSettings) {
  const schema = schemaOf(persistence.service);
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: connection.url,
    schema,
    entities: persistence.entities,
    discovery: { warnWhenNoEntities: false },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureDatabase: false,
    pool: {
      min: 0,
      max: connection.poolMax,
      ...(connection.onConnect?.length
        ? {
            afterCreate: (conn: { query(sql: string, done: (error?: Error) => void): void }, done: (error?: Error, conn?: unknown) => void) => {
              conn.query(connection.onConnect!.join('; '), (error) => done(error, conn));
            },
          }
        : {}),
    },
    extensions: [Migrator],
    migrations: {
      migrationsList: persistence.migrations,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: false,
  });
}
