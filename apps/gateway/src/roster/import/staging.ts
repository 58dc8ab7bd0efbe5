import { EntityManager } from '@mikro-orm/postgresql';
import { RosterFileName } from '../oneroster/oneroster-files';
import { RowError, StageRow } from './row-readers';

type Column = [name: string, type: string];

const COMMON: Column[] = [
  ['line', 'integer'],
  ['sid', 'text'],
  ['deleted', 'boolean'],
  ['ok', 'boolean'],
];

/** One temporary table per file, dropped at commit (or rollback). */
export const STAGES: Partial<Record<RosterFileName, { table: string; columns: Column[]; indexes: string[] }>> = {
  'orgs.csv': {
    table: 'ro_org',
    columns: [...COMMON, ['name', 'text'], ['type', 'text'], ['identifier', 'text']],
    indexes: ['sid', 'identifier'],
  },
  'users.csv': {
    table: 'ro_user',
    columns: [
      ...COMMON,
      ['enabled', 'boolean'],
      ['email', 'text'],
      ['given', 'text'],
      ['family', 'text'],
      ['local_id', 'text'],
      ['state_id', 'text'],
      ['grade', 'text'],
      ['phone', 'text'],
      ['role', 'text'],
      ['org_sids', 'text[]'],
      ['primary_org', 'text'],
      ['agent_sids', 'text[]'],
    ],
    indexes: ['sid', 'local_id', 'state_id', 'email'],
  },
  'roles.csv': {
    table: 'ro_role',
    columns: [...COMMON, ['user_sid', 'text'], ['role_type', 'text'], ['role', 'text'], ['org_sid', 'text'], ['begin_date', 'date'], ['end_date', 'date']],
    indexes: ['user_sid'],
  },
  'classes.csv': {
    table: 'ro_class',
    columns: [...COMMON, ['title', 'text'], ['school_sid', 'text'], ['term_sids', 'text[]']],
    indexes: ['sid'],
  },
  'enrollments.csv': {
    table: 'ro_enrollment',
    columns: [
      ...COMMON,
      ['class_sid', 'text'],
      ['school_sid', 'text'],
      ['user_sid', 'text'],
      ['role', 'text'],
      ['is_primary', 'boolean'],
      ['begin_date', 'date'],
      ['end_date', 'date'],
    ],
    indexes: ['sid', 'class_sid', 'user_sid'],
  },
  'academicSessions.csv': {
    table: 'ro_session',
    columns: [...COMMON, ['title', 'text'], ['type', 'text'], ['start_date', 'date'], ['end_date', 'date'], ['parent_sid', 'text'], ['school_year', 'text']],
    indexes: ['sid'],
  },
};

export const ERROR_COLUMNS: Column[] = [
  ['file', 'text'],
  ['line', 'integer'],
  ['col', 'text'],
  ['reason', 'text'],
  ['sourced_id', 'text'],
];

export async function createStages(em: EntityManager): Promise<void> {
  for (const stage of Object.values(STAGES)) {
    await em.execute(`CREATE TEMP TABLE ${stage!.table} (${stage!.columns.map(([name, type]) => `${name} ${type}`).join(', ')}) ON COMMIT DROP`);
  }
  await em.execute(`CREATE TEMP TABLE ro_error (${ERROR_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}) ON COMMIT DROP`);
}

export async function indexStages(em: EntityManager): Promise<void> {
  for (const stage of Object.values(STAGES)) {
    for (const column of stage!.indexes) await em.execute(`CREATE INDEX ON ${stage!.table} (${column})`);
    await em.execute(`ANALYZE ${stage!.table}`);
  }
}

/** Many rows in one statement: the batch travels as one JSON parameter and PostgreSQL unpacks it. */
export async function insertJson(em: EntityManager, table: string, columns: Column[], rows: object[]): Promise<void> {
  if (!rows.length) return;
  const names = columns.map(([name]) => name).join(', ');
  await em.execute(
    `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset(?::json) AS x(${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`,
    [JSON.stringify(rows)],
  );
}

export async function insertStageRows(em: EntityManager, file: RosterFileName, rows: StageRow[]): Promise<void> {
  const stage = STAGES[file]!;
  await insertJson(em, stage.table, stage.columns, rows);
}

export async function insertErrors(em: EntityManager, errors: RowError[]): Promise<void> {
  await insertJson(
    em,
    'ro_error',
    ERROR_COLUMNS,
    errors.map((error) => ({ file: error.file, line: error.line, col: error.column, reason: error.reason, sourced_id: error.sourcedId ?? null })),
  );
}
