import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { CsvEncodingError, CsvLimits, CsvParser, CsvRecord, DEFAULT_CSV_LIMITS } from '../csv/csv-parser';
import { checkHeader, Header, HeaderRefused, Notice, REQUIRED_COLUMNS, RosterFileName } from '../oneroster/oneroster-files';
import { readerFor, RowError, screenValues, StageRow } from './row-readers';
import { count, D, deactivateMissing, EntityCounts, EntitySpec, flag, flagDuplicateSourcedIds, LinkCounts, note, syncLinks, upsert } from './roster-sql';
import { createStages, indexStages, insertErrors, insertStageRows, STAGES } from './staging';

/** Where the files of one import are read from (the upload in PostgreSQL, a directory, a zip). */
export interface RosterSource {
  /** The OneRoster files present, by their standard names. */
  files(): RosterFileName[];
  open(file: RosterFileName): AsyncIterable<Buffer | string>;
}

export type FileMode = 'bulk' | 'delta' | 'absent';

export interface RosterCounts {
  schools: EntityCounts;
  staff: EntityCounts;
  students: EntityCounts;
  guardians: EntityCounts;
  groups: EntityCounts;
  academicSessions: EntityCounts;
  approvals: LinkCounts;
  guardianLinks: LinkCounts;
  memberships: LinkCounts;
  /** Users whose only roles the directory does not keep (administrators, proctors…). */
  skippedUsers: number;
  rowsRead: Record<string, number>;
  errorsByFile: Record<string, number>;
}

export interface RosterOutcome {
  version: '1.1' | '1.2';
  dryRun: boolean;
  counts: RosterCounts;
  errorCount: number;
  errors: RowError[];
  notices: Notice[];
}

export interface ImportProgress {
  phase: string;
  rowsRead: number;
}

export interface ImportOptions {
  dryRun: boolean;
  onProgress?: (progress: ImportProgress) => Promise<void> | void;
  /** Called in the import's own transaction once the directory is written (never for a dry run): what the import applied is recorded with it or not at all. */
  beforeCommit?: (em: EntityManager, outcome: RosterOutcome) => Promise<void>;
}

/** The whole import refused before anything was written: not OneRoster, or not a complete set. */
export class RosterRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export function csvLimitsOf(env: Pick<Environment, 'ROSTER_CSV_MAX_FIELD_CHARS' | 'ROSTER_CSV_MAX_LINE_CHARS'>): CsvLimits {
  return { maxFieldChars: env.ROSTER_CSV_MAX_FIELD_CHARS, maxRecordChars: env.ROSTER_CSV_MAX_LINE_CHARS };
}

/** The records of one chunk; bytes that are not UTF-8 refuse the whole file, naming the line. */
function parseChunk(parser: CsvParser, file: RosterFileName, chunk: Buffer | string | undefined): CsvRecord[] {
  try {
    return chunk === undefined ? parser.end() : parser.push(chunk);
  } catch (error) {
    if (error instanceof CsvEncodingError) {
      throw new RosterRefused(
        'ROSTER.NOT_UTF8',
        `${file} is not UTF-8 text: line ${error.line} holds bytes that are not UTF-8 (export the file as UTF-8; Latin-1 or Windows-1252 names would be stored mangled)`,
        file,
        error.line,
      );
    }
    throw error;
  }
}

class DryRunRollback extends Error {
  constructor(readonly outcome: RosterOutcome) {
    super('dry run');
  }
}

export const MAX_STORED_ERRORS = 1000;
/** A manifest is a few property lines; it is the one file read whole, so it is kept small. */
const MAX_MANIFEST_ROWS = 1000;
const BATCH_ROWS = 5000;
const PROGRESS_EVERY_ROWS = 50_000;
const FILE_ORDER: RosterFileName[] = ['orgs.csv', 'academicSessions.csv', 'users.csv', 'roles.csv', 'classes.csv', 'enrollments.csv'];

const SCHOOLS: EntitySpec = {
  table: 'school',
  columns: [{ name: 'name' }, { name: 'state_school_code' }, { name: 'active' }],
  isActive: (a) => `${a}.active`,
  deactivate: 'active = false',
};
const STAFF: EntitySpec = {
  table: 'app_user',
  columns: [
    { name: 'email' },
    { name: 'first_name' },
    { name: 'last_name' },
    { name: 'provider_kind' },
    { name: 'status' },
    { name: 'roles', insert: `ARRAY['provider']::text[]`, update: `CASE WHEN 'provider' = ANY (t.roles) THEN t.roles ELSE array_append(t.roles, 'provider') END` },
  ],
  isActive: (a) => `${a}.status = 'active'`,
  deactivate: `status = 'disabled'`,
};
const STUDENTS: EntitySpec = {
  table: 'student',
  columns: [{ name: 'local_id' }, { name: 'state_id' }, { name: 'first_name' }, { name: 'last_name' }, { name: 'grade' }, { name: 'school_id' }, { name: 'active' }],
  isActive: (a) => `${a}.active`,
  deactivate: 'active = false',
};
const GUARDIANS: EntitySpec = {
  table: 'guardian',
  columns: [{ name: 'first_name' }, { name: 'last_name' }, { name: 'email' }, { name: 'phone' }, { name: 'active' }],
  isActive: (a) => `${a}.active`,
  deactivate: 'active = false',
};
const GROUPS: EntitySpec = {
  table: 'student_group',
  columns: [{ name: 'name' }, { name: 'school_id' }, { name: 'provider_id' }, { name: 'active' }],
  isActive: (a) => `${a}.active`,
  deactivate: 'active = false',
};
const SESSIONS: EntitySpec = {
  table: 'academic_session',
  columns: [{ name: 'title' }, { name: 'type' }, { name: 'start_date' }, { name: 'end_date' }, { name: 'parent_sourced_id' }, { name: 'school_year' }, { name: 'active' }],
  isActive: (a) => `${a}.active`,
  deactivate: 'active = false',
};

const NO_CHANGE: EntityCounts = { created: 0, updated: 0, deactivated: 0, unchanged: 0 };

/**
 * Imports a OneRoster 1.1 or 1.2 CSV set into one district's directory, in one
 * transaction: every file is streamed into temporary staging tables in batches,
 * rules are checked set-wise in SQL, and the directory is brought in line with
 * set-based upserts keyed by (district, sourcedId). A bad row is reported and
 * skipped; anything else that fails rolls the whole import back. A dry run does
 * all of it and rolls back.
 */
@Injectable()
export class RosterImporter {
  private readonly logger = new Logger(RosterImporter.name);

  private readonly csvLimits: CsvLimits;

  constructor(
    private readonly transactions: TenantTransactions,
    env: Environment,
  ) {
    this.csvLimits = csvLimitsOf(env);
  }

  async run(districtId: string, openSource: (em: EntityManager) => Promise<RosterSource>, options: ImportOptions): Promise<RosterOutcome> {
    try {
      return await this.transactions.run(districtId, async (em) => {
        // One import of a district at a time; a second waits for the first to commit.
        await em.execute(`SELECT pg_advisory_xact_lock(hashtextextended('roster-import:' || ${D}::text, 0))`);
        // Every statement of an import is set-wise over up to a million staged rows: one misestimated nested loop is
        // quadratic (measured: minutes instead of a second), hash and merge joins are never worse than linear here.
        await em.execute(`SET LOCAL enable_nestloop = off`);
        const outcome = await this.importAll(em, await openSource(em), options);
        if (options.dryRun) throw new DryRunRollback(outcome);
        await options.beforeCommit?.(em, outcome);
        return outcome;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.outcome;
      throw error;
    }
  }

  private async importAll(em: EntityManager, source: RosterSource, options: ImportOptions): Promise<RosterOutcome> {
    const present = source.files();
    const notices: Notice[] = [];
    const { manifest, headers, version } = await preflight(source, notices, this.csvLimits);
    const mode = (file: RosterFileName): FileMode => {
      if (!present.includes(file)) return 'absent';
      const declared = manifest.get(`file.${file.replace(/\.csv$/, '')}`)?.toLowerCase();
      return declared === 'delta' ? 'delta' : 'bulk';
    };

    await createStages(em);
    const rowsRead: Record<string, number> = {};
    let totalRows = 0;
    const progress = async (phase: string) => options.onProgress?.({ phase, rowsRead: totalRows });
    for (const [file, header] of headers) {
      await progress(`reading ${file}`);
      rowsRead[file] = await this.stageFile(em, source, file, header, async (rows) => {
        const before = Math.floor(totalRows / PROGRESS_EVERY_ROWS);
        totalRows += rows;
        if (Math.floor(totalRows / PROGRESS_EVERY_ROWS) > before) await progress(`reading ${file}`);
      });
    }
    await indexStages(em);
    for (const [file, stage] of Object.entries(STAGES)) await flagDuplicateSourcedIds(em, stage!.table, file);

    await progress('writing schools and academic sessions');
    const schools = await this.importSchools(em, mode('orgs.csv'));
    const academicSessions = await this.importSessions(em, mode('academicSessions.csv'));
    await progress('writing staff, students and guardians');
    const people = await this.importPeople(em, version, mode('users.csv'), mode('roles.csv'));
    await progress('writing groups and memberships');
    const groups = await this.importGroups(em, mode('classes.csv'));
    const memberships = await this.importMemberships(em, mode('enrollments.csv'));
    // A student moved to another school leaves the old school's groups (the directory's rule), roster groups or not.
    memberships.removed += await count(
      em,
      `WITH del AS (DELETE FROM gateway.group_member m USING gateway.student s, gateway.student_group g
        WHERE m.district_id = ${D} AND s.id = m.student_id AND g.id = m.group_id AND s.school_id <> g.school_id RETURNING 1) SELECT count(*) AS n FROM del`,
    );

    const errorsByFile = Object.fromEntries(
      (await em.execute<{ file: string; n: string }[]>(`SELECT file, count(*) AS n FROM ro_error GROUP BY file ORDER BY file`)).map((row) => [row.file, Number(row.n)]),
    );
    const errorCount = Object.values(errorsByFile).reduce((sum, n) => sum + n, 0);
    const errors = (
      await em.execute<{ file: string; line: number; col: string; reason: string; sourced_id: string | null }[]>(
        `SELECT file, line, col, reason, sourced_id FROM ro_error
         ORDER BY array_position(ARRAY['orgs.csv','academicSessions.csv','users.csv','roles.csv','classes.csv','enrollments.csv'], file), line, col
         LIMIT ${MAX_STORED_ERRORS}`,
      )
    ).map((row) => ({ file: row.file, line: row.line, column: row.col, reason: row.reason, ...(row.sourced_id ? { sourcedId: row.sourced_id } : {}) }));

    return {
      version,
      dryRun: options.dryRun,
      counts: { schools, academicSessions, ...people, groups, memberships, rowsRead, errorsByFile },
      errorCount,
      errors,
      notices,
    };
  }

  /** Streams one file into its staging table in batches; returns the number of rows read. */
  private async stageFile(
    em: EntityManager,
    source: RosterSource,
    file: RosterFileName,
    header: Header,
    onRows: (rows: number) => Promise<void>,
  ): Promise<number> {
    const read = readerFor(file, header);
    const parser = new CsvParser(this.csvLimits);
    let rows: StageRow[] = [];
    let errors: RowError[] = [];
    let seenHeader = false;
    let total = 0;
    const flush = async () => {
      await insertStageRows(em, file, rows);
      await insertErrors(em, errors);
      await onRows(rows.length);
      rows = [];
      errors = [];
    };
    const take = async (records: CsvRecord[]) => {
      for (const record of records) {
        if (!seenHeader) {
          seenHeader = true;
          continue;
        }
        total += 1;
        // Values too long for the directory (or for a PostgreSQL index), NUL bytes and over-long lines are row errors;
        // the refused values are blanked, so what is staged of such a row (to keep it from counting as absent) is safe.
        const screened = screenValues(file, header, record, errors);
        if (!screened.ok) {
          const row = read(screened.fields, record.line, []);
          if (row) rows.push({ ...row, ok: false });
        } else if (record.fields.length > header.columns.length && record.fields.slice(header.columns.length).some((field) => field.trim() !== '')) {
          errors.push({ file, line: record.line, column: '', reason: `the row has ${record.fields.length} fields; the header has ${header.columns.length}` });
          const row = read(record.fields, record.line, []);
          if (row) rows.push({ ...row, ok: false });
        } else {
          const row = read(record.fields, record.line, errors);
          if (row) rows.push(row);
        }
        if (rows.length >= BATCH_ROWS || errors.length >= BATCH_ROWS) await flush();
      }
    };
    for await (const chunk of source.open(file)) await take(parseChunk(parser, file, chunk));
    await take(parseChunk(parser, file, undefined));
    await flush();
    return total;
  }

  private async importSchools(em: EntityManager, mode: FileMode): Promise<EntityCounts> {
    if (mode === 'absent') return { ...NO_CHANGE };
    const schoolRow = `t.type = 'school'`;
    await flag(
      em,
      'ro_org',
      'orgs.csv',
      'identifier',
      `'identifier ' || t.identifier || ' is also the state code of line ' || (SELECT min(o.line) FROM ro_org o WHERE o.type = 'school' AND o.identifier = t.identifier)`,
      `${schoolRow} AND EXISTS (SELECT 1 FROM ro_org o WHERE o.type = 'school' AND NOT o.deleted AND o.identifier = t.identifier AND o.line < t.line)`,
    );
    await flag(
      em,
      'ro_org',
      'orgs.csv',
      'identifier',
      `'identifier ' || t.identifier || ' is the state code of another school of the district (sourcedId ' || (SELECT s.sourced_id FROM gateway.school s WHERE s.district_id = ${D} AND s.state_school_code = t.identifier) || ')'`,
      `${schoolRow} AND EXISTS (SELECT 1 FROM gateway.school s WHERE s.district_id = ${D} AND s.state_school_code = t.identifier AND s.sourced_id IS NOT NULL AND s.sourced_id <> t.sid)`,
    );
    // A school the district created by hand is matched by its state code and from then on follows the roster.
    await em.execute(
      `UPDATE gateway.school s SET sourced_id = t.sid FROM ro_org t
       WHERE t.ok AND NOT t.deleted AND t.type = 'school' AND s.district_id = ${D} AND s.sourced_id IS NULL AND s.state_school_code = t.identifier
         AND NOT EXISTS (SELECT 1 FROM gateway.school x WHERE x.district_id = ${D} AND x.sourced_id = t.sid)`,
    );
    const counts = await upsert(
      em,
      SCHOOLS,
      `SELECT sid AS sourced_id, name, identifier AS state_school_code, true AS active FROM ro_org WHERE ok AND NOT deleted AND type = 'school'`,
    );
    counts.deactivated += await deactivateMissing(em, SCHOOLS, 'ro_org', 'true', mode === 'bulk');
    return counts;
  }

  private async importSessions(em: EntityManager, mode: FileMode): Promise<EntityCounts> {
    if (mode === 'absent') return { ...NO_CHANGE };
    const counts = await upsert(
      em,
      SESSIONS,
      `SELECT sid AS sourced_id, title, type, start_date, end_date, NULLIF(parent_sid, '') AS parent_sourced_id, NULLIF(school_year, '') AS school_year, true AS active
       FROM ro_session WHERE ok AND NOT deleted`,
    );
    counts.deactivated += await deactivateMissing(em, SESSIONS, 'ro_session', 'true', mode === 'bulk');
    return counts;
  }

  private async importPeople(
    em: EntityManager,
    version: '1.1' | '1.2',
    usersMode: FileMode,
    rolesMode: FileMode,
  ): Promise<{ staff: EntityCounts; students: EntityCounts; guardians: EntityCounts; approvals: LinkCounts; guardianLinks: LinkCounts; skippedUsers: number }> {
    if (usersMode === 'absent') {
      return { staff: { ...NO_CHANGE }, students: { ...NO_CHANGE }, guardians: { ...NO_CHANGE }, approvals: { added: 0, removed: 0 }, guardianLinks: { added: 0, removed: 0 }, skippedUsers: 0 };
    }
    const file = 'users.csv';
    // Every role a user holds, at which org: 1.1 `role` + `orgSourcedIds` (the first org is the primary one), 1.2 roles.csv.
    await em.execute(
      `CREATE TEMP TABLE ro_user_role ON COMMIT DROP AS
       SELECT u.sid AS user_sid, u.role, x.org AS org_sid, coalesce(x.ord = 1, false) AS is_primary, u.line
       FROM ro_user u LEFT JOIN LATERAL unnest(u.org_sids) WITH ORDINALITY AS x(org, ord) ON true
       WHERE u.ok AND NOT u.deleted AND u.role <> ''
       UNION ALL
       SELECT r.user_sid, r.role, r.org_sid, r.role_type = 'primary', r.line FROM ro_role r
       WHERE r.ok AND NOT r.deleted AND (r.end_date IS NULL OR r.end_date >= current_date)`,
    );
    await em.execute(`CREATE INDEX ON ro_user_role (user_sid)`);
    // Autovacuum never analyzes temporary tables: statistics are taken after each bulk change, or joins turn into nested loops.
    await em.execute(`ANALYZE ro_user_role`);
    await em.execute(
      `ALTER TABLE ro_user ADD COLUMN kind text, ADD COLUMN provider_kind text, ADD COLUMN school_id uuid, ADD COLUMN relationship text`,
    );
    await em.execute(
      `UPDATE ro_user u SET kind = k.kind, provider_kind = k.provider_kind, relationship = k.relationship FROM (
         SELECT user_sid,
           CASE WHEN bool_or(role IN ('teacher', 'aide')) THEN 'staff' WHEN bool_or(role = 'student') THEN 'student'
                WHEN bool_or(role IN ('parent', 'guardian', 'relative')) THEN 'guardian' ELSE 'other' END AS kind,
           CASE WHEN bool_or(role = 'teacher') THEN 'tutor' WHEN bool_or(role = 'aide') THEN 'aide' END AS provider_kind,
           min(role) FILTER (WHERE role IN ('parent', 'guardian', 'relative')) AS relationship
         FROM ro_user_role GROUP BY user_sid) k
       WHERE k.user_sid = u.sid AND u.ok AND NOT u.deleted`,
    );
    await em.execute(`ANALYZE ro_user`);
    const roleColumn = version === '1.1' ? 'role' : 'sourcedId';
    await flag(em, 'ro_user', file, roleColumn, version === '1.1' ? `'the user has no role'` : `'the user has no current role in roles.csv'`, `t.kind IS NULL`);

    // Staff: teachers and aides, approved at the schools of their roles and of the classes they teach.
    await em.execute(
      `CREATE TEMP TABLE ro_approval ON COMMIT DROP AS
       SELECT DISTINCT u.sid AS user_sid, s.id AS school_id FROM ro_user u
       JOIN ro_user_role r ON r.user_sid = u.sid AND r.role IN ('teacher', 'aide')
       JOIN gateway.school s ON s.district_id = ${D} AND s.sourced_id = r.org_sid AND s.active
       WHERE u.kind = 'staff' AND u.ok
       UNION
       SELECT u.sid, s.id FROM ro_user u
       JOIN ro_enrollment e ON e.user_sid = u.sid AND e.ok AND NOT e.deleted AND e.role IN ('teacher', 'aide')
       JOIN gateway.school s ON s.district_id = ${D} AND s.sourced_id = e.school_sid AND s.active
       WHERE u.kind = 'staff' AND u.ok`,
    );
    await em.execute(`ANALYZE ro_approval`);
    const staff = `t.kind = 'staff'`;
    await flag(em, 'ro_user', file, 'email', `'a teacher or aide needs an e-mail address to sign in'`, `${staff} AND t.email = ''`);
    await flag(
      em,
      'ro_user',
      file,
      'email',
      `t.email || ' is also the e-mail of line ' || (SELECT min(o.line) FROM ro_user o WHERE o.kind = 'staff' AND o.email = t.email)`,
      `${staff} AND EXISTS (SELECT 1 FROM ro_user o WHERE o.kind = 'staff' AND o.ok AND o.email = t.email AND o.line < t.line)`,
    );
    await flag(
      em,
      'ro_user',
      file,
      'email',
      `t.email || ' already signs in as another user'`,
      `${staff} AND EXISTS (SELECT 1 FROM gateway.sign_in_candidate(t.email) c
         WHERE c.user_id IS DISTINCT FROM (SELECT x.id FROM gateway.app_user x WHERE x.district_id = ${D} AND x.sourced_id = t.sid))`,
    );
    await flag(
      em,
      'ro_user',
      file,
      version === '1.1' ? 'orgSourcedIds' : 'sourcedId',
      `'a teacher or aide needs a school of this roster among their orgs'`,
      `${staff} AND NOT EXISTS (SELECT 1 FROM ro_approval a WHERE a.user_sid = t.sid)`,
    );

    // Students: one school, the district's student number, a grade.
    await em.execute(
      `UPDATE ro_user u SET school_id = p.school_id FROM (
         SELECT DISTINCT ON (r.user_sid) r.user_sid, s.id AS school_id FROM ro_user_role r
         JOIN ro_user x ON x.sid = r.user_sid AND x.kind = 'student' AND x.ok
         JOIN gateway.school s ON s.district_id = ${D} AND s.sourced_id = r.org_sid AND s.active
         WHERE r.role = 'student'
         ORDER BY r.user_sid, r.is_primary DESC, (r.org_sid = x.primary_org) DESC, r.line) p
       WHERE p.user_sid = u.sid AND u.kind = 'student' AND u.ok`,
    );
    await em.execute(`ANALYZE ro_user`);
    const student = `t.kind = 'student'`;
    await flag(em, 'ro_user', file, version === '1.1' ? 'orgSourcedIds' : 'sourcedId', `'a student needs an active school of this roster among their orgs'`, `${student} AND t.school_id IS NULL`);
    await flag(em, 'ro_user', file, 'identifier', `'a student needs the district''s student number (identifier, or {SIS:…} in userIds)'`, `${student} AND t.local_id = ''`);
    await flag(
      em,
      'ro_user',
      file,
      'identifier',
      `'student number "' || t.local_id || '" must be 1-50 letters, digits, dots, dashes or underscores'`,
      `${student} AND t.local_id !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$'`,
    );
    await flag(
      em,
      'ro_user',
      file,
      'userIds',
      `'state id "' || t.state_id || '" must be 1-50 letters, digits, dots, dashes or underscores'`,
      `${student} AND t.state_id <> '' AND t.state_id !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$'`,
    );
    await flag(em, 'ro_user', file, 'grades', `'a student needs a grade'`, `${student} AND t.grade = ''`);
    await flag(
      em,
      'ro_user',
      file,
      'identifier',
      `'student number ' || t.local_id || ' is also that of line ' || (SELECT min(o.line) FROM ro_user o WHERE o.kind = 'student' AND o.local_id = t.local_id)`,
      `${student} AND EXISTS (SELECT 1 FROM ro_user o WHERE o.kind = 'student' AND o.ok AND o.local_id = t.local_id AND o.line < t.line)`,
    );
    await flag(
      em,
      'ro_user',
      file,
      'userIds',
      `'state id ' || t.state_id || ' is also that of line ' || (SELECT min(o.line) FROM ro_user o WHERE o.kind = 'student' AND o.state_id = t.state_id)`,
      `${student} AND t.state_id <> '' AND EXISTS (SELECT 1 FROM ro_user o WHERE o.kind = 'student' AND o.ok AND o.state_id = t.state_id AND o.line < t.line)`,
    );
    // Another student of the district already holds the number, and is not the hand-entered student this row will be matched with.
    const unmatched = `NOT EXISTS (SELECT 1 FROM gateway.student x WHERE x.district_id = ${D} AND x.sourced_id = t.sid)`;
    await flag(
      em,
      'ro_user',
      file,
      'identifier',
      `'student number ' || t.local_id || ' belongs to another student of the district'`,
      `${student} AND EXISTS (SELECT 1 FROM gateway.student s WHERE s.district_id = ${D} AND s.local_id = t.local_id AND s.sourced_id IS DISTINCT FROM t.sid
         AND NOT (s.sourced_id IS NULL AND ${unmatched}))`,
    );
    await flag(
      em,
      'ro_user',
      file,
      'userIds',
      `'state id ' || t.state_id || ' belongs to another student of the district'`,
      `${student} AND t.state_id <> '' AND EXISTS (SELECT 1 FROM gateway.student s WHERE s.district_id = ${D} AND s.state_id = t.state_id AND s.sourced_id IS DISTINCT FROM t.sid
         AND NOT (s.sourced_id IS NULL AND s.local_id = t.local_id AND ${unmatched}))`,
    );
    // A student the district entered by hand is matched by student number and from then on follows the roster.
    await em.execute(
      `UPDATE gateway.student s SET sourced_id = u.sid FROM ro_user u
       WHERE u.ok AND u.kind = 'student' AND s.district_id = ${D} AND s.sourced_id IS NULL AND s.local_id = u.local_id
         AND NOT EXISTS (SELECT 1 FROM gateway.student x WHERE x.district_id = ${D} AND x.sourced_id = u.sid)`,
    );

    const staffCounts = await upsert(
      em,
      STAFF,
      `SELECT sid AS sourced_id, email, given AS first_name, family AS last_name, provider_kind, CASE WHEN enabled THEN 'active' ELSE 'disabled' END AS status
       FROM ro_user WHERE ok AND kind = 'staff'`,
    );
    staffCounts.deactivated += await deactivateMissing(em, STAFF, 'ro_user', 'true', usersMode === 'bulk');
    // A disabled account's sign-ins end at once, as when an admin deactivates it.
    await em.execute(
      `UPDATE gateway.refresh_token rt SET revoked_at = now() FROM gateway.app_user u
       WHERE rt.district_id = ${D} AND u.id = rt.user_id AND u.sourced_id IS NOT NULL AND u.status = 'disabled' AND rt.revoked_at IS NULL`,
    );
    const students = await upsert(
      em,
      STUDENTS,
      `SELECT sid AS sourced_id, local_id, NULLIF(state_id, '') AS state_id, given AS first_name, family AS last_name, grade, school_id, true AS active
       FROM ro_user WHERE ok AND kind = 'student'`,
    );
    students.deactivated += await deactivateMissing(em, STUDENTS, 'ro_user', 'true', usersMode === 'bulk');
    const guardians = await upsert(
      em,
      GUARDIANS,
      `SELECT sid AS sourced_id, given AS first_name, family AS last_name, NULLIF(email, '') AS email, NULLIF(phone, '') AS phone, true AS active
       FROM ro_user WHERE ok AND kind = 'guardian'`,
    );
    guardians.deactivated += await deactivateMissing(em, GUARDIANS, 'ro_user', 'true', usersMode === 'bulk');

    const rosterManaged = `EXISTS (SELECT 1 FROM gateway.app_user x WHERE x.id = l.user_id AND x.sourced_id IS NOT NULL)
      AND EXISTS (SELECT 1 FROM gateway.school x WHERE x.id = l.school_id AND x.sourced_id IS NOT NULL)
      AND EXISTS (SELECT 1 FROM ro_user x JOIN gateway.app_user y ON y.sourced_id = x.sid AND y.district_id = ${D} WHERE y.id = l.user_id AND x.ok AND x.kind = 'staff')`;
    const approvals = await syncLinks(em, {
      table: 'staff_approval',
      a: 'user_id',
      b: 'school_id',
      desired: `SELECT DISTINCT u.id AS a, a.school_id AS b FROM ro_approval a JOIN ro_user r ON r.sid = a.user_sid AND r.ok AND r.kind = 'staff'
                JOIN gateway.app_user u ON u.district_id = ${D} AND u.sourced_id = a.user_sid`,
      removeWhere: usersMode === 'bulk' || rolesMode === 'bulk' ? rosterManaged : undefined,
    });

    // Guardian links, named on either side (a student's agents, a guardian's agents).
    await note(
      em,
      file,
      'agentSourcedIds',
      `SELECT u.line, u.sid, 'agent ' || x.agent || ' is not a ' || CASE WHEN u.kind = 'student' THEN 'parent or guardian' ELSE 'student' END || ' of this roster; the link was skipped' AS reason
       FROM ro_user u CROSS JOIN LATERAL unnest(u.agent_sids) AS x(agent)
       WHERE u.ok AND u.kind IN ('student', 'guardian')
         AND NOT EXISTS (SELECT 1 FROM gateway.guardian g WHERE u.kind = 'student' AND g.district_id = ${D} AND g.sourced_id = x.agent)
         AND NOT EXISTS (SELECT 1 FROM gateway.student s WHERE u.kind = 'guardian' AND s.district_id = ${D} AND s.sourced_id = x.agent)`,
    );
    await em.execute(
      `CREATE TEMP TABLE ro_agent ON COMMIT DROP AS
       SELECT CASE WHEN u.kind = 'student' THEN x.agent ELSE u.sid END AS guardian_sid, CASE WHEN u.kind = 'student' THEN u.sid ELSE x.agent END AS student_sid
       FROM ro_user u CROSS JOIN LATERAL unnest(u.agent_sids) AS x(agent) WHERE u.ok AND u.kind IN ('student', 'guardian')`,
    );
    await em.execute(`ANALYZE ro_agent`);
    const guardianLinks = await syncLinks(em, {
      table: 'guardian_student',
      a: 'guardian_id',
      b: 'student_id',
      extra: ['relationship'],
      desired: `SELECT DISTINCT ON (g.id, s.id) g.id AS a, s.id AS b, gu.relationship AS relationship FROM ro_agent p
                JOIN gateway.guardian g ON g.district_id = ${D} AND g.sourced_id = p.guardian_sid
                JOIN gateway.student s ON s.district_id = ${D} AND s.sourced_id = p.student_sid
                LEFT JOIN ro_user gu ON gu.sid = p.guardian_sid AND gu.ok
                ORDER BY g.id, s.id, gu.relationship`,
      removeWhere:
        usersMode === 'bulk'
          ? `EXISTS (SELECT 1 FROM gateway.guardian x WHERE x.id = l.guardian_id AND x.sourced_id IS NOT NULL)
             AND EXISTS (SELECT 1 FROM gateway.student x WHERE x.id = l.student_id AND x.sourced_id IS NOT NULL)`
          : undefined,
    });
    const skippedUsers = await count(em, `SELECT count(*) AS n FROM ro_user WHERE ok AND kind = 'other'`);
    return { staff: staffCounts, students, guardians, approvals, guardianLinks, skippedUsers };
  }

  private async importGroups(em: EntityManager, mode: FileMode): Promise<EntityCounts> {
    if (mode === 'absent') return { ...NO_CHANGE };
    const file = 'classes.csv';
    await em.execute(`ALTER TABLE ro_class ADD COLUMN school_id uuid, ADD COLUMN provider_id uuid`);
    await em.execute(
      `UPDATE ro_class c SET school_id = s.id FROM gateway.school s WHERE s.district_id = ${D} AND s.sourced_id = c.school_sid AND s.active AND c.ok AND NOT c.deleted`,
    );
    // The provider: the class's teacher (the primary one first), else its aide; a class the roster already knows keeps its provider.
    await em.execute(
      `UPDATE ro_class c SET provider_id = p.provider_id FROM (
         SELECT DISTINCT ON (e.class_sid) e.class_sid, a.id AS provider_id FROM ro_enrollment e
         JOIN gateway.app_user a ON a.district_id = ${D} AND a.sourced_id = e.user_sid AND 'provider' = ANY (a.roles)
         WHERE e.ok AND NOT e.deleted AND e.role IN ('teacher', 'aide') AND (e.end_date IS NULL OR e.end_date >= current_date)
         ORDER BY e.class_sid, (e.role = 'teacher') DESC, e.is_primary DESC, e.line) p
       WHERE p.class_sid = c.sid AND c.ok AND NOT c.deleted`,
    );
    await em.execute(
      `UPDATE ro_class c SET provider_id = g.provider_id FROM gateway.student_group g
       WHERE g.district_id = ${D} AND g.sourced_id = c.sid AND c.provider_id IS NULL AND c.ok AND NOT c.deleted`,
    );
    await em.execute(`ANALYZE ro_class`);
    await flag(em, 'ro_class', file, 'schoolSourcedId', `'school ' || t.school_sid || ' is not an active school of this roster'`, `t.school_id IS NULL`);
    await flag(em, 'ro_class', file, 'sourcedId', `'no teacher or aide of this roster is enrolled in the class (enrollments.csv); a group needs its provider'`, `t.provider_id IS NULL`);
    const counts = await upsert(
      em,
      GROUPS,
      `SELECT sid AS sourced_id, title AS name, school_id, provider_id, true AS active FROM ro_class WHERE ok AND NOT deleted`,
    );
    counts.deactivated += await deactivateMissing(em, GROUPS, 'ro_class', 'true', mode === 'bulk');
    await note(
      em,
      file,
      'termSourcedIds',
      `SELECT c.line, c.sid, 'term ' || x.term || ' is not an academic session of this roster; the term was skipped' AS reason
       FROM ro_class c CROSS JOIN LATERAL unnest(c.term_sids) AS x(term)
       WHERE c.ok AND NOT c.deleted AND NOT EXISTS (SELECT 1 FROM gateway.academic_session a WHERE a.district_id = ${D} AND a.sourced_id = x.term)`,
    );
    await syncLinks(em, {
      table: 'group_term',
      a: 'group_id',
      b: 'academic_session_id',
      desired: `SELECT DISTINCT g.id AS a, a.id AS b FROM ro_class c CROSS JOIN LATERAL unnest(c.term_sids) AS x(term)
                JOIN gateway.student_group g ON g.district_id = ${D} AND g.sourced_id = c.sid
                JOIN gateway.academic_session a ON a.district_id = ${D} AND a.sourced_id = x.term
                WHERE c.ok AND NOT c.deleted`,
      removeWhere: `EXISTS (SELECT 1 FROM ro_class c JOIN gateway.student_group g ON g.district_id = ${D} AND g.sourced_id = c.sid WHERE g.id = l.group_id AND c.ok)`,
    });
    return counts;
  }

  private async importMemberships(em: EntityManager, mode: FileMode): Promise<LinkCounts> {
    if (mode === 'absent') return { added: 0, removed: 0 };
    const file = 'enrollments.csv';
    await em.execute(`ALTER TABLE ro_enrollment ADD COLUMN group_id uuid, ADD COLUMN group_school_id uuid, ADD COLUMN student_id uuid, ADD COLUMN student_school_id uuid`);
    await em.execute(
      `UPDATE ro_enrollment e SET group_id = g.id, group_school_id = g.school_id FROM gateway.student_group g
       WHERE g.district_id = ${D} AND g.sourced_id = e.class_sid AND e.ok AND NOT e.deleted`,
    );
    await em.execute(
      `UPDATE ro_enrollment e SET student_id = s.id, student_school_id = s.school_id FROM gateway.student s
       WHERE s.district_id = ${D} AND s.sourced_id = e.user_sid AND s.active AND e.ok AND NOT e.deleted AND e.role = 'student'`,
    );
    await em.execute(`ANALYZE ro_enrollment`);
    await flag(em, 'ro_enrollment', file, 'classSourcedId', `'class ' || t.class_sid || ' is not a group of this roster'`, `t.group_id IS NULL`);
    await flag(em, 'ro_enrollment', file, 'userSourcedId', `'user ' || t.user_sid || ' is not an active student of this roster'`, `t.role = 'student' AND t.student_id IS NULL`);
    await flag(
      em,
      'ro_enrollment',
      file,
      'userSourcedId',
      `'teacher or aide ' || t.user_sid || ' is not staff of this roster'`,
      `t.role IN ('teacher', 'aide') AND NOT EXISTS (SELECT 1 FROM gateway.app_user a WHERE a.district_id = ${D} AND a.sourced_id = t.user_sid)`,
    );
    await flag(em, 'ro_enrollment', file, 'userSourcedId', `'student ' || t.user_sid || ' attends another school than the class'`, `t.role = 'student' AND t.student_school_id <> t.group_school_id`);
    const current = `e.ok AND NOT e.deleted AND e.role = 'student' AND (e.end_date IS NULL OR e.end_date >= current_date)`;
    return syncLinks(em, {
      table: 'group_member',
      a: 'group_id',
      b: 'student_id',
      desired: `SELECT DISTINCT e.group_id AS a, e.student_id AS b FROM ro_enrollment e WHERE ${current}`,
      removeWhere:
        mode === 'bulk'
          ? `EXISTS (SELECT 1 FROM gateway.student_group x WHERE x.id = l.group_id AND x.sourced_id IS NOT NULL)
             AND EXISTS (SELECT 1 FROM gateway.student x WHERE x.id = l.student_id AND x.sourced_id IS NOT NULL)`
          : `EXISTS (SELECT 1 FROM ro_enrollment d JOIN gateway.student_group g ON g.district_id = ${D} AND g.sourced_id = d.class_sid
                      JOIN gateway.student s ON s.district_id = ${D} AND s.sourced_id = d.user_sid
                     WHERE (d.deleted OR d.end_date < current_date) AND g.id = l.group_id AND s.id = l.student_id)`,
    });
  }
}

/**
 * Reads what decides whether the set is importable at all, before anything
 * is written: the manifest, every header row, the version.
 */
export async function preflight(
  source: RosterSource,
  notices: Notice[],
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): Promise<{ manifest: Map<string, string>; headers: Map<RosterFileName, Header>; version: '1.1' | '1.2' }> {
  const present = source.files();
  const manifest = present.includes('manifest.csv') ? await readManifest(source, limits) : new Map<string, string>();
  const headers = new Map<RosterFileName, Header>();
  for (const file of FILE_ORDER.filter((name) => present.includes(name))) headers.set(file, await readHeader(source, file, notices, limits));
  return { manifest, headers, version: decideVersion(manifest, headers) };
}

async function readManifest(source: RosterSource, limits: CsvLimits): Promise<Map<string, string>> {
  const notices: Notice[] = [];
  const records = await readAll(source, 'manifest.csv', limits);
  const header = checkHeader('manifest.csv', wholeHeader('manifest.csv', records[0]), notices);
  const [name, value] = [header.reader('propertyName'), header.reader('value')];
  return new Map(records.slice(1).map((record) => [name(record.fields), value(record.fields)]));
}

async function readAll(source: RosterSource, file: RosterFileName, limits: CsvLimits): Promise<CsvRecord[]> {
  const parser = new CsvParser(limits);
  const records: CsvRecord[] = [];
  const keep = (more: CsvRecord[]) => {
    records.push(...more);
    if (records.length > MAX_MANIFEST_ROWS) throw new HeaderRefused(file, `has more than ${MAX_MANIFEST_ROWS.toLocaleString('en-US')} rows; a OneRoster manifest has a few`);
  };
  for await (const chunk of source.open(file)) keep(parseChunk(parser, file, chunk));
  keep(parseChunk(parser, file, undefined));
  return records;
}

/** A header cut short by the line limit is not judged on the columns that were read. */
function wholeHeader(file: RosterFileName, record: CsvRecord | undefined): string[] | undefined {
  if (record?.tooLong) throw new HeaderRefused(file, `the header row is too long (${record.tooLong.reason})`);
  return record?.fields;
}

/** Reads just the header row (the first record) of a file. */
export async function readHeader(source: RosterSource, file: RosterFileName, notices: Notice[], limits: CsvLimits = DEFAULT_CSV_LIMITS): Promise<Header> {
  const parser = new CsvParser(limits);
  let first: CsvRecord | undefined;
  for await (const chunk of source.open(file)) {
    first = parseChunk(parser, file, chunk)[0];
    if (first) break;
  }
  first ??= parseChunk(parser, file, undefined)[0];
  return checkHeader(file, wholeHeader(file, first), notices);
}

/**
 * 1.2 when the manifest says so; else 1.1 when users.csv carries `role`; a
 * 1.2 set keeps roles in roles.csv, without which nobody could be placed.
 */
export function decideVersion(manifest: Map<string, string>, headers: Map<RosterFileName, Header>): '1.1' | '1.2' {
  const declared = manifest.get('oneroster.version');
  const users = headers.get('users.csv');
  const version = declared === '1.1' || declared === '1.2' ? declared : users && users.has('role') && !headers.has('roles.csv') ? '1.1' : '1.2';
  if (version === '1.1' && users && !(users.has('role') && users.has('orgSourcedIds'))) {
    throw new HeaderRefused('users.csv', 'a OneRoster 1.1 users.csv needs the role and orgSourcedIds columns');
  }
  if (version === '1.2' && users && !headers.has('roles.csv') && !users.has('role')) {
    throw new HeaderRefused('roles.csv', 'a OneRoster 1.2 set needs roles.csv beside users.csv (users have no role column in 1.2)');
  }
  return version;
}

export { HeaderRefused, REQUIRED_COLUMNS };
