import { normalizeEmail } from '@sessionledger/common';
import { GRADES } from '../../directory/students/students.dto';
import type { CsvRecord } from '../csv/csv-parser';
import { Header, isStandardColumn, RosterFileName } from '../oneroster/oneroster-files';

export interface RowError {
  file: string;
  line: number;
  column: string;
  reason: string;
  sourcedId?: string;
}

/** A row as staged in PostgreSQL; `ok: false` rows are kept so that a present-but-broken row never counts as absent. */
export type StageRow = Record<string, string | number | boolean | string[] | null>;

export type RowReader = (fields: string[], line: number, errors: RowError[]) => StageRow | undefined;

const ORG_TYPES = ['department', 'school', 'district', 'local', 'state', 'national'];
/** 1.1 role vocabulary plus the 1.2 additions, lower-cased. */
const USER_ROLES = [
  'administrator', 'aide', 'guardian', 'parent', 'proctor', 'relative', 'student', 'teacher',
  'districtadministrator', 'principal', 'siteadministrator', 'systemadministrator', 'counselor', 'examiner', 'proctor',
];
const ENROLLMENT_ROLES = ['administrator', 'aide', 'guardian', 'parent', 'proctor', 'relative', 'student', 'teacher'];
const SESSION_TYPES = ['gradingperiod', 'semester', 'schoolyear', 'term'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const GRADE_SET = new Set<string>(GRADES);

/** The columns every reader shares: sourcedId (required) and status (active, tobedeleted, or empty for active). */
function base(header: Header, file: RosterFileName, requireSourcedId = true) {
  const sourcedId = header.reader('sourcedId');
  const status = header.reader('status');
  return (fields: string[], line: number, errors: RowError[]): { sid: string; deleted: boolean; ok: boolean } | undefined => {
    const sid = sourcedId(fields);
    if (!sid && requireSourcedId) {
      errors.push({ file, line, column: 'sourcedId', reason: 'sourcedId is required' });
      return undefined;
    }
    const value = status(fields).toLowerCase();
    if (value && value !== 'active' && value !== 'tobedeleted') {
      errors.push({ file, line, column: header.name('status'), reason: `status "${status(fields)}" must be active or tobedeleted`, sourcedId: sid });
      return { sid, deleted: false, ok: false };
    }
    return { sid, deleted: value === 'tobedeleted', ok: true };
  };
}

/** Collects a row's problems; the row is staged as not ok when there is any. */
class RowCheck {
  ok = true;
  constructor(
    private readonly file: string,
    private readonly header: Header,
    private readonly line: number,
    private readonly sid: string,
    private readonly errors: RowError[],
  ) {}

  fail(column: string, reason: string): void {
    this.ok = false;
    this.errors.push({ file: this.file, line: this.line, column: this.header.name(column), reason, sourcedId: this.sid || undefined });
  }

  required(column: string, value: string, what = `${column} is required`): string {
    if (!value) this.fail(column, what);
    return value;
  }

  date(column: string, value: string, required = false): string | null {
    if (!value) {
      if (required) this.fail(column, `${column} is required (YYYY-MM-DD)`);
      return null;
    }
    const match = DATE.exec(value);
    const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
    if (!parsed || parsed.getUTCDate() !== Number(match![3]) || parsed.getUTCMonth() !== Number(match![2]) - 1) {
      this.fail(column, `"${value}" is not a date (YYYY-MM-DD)`);
      return null;
    }
    return value;
  }

  boolean(column: string, value: string, fallback: boolean): boolean {
    const lower = value.toLowerCase();
    if (lower === '') return fallback;
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.fail(column, `"${value}" must be true or false`);
    return fallback;
  }

  oneOf(column: string, value: string, allowed: string[]): string {
    const lower = value.toLowerCase();
    if (value && !allowed.includes(lower)) this.fail(column, `"${value}" is not a OneRoster ${column}`);
    return lower;
  }
}

/**
 * Longest value kept from a standard column. Identifiers, codes and names are
 * far shorter; a longer one is a broken or hostile export, and would not fit a
 * PostgreSQL index (about 2,700 bytes), failing the whole import instead of the row.
 */
export const MAX_VALUE_CHARS = 255;
const LIST_COLUMNS = new Set(['orgsourcedids', 'agentsourcedids', 'termsourcedids', 'userids', 'grades', 'subjects', 'subjectcodes', 'periods']);

/**
 * Judges what no reader should see: a record cut short by the parser's
 * limits, NUL bytes (PostgreSQL text cannot hold them) and over-long values.
 * Each is a row error naming the column; the refused values are blanked in
 * the returned fields, and `ok: false` means the row is not imported.
 */
export function screenValues(file: RosterFileName, header: Header, record: CsvRecord, errors: RowError[]): { ok: boolean; fields: string[] } {
  const found: { column: string; reason: string }[] = [];
  let fields = record.fields;
  const refuse = (index: number, reason: string) => {
    if (fields === record.fields) fields = [...record.fields];
    fields[index] = '';
    found.push({ column: header.columns[index] ?? '', reason });
  };
  if (record.tooLong) found.push({ column: header.columns[record.tooLong.field] ?? '', reason: `${record.tooLong.reason}; the row was skipped` });
  for (let index = 0; index < record.fields.length; index++) {
    const value = record.fields[index];
    if (value.includes('\u0000')) {
      refuse(index, 'the value contains a NUL character (byte 0), which a text value cannot hold');
      continue;
    }
    if (value.length <= MAX_VALUE_CHARS) continue;
    const column = header.columns[index];
    if (column === undefined || !isStandardColumn(file, column)) continue;
    if (LIST_COLUMNS.has(column.toLowerCase())) {
      const item = value.split(',').find((part) => part.trim().length > MAX_VALUE_CHARS);
      if (item) refuse(index, `an item of the list is ${item.trim().length.toLocaleString('en-US')} characters long; at most ${MAX_VALUE_CHARS} are allowed`);
    } else {
      refuse(index, `the value is ${value.length.toLocaleString('en-US')} characters long; at most ${MAX_VALUE_CHARS} are allowed`);
    }
  }
  if (!found.length) return { ok: true, fields };
  const sourcedId = header.has('sourcedId') ? header.reader('sourcedId')(fields) : '';
  for (const problem of found) errors.push({ file, line: record.line, ...problem, ...(sourcedId ? { sourcedId } : {}) });
  return { ok: false, fields };
}

export function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `{SIS:123},{STATE:9900}` → { SIS: '123', STATE: '9900' }; undefined when malformed. */
export function parseUserIds(value: string): Record<string, string> | undefined {
  const ids: Record<string, string> = {};
  if (!value) return ids;
  const pattern = /\{\s*([^:{}]+?)\s*:\s*([^{}]*?)\s*\}\s*(,|$)/y;
  let position = 0;
  while (position < value.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(value);
    if (!match) return undefined;
    ids[match[1].toUpperCase()] = match[2];
    position = pattern.lastIndex;
    while (value[position] === ' ') position += 1;
  }
  return ids;
}

export function normalizeGrade(value: string): string {
  const grade = value.trim().toUpperCase().replace(/^0+(?=\d)/, '');
  if (grade === 'KG') return 'K';
  if (grade === 'OTHER') return 'UG';
  return grade;
}

export function readerFor(file: RosterFileName, header: Header): RowReader {
  switch (file) {
    case 'orgs.csv':
      return orgsReader(header);
    case 'users.csv':
      return usersReader(header);
    case 'roles.csv':
      return rolesReader(header);
    case 'classes.csv':
      return classesReader(header);
    case 'enrollments.csv':
      return enrollmentsReader(header);
    case 'academicSessions.csv':
      return sessionsReader(header);
    default:
      throw new Error(`no reader for ${file}`);
  }
}

function orgsReader(header: Header): RowReader {
  const file = 'orgs.csv';
  const start = base(header, file);
  const [name, type, identifier] = ['name', 'type', 'identifier'].map((column) => header.reader(column));
  return (fields, line, errors) => {
    const row = start(fields, line, errors);
    if (!row) return undefined;
    const check = new RowCheck(file, header, line, row.sid, errors);
    const orgType = check.oneOf('type', type(fields), ORG_TYPES);
    if (!row.deleted) {
      check.required('name', name(fields));
      check.required('type', type(fields));
      if (orgType === 'school') check.required('identifier', identifier(fields), 'identifier (the state school code) is required for a school');
    }
    return { line, sid: row.sid, deleted: row.deleted, ok: row.ok && check.ok, name: name(fields), type: orgType, identifier: identifier(fields) };
  };
}

function usersReader(header: Header): RowReader {
  const file = 'users.csv';
  const start = base(header, file);
  const read = Object.fromEntries(
    ['enabledUser', 'orgSourcedIds', 'role', 'userIds', 'givenName', 'familyName', 'identifier', 'email', 'sms', 'phone', 'agentSourcedIds', 'grades', 'primaryOrgSourcedId'].map(
      (column) => [column, header.reader(column)],
    ),
  );
  return (fields, line, errors) => {
    const row = start(fields, line, errors);
    if (!row) return undefined;
    const check = new RowCheck(file, header, line, row.sid, errors);
    const given = read.givenName(fields);
    const family = read.familyName(fields);
    let email = read.email(fields).normalize('NFKC').trim().toLowerCase();
    let grade = read.grades(fields) ? normalizeGrade(list(read.grades(fields))[0] ?? '') : '';
    const role = check.oneOf('role', read.role(fields), USER_ROLES);
    const enabled = check.boolean('enabledUser', read.enabledUser(fields), true);
    let ids: Record<string, string> = {};
    if (!row.deleted) {
      check.required('givenName', given);
      check.required('familyName', family);
      if (email && !EMAIL.test(email)) {
        check.fail('email', `"${read.email(fields)}" is not an e-mail address`);
        email = '';
      } else if (email) {
        // The same spelling and look-alike rules as every API route that takes an address.
        const normalized = normalizeEmail(email);
        if ('problem' in normalized) {
          check.fail('email', `"${read.email(fields)}" ${normalized.problem}`);
          email = '';
        }
      }
      if (grade && !GRADE_SET.has(grade)) {
        check.fail('grades', `"${read.grades(fields)}" is not a grade (${GRADES.join(' ')})`);
        grade = '';
      }
      const parsed = parseUserIds(read.userIds(fields));
      if (parsed) ids = parsed;
      else check.fail('userIds', `"${read.userIds(fields)}" is not a list of {type:identifier}`);
    }
    const identifier = read.identifier(fields);
    return {
      line,
      sid: row.sid,
      deleted: row.deleted,
      ok: row.ok && check.ok,
      enabled,
      email,
      given,
      family,
      local_id: identifier || ids.SIS || ids.LOCAL || '',
      state_id: ids.STATE ?? ids.STATEID ?? '',
      grade,
      phone: read.phone(fields) || read.sms(fields),
      role,
      org_sids: list(read.orgSourcedIds(fields)),
      primary_org: read.primaryOrgSourcedId(fields),
      agent_sids: list(read.agentSourcedIds(fields)),
    };
  };
}

function rolesReader(header: Header): RowReader {
  const file = 'roles.csv';
  const start = base(header, file, false);
  const [userSourcedId, roleType, role, orgSourcedId, beginDate, endDate] = ['userSourcedId', 'roleType', 'role', 'orgSourcedId', 'beginDate', 'endDate'].map(
    (column) => header.reader(column),
  );
  return (fields, line, errors) => {
    const row = start(fields, line, errors);
    if (!row) return undefined;
    const check = new RowCheck(file, header, line, row.sid, errors);
    const kind = check.oneOf('role', role(fields), USER_ROLES);
    const type = check.oneOf('roleType', roleType(fields), ['primary', 'secondary']);
    check.required('userSourcedId', userSourcedId(fields));
    if (!row.deleted) {
      check.required('role', role(fields));
      check.required('orgSourcedId', orgSourcedId(fields));
    }
    return {
      line,
      sid: row.sid,
      deleted: row.deleted,
      ok: row.ok && check.ok,
      user_sid: userSourcedId(fields),
      role_type: type,
      role: kind,
      org_sid: orgSourcedId(fields),
      begin_date: check.date('beginDate', beginDate(fields)),
      end_date: check.date('endDate', endDate(fields)),
    };
  };
}

function classesReader(header: Header): RowReader {
  const file = 'classes.csv';
  const start = base(header, file);
  const [title, schoolSourcedId, termSourcedIds] = ['title', 'schoolSourcedId', 'termSourcedIds'].map((column) => header.reader(column));
  return (fields, line, errors) => {
    const row = start(fields, line, errors);
    if (!row) return undefined;
    const check = new RowCheck(file, header, line, row.sid, errors);
    if (!row.deleted) {
      check.required('title', title(fields));
      check.required('schoolSourcedId', schoolSourcedId(fields));
    }
    return {
      line,
      sid: row.sid,
      deleted: row.deleted,
      ok: row.ok && check.ok,
      title: title(fields),
      school_sid: schoolSourcedId(fields),
      term_sids: list(termSourcedIds(fields)),
    };
  };
}

function enrollmentsReader(header: Header): RowReader {
  const file = 'enrollments.csv';
  const start = base(header, file);
  const [classSourcedId, schoolSourcedId, userSourcedId, role, primary, beginDate, endDate] = [
    'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role', 'primary', 'beginDate', 'endDate',
  ].map((column) => header.reader(column));
  return (fields, line, errors) => {
    const row = start(fields, line, errors);
    if (!row) return undefined;
    const check = new RowCheck(file, header, line, row.sid, errors);
    const kind = check.oneOf('role', role(fields), ENROLLMENT_ROLES);
    if (!row.deleted) {
      check.required('classSourcedId', classSourcedId(fields));
      check.required('userSourcedId', userSourcedId(fields));
      check.required('role', role(fields));
    }
    return {
      line,
      sid: row.sid,
      deleted: row.deleted,
      ok: row.ok && check.ok,
      class_sid: classSourcedId(fields),
      school_sid: schoolSourcedId(fields),
      user_sid: userSourcedId(fields),
      role: kind,
      is_primary: check.boolean('primary', primary(fields), false),
      begin_date: check.date('beginDate', beginDate(fields)),
      end_date: check.date('endDate', endDate(fields)),
    };
  };
}

function sessionsReader(header: Header): RowReader {
  const file = 'academicSessions.csv';
  const start = base(header, file);
  const [title, type, startDate, endDate, parentSourcedId, schoolYear] = ['title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'].map(
    (column) => header.reader(column),
  );
  return (fields, line, errors) => {
    const row = start(fields, line, errors);
    if (!row) return undefined;
    const check = new RowCheck(file, header, line, row.sid, errors);
    const sessionType = check.oneOf('type', type(fields), SESSION_TYPES);
    let from: string | null = null;
    let to: string | null = null;
    if (!row.deleted) {
      check.required('title', title(fields));
      check.required('type', type(fields));
      from = check.date('startDate', startDate(fields), true);
      to = check.date('endDate', endDate(fields), true);
      if (from && to && to < from) check.fail('endDate', `endDate ${to} is before startDate ${from}`);
    }
    return {
      line,
      sid: row.sid,
      deleted: row.deleted,
      ok: row.ok && check.ok,
      title: title(fields),
      type: sessionType ? type(fields) : '',
      start_date: from,
      end_date: to,
      parent_sid: parentSourcedId(fields),
      school_year: schoolYear(fields),
    };
  };
}
