import { Controller, Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BackendService, READ_RECORDS, ReadRecordsCommand, RecordsPageReply } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';

/** What a student-scoped query is asked with. */
export interface StudentScope {
  studentId: string;
  /** The student's groups (the gateway's directory), for records kept per group (a group series). */
  groupIds: string[];
}

export interface ScopedQuery {
  sql: string;
  params: unknown[];
}

/**
 * One table of an export: its rows for the whole district (under the
 * district's row-level security), and, when the table holds anything about a
 * student, the query keeping that student's rows only. Both end in an ORDER
 * BY on a unique key, so pages read one after another neither skip nor repeat
 * a row. `omit` names columns never handed over (secrets: password hashes).
 */
export interface RecordTable {
  district: string;
  student?: (scope: StudentScope) => ScopedQuery;
  omit?: string[];
}

/**
 * The people to blank out of a student's records: the other participants of
 * the student's sessions (id and name), by a query of the service that keeps
 * them. Absent: the service's student-scoped rows name nobody else.
 */
export type OthersQuery = (scope: StudentScope) => ScopedQuery;

export interface Person {
  id: string;
  name: string;
}

export interface RecordTables {
  tables: Record<string, RecordTable>;
  others?: OthersQuery;
}

const REDACTED = '[redacted]';

/**
 * Reads one page of one table. District scope: every row. Student scope: the
 * table's student query (a table without one gives no rows), and every value
 * passed through redact() with the other people of the student's sessions.
 */
export async function readRecordsPage(
  em: EntityManager,
  spec: RecordTables,
  table: string,
  scope: StudentScope | undefined,
  offset: number,
  limit: number,
): Promise<RecordsPageReply> {
  const definition = spec.tables[table];
  if (!definition) return { table, rows: [], next: null };
  let query: ScopedQuery;
  if (!scope) query = { sql: definition.district, params: [] };
  else if (definition.student) query = definition.student(scope);
  else return { table, rows: [], next: null };
  const omit = definition.omit ?? [];
  // One row more than asked tells whether another page follows without counting the table.
  const rows = (await em.execute(`SELECT to_jsonb(q) - ?::text[] AS record FROM (${query.sql} LIMIT ? OFFSET ?) AS q`, [
    `{${omit.join(',')}}`,
    ...query.params,
    limit + 1,
    offset,
  ])) as { record: Record<string, unknown> }[];
  const page = rows.slice(0, limit).map((row) => row.record);
  const others = scope && spec.others ? await peopleOf(em, spec.others(scope), scope.studentId) : [];
  const kept = others.length ? page.filter((row) => !aboutOther(row, others)).map((row) => redact(row, others) as Record<string, unknown>) : page;
  // The next offset counts the rows read, not the rows kept, so a page thinned by redaction skips nothing.
  return { table, rows: kept, next: rows.length > limit ? offset + limit : null };
}

async function peopleOf(em: EntityManager, query: ScopedQuery, studentId: string): Promise<Person[]> {
  const rows = (await em.execute(query.sql, query.params)) as { id: string; name: string | null }[];
  return rows.filter((row) => row.id && row.id !== studentId).map((row) => ({ id: row.id, name: row.name ?? '' }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PERSON_KEYS = ['id', 'personId', 'studentId', 'participantId', 'person_id', 'student_id', 'participant_id'];

function isPerson(item: unknown, ids: Set<string>): boolean {
  if (typeof item === 'string') return ids.has(item.toLowerCase());
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const record = item as Record<string, unknown>;
    return PERSON_KEYS.some((key) => typeof record[key] === 'string' && ids.has((record[key] as string).toLowerCase()));
  }
  return false;
}

/**
 * A row about another person, whole: one whose own columns, or one of whose
 * JSON columns (a change trail entry's detail), name another person by one of
 * the keys people go by. Left out of a student's file rather than redacted.
 */
export function aboutOther(row: Record<string, unknown>, others: Person[]): boolean {
  const ids = new Set(others.map((person) => person.id.toLowerCase()));
  return isPerson(row, ids) || Object.values(row).some((value) => value !== null && typeof value === 'object' && !Array.isArray(value) && isPerson(value, ids));
}

/**
 * Blanks other people out of a value, however deep it sits: an array element
 * that is another person (their id, or an object whose id, personId,
 * studentId or participantId is theirs) is left out; any other string has
 * their ids, their full names and each part of their names of two letters
 * or more (whole words, any case) replaced by "[redacted]". So a group note
 * ("Bea and Sam read together") stays, without the other students' names.
 */
export function redact(value: unknown, others: Person[]): unknown {
  if (!others.length) return value;
  const ids = new Set(others.map((person) => person.id.toLowerCase()));
  const words = [...new Set(others.flatMap((person) => [person.name, ...person.name.split(/\s+/)]).map((word) => word.trim()).filter((word) => word.length >= 2))]
    // The full names first, so "Bea Lopez" goes as one piece before "Bea" would.
    .sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    [...[...ids].map(escapeRegExp), ...words.map((word) => `(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`)].join('|'),
    'giu',
  );
  const isOther = (item: unknown): boolean => isPerson(item, ids);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return item.replace(pattern, REDACTED);
    if (Array.isArray(item)) return item.filter((element) => !isOther(element)).map(walk);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    return item;
  };
  return walk(value);
}

/** The read-records answer of a back-end service, over its own tables, in the district's row-level security. */
export function recordTablesControllerFor(service: BackendService, spec: RecordTables): Type<unknown> {
  @Controller()
  class RecordTablesController {
    constructor(private readonly transactions: TenantTransactions) {}

    @MessagePattern(READ_RECORDS[service].pattern)
    read(@Payload() command: ReadRecordsCommand): Promise<RecordsPageReply> {
      const scope = command.studentId ? { studentId: command.studentId, groupIds: command.groupIds ?? [] } : undefined;
      return this.transactions.run(command.actor.districtId, (em) => readRecordsPage(em, spec, command.table, scope, command.offset, command.limit));
    }
  }
  return RecordTablesController;
}
