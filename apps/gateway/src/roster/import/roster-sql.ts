import { EntityManager } from '@mikro-orm/postgresql';
import { CURRENT_DISTRICT } from '@sessionledger/persistence';

/** The importing district, as row-level security sees it: every statement below is scoped by it twice. */
export const D = CURRENT_DISTRICT;
const S = 'gateway';

export interface EntityCounts {
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
}

export interface LinkCounts {
  added: number;
  removed: number;
}

async function count(em: EntityManager, sql: string): Promise<number> {
  const rows = await em.execute<{ n: string | number }[]>(sql);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Marks the rows of a stage table that break a rule as not ok, and records
 * one error per row: file, line, column and reason (`reason` is an SQL
 * expression over the row, alias `t`).
 */
export async function flag(em: EntityManager, table: string, file: string, column: string, reason: string, condition: string): Promise<void> {
  await em.execute(
    `WITH bad AS (UPDATE ${table} t SET ok = false WHERE t.ok AND NOT t.deleted AND (${condition}) RETURNING t.line, t.sid, ${reason} AS reason)
     INSERT INTO ro_error (file, line, col, reason, sourced_id) SELECT '${file}', line, '${column}', reason, NULLIF(sid, '') FROM bad`,
  );
}

/** Records an error for rows that stay imported (a reference that is skipped, not the row). */
export async function note(em: EntityManager, file: string, column: string, select: string): Promise<void> {
  await em.execute(`INSERT INTO ro_error (file, line, col, reason, sourced_id) SELECT '${file}', line, '${column}', reason, NULLIF(sid, '') FROM (${select}) x`);
}

/** A later row repeating a sourcedId is refused; the first one counts. */
export async function flagDuplicateSourcedIds(em: EntityManager, table: string, file: string): Promise<void> {
  await flag(
    em,
    table,
    file,
    'sourcedId',
    `'sourcedId ' || t.sid || ' repeats line ' || (SELECT min(o.line) FROM ${table} o WHERE o.sid = t.sid)`,
    `t.sid <> '' AND EXISTS (SELECT 1 FROM ${table} o WHERE o.sid = t.sid AND o.line < t.line)`,
  );
  // A repeated, tobedeleted row must not deactivate what the first row imports.
  await em.execute(`UPDATE ${table} t SET ok = false WHERE t.deleted AND t.sid <> '' AND EXISTS (SELECT 1 FROM ${table} o WHERE o.sid = t.sid AND o.line < t.line)`);
}

export interface UpsertColumn {
  name: string;
  /** Value for a new row, over the source alias `n` (default `n.<name>`). */
  insert?: string;
  /** Value for an existing row, over `t` (current) and `n` (default `n.<name>`). */
  update?: string;
}

export interface EntitySpec {
  table: string;
  columns: UpsertColumn[];
  /** Is the row active, over an alias. */
  isActive: (alias: string) => string;
  /** SET clause that deactivates. */
  deactivate: string;
}

/**
 * Set-based upsert by (district, sourcedId) of the rows `source` selects
 * (`sourced_id` and the columns): rows that differ are updated (version + 1),
 * rows that do not exist are inserted, equal rows are not touched. The counts
 * come from the statements themselves, so a dry run reports what a real run does.
 */
export async function upsert(em: EntityManager, spec: EntitySpec, source: string): Promise<Omit<EntityCounts, 'deactivated'> & { deactivated: number }> {
  const { table, columns } = spec;
  const total = await count(em, `SELECT count(*) AS n FROM (${source}) n`);
  const updateValue = (column: UpsertColumn) => column.update ?? `n.${column.name}`;
  const updated = await em.execute<{ updated: string; deactivated: string }[]>(
    `WITH n AS (${source}),
     u AS (
       UPDATE ${S}.${table} t SET ${columns.map((column) => `${column.name} = ${updateValue(column)}`).join(', ')}, version = t.version + 1
       FROM n, ${S}.${table} o
       WHERE o.id = t.id AND t.district_id = ${D} AND t.sourced_id = n.sourced_id
         AND (${columns.map((column) => `t.${column.name}`).join(', ')}, NULL) IS DISTINCT FROM (${columns.map(updateValue).join(', ')}, NULL)
       RETURNING ${spec.isActive('o')} AS was_active, ${spec.isActive('t')} AS now_active
     )
     SELECT count(*) AS updated, count(*) FILTER (WHERE was_active AND NOT now_active) AS deactivated FROM u`,
  );
  const created = await count(
    em,
    `WITH ins AS (
       INSERT INTO ${S}.${table} (id, district_id, sourced_id, ${columns.map((column) => column.name).join(', ')})
       SELECT ${S}.uuid_v7(), ${D}, n.sourced_id, ${columns.map((column) => column.insert ?? `n.${column.name}`).join(', ')}
       FROM (${source}) n
       WHERE NOT EXISTS (SELECT 1 FROM ${S}.${table} t WHERE t.district_id = ${D} AND t.sourced_id = n.sourced_id)
       RETURNING 1
     ) SELECT count(*) AS n FROM ins`,
  );
  const changed = Number(updated[0].updated);
  const deactivated = Number(updated[0].deactivated);
  return { created, updated: changed - deactivated, deactivated, unchanged: total - created - changed };
}

/**
 * Deactivates (never deletes) the roster's rows the import names `tobedeleted`,
 * and, for a bulk file, those it no longer names at all.
 */
export async function deactivateMissing(em: EntityManager, spec: EntitySpec, stage: string, stageFilter: string, bulk: boolean): Promise<number> {
  const absent = bulk ? `OR NOT EXISTS (SELECT 1 FROM ${stage} s WHERE s.sid = t.sourced_id)` : '';
  return count(
    em,
    `WITH d AS (
       UPDATE ${S}.${table(spec)} t SET ${spec.deactivate}, version = t.version + 1
       WHERE t.district_id = ${D} AND t.sourced_id IS NOT NULL AND ${spec.isActive('t')}
         AND (t.sourced_id IN (SELECT s.sid FROM ${stage} s WHERE s.deleted AND (${stageFilter})) ${absent})
       RETURNING 1
     ) SELECT count(*) AS n FROM d`,
  );
}

function table(spec: EntitySpec): string {
  return spec.table;
}

/**
 * Makes a link table hold the desired pairs (`desired` selects `a`, `b` and
 * any extra columns): missing pairs are added; with `removeWhere`, pairs the
 * roster manages but no longer names are removed (links are sets, not records).
 */
export async function syncLinks(
  em: EntityManager,
  options: { table: string; a: string; b: string; desired: string; extra?: string[]; removeWhere?: string },
): Promise<LinkCounts> {
  const extra = options.extra ?? [];
  await em.execute(`CREATE TEMP TABLE ro_desired ON COMMIT DROP AS ${options.desired}`);
  await em.execute(`CREATE INDEX ON ro_desired (a, b)`);
  await em.execute(`ANALYZE ro_desired`);
  const updateExtra = extra.length
    ? `DO UPDATE SET ${extra.map((column) => `${column} = EXCLUDED.${column}`).join(', ')} WHERE (${extra.map((column) => `${options.table}.${column}`).join(', ')}, NULL) IS DISTINCT FROM (${extra.map((column) => `EXCLUDED.${column}`).join(', ')}, NULL)`
    : 'DO NOTHING';
  const added = await count(
    em,
    `WITH ins AS (
       INSERT INTO ${S}.${options.table} AS ${options.table} (district_id, ${options.a}, ${options.b}${extra.map((column) => `, ${column}`).join('')})
       SELECT ${D}, a, b${extra.map((column) => `, ${column}`).join('')} FROM ro_desired
       ON CONFLICT (${options.a}, ${options.b}) ${updateExtra}
       RETURNING (xmax = 0) AS inserted
     ) SELECT count(*) FILTER (WHERE inserted) AS n FROM ins`,
  );
  let removed = 0;
  if (options.removeWhere) {
    removed = await count(
      em,
      `WITH del AS (
         DELETE FROM ${S}.${options.table} l
         WHERE l.district_id = ${D} AND (${options.removeWhere})
           AND NOT EXISTS (SELECT 1 FROM ro_desired d WHERE d.a = l.${options.a} AND d.b = l.${options.b})
         RETURNING 1
       ) SELECT count(*) AS n FROM del`,
    );
  }
  await em.execute(`DROP TABLE ro_desired`);
  return { added, removed };
}

export { count };
