import { EntityManager } from '@mikro-orm/postgresql';
import { Page, pageOf } from '@sessionledger/common';
import { namePrefixRanges, PrefixRange } from '../shared/name-search';
import { StudentSearchResult } from './students.dto';

export interface Statement {
  sql: string;
  params: unknown[];
}

const ORDER = 'search_last, search_first, id';

export interface StudentSearchStatements {
  page: Statement;
  count: Statement;
}

/**
 * Active students of the district whose every word of `q` starts their first
 * or last name, accents and case ignored; ordered by last name, first name
 * (folded alike, so Álvarez sits with Alvarez) and id.
 *
 * The matches are read from the two search indexes alone (see
 * Migration20261125130000StudentSearch): the rows whose last name starts with
 * one word, plus those whose first name does and last name does not, each
 * narrowed by the other words on the indexed keys. Only the page's rows are
 * read from the table. The SQL is written out rather than built by the ORM
 * because its shape is the point: `key >= from AND key < to` rather than LIKE,
 * which row-level security would keep off the indexes. The district is named
 * for the indexes; row-level security enforces it as everywhere else.
 *
 * Null when `q` holds nothing to search for.
 */
export function studentSearchStatements(
  districtId: string,
  q: string,
  page: { page: number; pageSize: number; updatedSince?: string },
): StudentSearchStatements | null {
  const ranges = namePrefixRanges(q);
  if (ranges.length === 0) return null;
  // The longest word is likely the narrowest range to read; the others filter it.
  const [driving, ...others] = [...ranges].sort((a, b) => b.from.length - a.from.length);
  const narrowing = others.map((range) => anyNameIn(range));
  // A sync's filter is not in the indexes: it costs a heap read per match, which a sync (not a person typing) can afford.
  if (page.updatedSince) narrowing.push({ sql: '(updated_at >= ?)', params: [new Date(page.updatedSince)] });
  const where = (first: Statement[]) => joinConditions([{ sql: 'district_id = ? AND active', params: [districtId] }, ...first, ...narrowing]);
  const lastMatches = where([inRange('search_last', driving)]);
  const onlyFirstMatches = where([inRange('search_first', driving), not(inRange('search_last', driving))]);
  const offset = (page.page - 1) * page.pageSize;
  // Each half is cut to the rows the page could take from it, so a half read in key order stops early.
  const [last, onlyFirst] = [lastMatches, onlyFirstMatches].map((condition) => ({
    sql: `SELECT id, search_last, search_first FROM gateway.student WHERE ${condition.sql} ORDER BY ${ORDER} LIMIT ?`,
    params: [...condition.params, offset + page.pageSize],
  }));
  const [lastCount, onlyFirstCount] = [lastMatches, onlyFirstMatches].map((condition) => ({
    sql: `SELECT count(*) FROM gateway.student WHERE ${condition.sql}`,
    params: condition.params,
  }));
  return {
    page: {
      sql: `WITH page AS ((${last.sql}) UNION ALL (${onlyFirst.sql}) ORDER BY ${ORDER} LIMIT ? OFFSET ?)
            SELECT s.id, s.first_name AS "firstName", s.last_name AS "lastName", s.grade, s.school_id AS "schoolId", s.local_id AS "localId"
            FROM page JOIN gateway.student s ON s.id = page.id
            ORDER BY page.search_last, page.search_first, page.id`,
      params: [...last.params, ...onlyFirst.params, page.pageSize, offset],
    },
    count: {
      sql: `SELECT ((${lastCount.sql}) + (${onlyFirstCount.sql}))::int AS total`,
      params: [...lastCount.params, ...onlyFirstCount.params],
    },
  };
}

/** Runs a search inside the caller's tenant transaction. */
export async function searchStudents(
  em: EntityManager,
  districtId: string,
  query: { q: string; page: number; pageSize: number; updatedSince?: string },
): Promise<Page<StudentSearchResult>> {
  const statements = studentSearchStatements(districtId, query.q, query);
  if (!statements) return pageOf([], 0, query);
  const items = await em.execute<StudentSearchResult[]>(statements.page.sql, statements.page.params);
  const offset = (query.page - 1) * query.pageSize;
  // A short page that is not past the end already says how many there are.
  const total =
    items.length < query.pageSize && (items.length > 0 || offset === 0)
      ? offset + items.length
      : (await em.execute<{ total: number }[]>(statements.count.sql, statements.count.params))[0].total;
  return pageOf(items, total, query);
}

function inRange(column: 'search_first' | 'search_last', range: PrefixRange): Statement {
  return range.to === null
    ? { sql: `(${column} >= ?)`, params: [range.from] }
    : { sql: `(${column} >= ? AND ${column} < ?)`, params: [range.from, range.to] };
}

function anyNameIn(range: PrefixRange): Statement {
  const first = inRange('search_first', range);
  const last = inRange('search_last', range);
  return { sql: `(${first.sql} OR ${last.sql})`, params: [...first.params, ...last.params] };
}

function not(condition: Statement): Statement {
  return { sql: `NOT ${condition.sql}`, params: condition.params };
}

function joinConditions(conditions: Statement[]): Statement {
  return { sql: conditions.map((c) => c.sql).join(' AND '), params: conditions.flatMap((c) => c.params) };
}
