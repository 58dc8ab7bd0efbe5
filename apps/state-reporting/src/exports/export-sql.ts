import { ExportFormat } from '@sessionledger/contracts';
import { NO_SCHOOL_CODE } from '../records/eligibility';

/**
 * The SQL of an export. PostgreSQL formats every line (CSV cells through
 * state_reporting.csv_cell, Ed-Fi resources through jsonb); the worker only
 * joins the lines into stored chunks. Column layout: docs/api/state-reporting.md, "State exports".
 */
const S = 'state_reporting';

export const CANDIDATES = 'export_candidate';

/**
 * What each format cannot carry, in the order reasons are given: the state
 * takes no record without its school's code, and Ed-Fi also needs a state
 * student id (studentUniqueId, at most 32 characters) and a numeric school
 * code (educationOrganizationId). A record that meets one is skipped and
 * counted under that reason; it stays eligible, so fixing the data sends it.
 */
const CANNOT_CARRY: Record<ExportFormat, { reason: string; when: (alias: string) => string }[]> = {
  csv: [{ reason: NO_SCHOOL_CODE, when: (a) => `${a}.school_code IS NULL` }],
  edfi: [
    { reason: NO_SCHOOL_CODE, when: (a) => `${a}.school_code IS NULL` },
    { reason: 'The student has no state student id', when: (a) => `${a}.state_id IS NULL` },
    { reason: 'The state student id is longer than Ed-Fi allows (32 characters)', when: (a) => `length(${a}.state_id) > 32` },
    { reason: 'The state school code is not a number of at most 9 digits (Ed-Fi educationOrganizationId)', when: (a) => `${a}.school_code !~ '^[0-9]{1,9}$'` },
  ],
};

/** A condition true exactly when the format can carry the record (NULLs count as "cannot"). */
const carriableBy = (format: ExportFormat, alias: string) =>
  CANNOT_CARRY[format].map(({ when }) => `(${when(alias)}) IS NOT TRUE`).join(' AND ');

export interface ExportScope {
  format: ExportFormat;
  from: string;
  to: string;
  schoolId: string | null;
}

/** What the state was told about a record, the session version aside: an amendment that changes none of it is no correction. */
const CONTENT_HASH = `md5(row(r.session_date, r.school_id, r.school_code, r.state_id, r.student_name, r.student_school_code, r.provider_name, r.service,
  r.delivery, r.subject, r.attendance_status, r.minutes, r.minutes_outside_school_day, r.homebound, r.detention, r.credit_recovery, r.remedial,
  r.remedial_criteria, r.work_order_type)::text)`;

/**
 * Every record the export sends, with its action: the current eligible
 * records of the range (ADD when the state has never had them in this format,
 * CORRECT when what it has differs, UNCHANGED otherwise) and the records
 * sent before that are no longer reportable (DELETE, with what was sent).
 * A temporary table: computed once, read by every pass, dropped at commit.
 */
export function candidatesSql(scope: ExportScope): { sql: string; params: unknown[] } {
  const carriable = (alias: string) => ` AND ${carriableBy(scope.format, alias)}`;
  const school = (alias: string) => (scope.schoolId ? ` AND ${alias}.school_id = ?` : '');
  const schoolParam = scope.schoolId ? [scope.schoolId] : [];
  const sql = `CREATE TEMP TABLE ${CANDIDATES} ON COMMIT DROP AS
    SELECT r.session_date, r.session_id, r.participant_id, r.session_version, r.student_id, r.state_id, r.student_name,
      r.school_id, r.school_code, r.student_school_code, r.provider_name, r.service, r.delivery, r.subject, r.attendance_status,
      r.minutes, r.minutes_outside_school_day, r.homebound, r.detention, r.credit_recovery, r.remedial, r.remedial_criteria, r.work_order_type,
      ${CONTENT_HASH} AS content_hash,
      CASE WHEN s.session_version IS NULL THEN 'ADD' WHEN s.content_hash <> ${CONTENT_HASH} THEN 'CORRECT' ELSE 'UNCHANGED' END AS action
    FROM ${S}.reportable_record r
    LEFT JOIN ${S}.export_sent s
      ON s.district_id = r.district_id AND s.format = ? AND s.session_id = r.session_id AND s.participant_id = r.participant_id
    WHERE r.current AND r.eligible AND r.session_date BETWEEN ? AND ?${school('r')}${carriable('r')}
    UNION ALL
    SELECT s.session_date, s.session_id, s.participant_id, s.session_version, s.student_id, s.state_id, NULL,
      s.school_id, s.school_code, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      s.content_hash, 'DELETE'
    FROM ${S}.export_sent s
    WHERE s.format = ? AND s.session_date BETWEEN ? AND ?${school('s')}
      AND NOT EXISTS (
        SELECT 1 FROM ${S}.reportable_record r
        WHERE r.district_id = s.district_id AND r.session_id = s.session_id AND r.participant_id = s.participant_id AND r.current AND r.eligible${carriable('r')}
      )`;
  return { sql, params: [scope.format, scope.from, scope.to, ...schoolParam, scope.format, scope.from, scope.to, ...schoolParam] };
}

/** Eligible records of the range the format cannot carry, counted by the first reason that applies. */
export function skippedSql(scope: ExportScope): { sql: string; params: unknown[] } {
  const reasons = CANNOT_CARRY[scope.format];
  const firstReason = `CASE ${reasons.map((_, index) => `WHEN (${reasons[index].when('r')}) IS TRUE THEN ?`).join(' ')} END`;
  return {
    sql: `SELECT reason, count(*)::int AS count FROM (
        SELECT ${firstReason} AS reason FROM ${S}.reportable_record r
        WHERE r.current AND r.eligible AND r.session_date BETWEEN ? AND ?${scope.schoolId ? ' AND r.school_id = ?' : ''}
      ) skipped WHERE reason IS NOT NULL GROUP BY reason ORDER BY reason`,
    params: [...reasons.map(({ reason }) => reason), scope.from, scope.to, ...(scope.schoolId ? [scope.schoolId] : [])],
  };
}

/** Student sessions of the range the export leaves out, by the same filter as GET /api/reporting/ineligible. */
export function ineligibleSql(scope: ExportScope): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT count(*)::int AS count FROM ${S}.reported_session
      WHERE current AND eligible = false AND session_date BETWEEN ? AND ?${scope.schoolId ? ' AND school_id = ?' : ''}`,
    params: [scope.from, scope.to, ...(scope.schoolId ? [scope.schoolId] : [])],
  };
}

export const CSV_COLUMNS = [
  'record_action',
  'session_id',
  'session_version',
  'session_date',
  'school_code',
  'student_state_id',
  'student_id',
  'student_name',
  'student_school_code',
  'provider_name',
  'service',
  'delivery',
  'subject',
  'attendance_status',
  'minutes',
  'minutes_outside_school_day',
  'homebound',
  'detention',
  'credit_recovery',
  'remedial',
  'remedial_criteria',
  'work_order_type',
] as const;

const yesNo = (column: string) => `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} THEN 'Y' ELSE 'N' END`;

const CSV_CELLS = [
  'action',
  'session_id::text',
  'session_version::text',
  'session_date::text',
  'school_code',
  'state_id',
  'student_id::text',
  'student_name',
  'student_school_code',
  'provider_name',
  'service',
  'delivery',
  'subject',
  'attendance_status',
  'minutes::text',
  'minutes_outside_school_day::text',
  yesNo('homebound'),
  yesNo('detention'),
  yesNo('credit_recovery'),
  yesNo('remedial'),
  `array_to_string(remedial_criteria, ';')`,
  'work_order_type',
];

/** Keyset over (session_date, session_id, participant_id): a batch is one index range, however far into the export. */
export type RecordKey = [string, string, string];
export const FIRST_RECORD_KEY: RecordKey = ['0001-01-01', '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'];

function recordBatchSql(line: string, where = 'TRUE'): string {
  return `SELECT session_date::text AS k1, session_id::text AS k2, participant_id::text AS k3, ${line} AS line
    FROM ${CANDIDATES}
    WHERE (session_date, session_id, participant_id) > (?::date, ?::uuid, ?::uuid) AND ${where}
    ORDER BY session_date, session_id, participant_id
    LIMIT ?`;
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
export const CSV_LINES = recordBatchSql(`concat_ws(',', ${CSV_CELLS.map((cell) => `${S}.csv_cell(${cell})`).join(', ')})`);

const DESCRIPTOR = 'uri://ed-fi.org';
const interventionReference = `jsonb_build_object('educationOrganizationId', school_code::int, 'interventionIdentificationCode', session_id::text)`;
const studentReference = `jsonb_build_object('studentUniqueId', state_id)`;

/** One Intervention per session: Ed-Fi's natural key is (school, code), the code is the session id. */
export const EDFI_INTERVENTIONS = `SELECT session_id::text AS k1, jsonb_build_object(
      'interventionIdentificationCode', session_id::text,
      'educationOrganizationReference', jsonb_build_object('educationOrganizationId', school_code::int),
      'beginDate', session_date::text,
      'endDate', session_date::text,
      'deliveryMethodDescriptor', CASE WHEN small_group THEN '${DESCRIPTOR}/DeliveryMethodDescriptor#Small Group' ELSE '${DESCRIPTOR}/DeliveryMethodDescriptor#Individual' END,
      'interventionClassDescriptor', '${DESCRIPTOR}/InterventionClassDescriptor#Supplement'
    )::text AS line
  FROM (
    SELECT session_id, min(session_date) AS session_date, min(school_code) AS school_code, bool_or(delivery = 'small_group') AS small_group
    FROM ${CANDIDATES}
    WHERE action <> 'DELETE' AND session_id > ?::uuid
    GROUP BY session_id
    ORDER BY session_id
    LIMIT ?
  ) AS sessions
  ORDER BY session_id`;

export const EDFI_ASSOCIATIONS = recordBatchSql(
  `jsonb_build_object('interventionReference', ${interventionReference}, 'studentReference', ${studentReference}, 'dosage', minutes)::text`,
  `action <> 'DELETE'`,
);

export const EDFI_EVENTS = recordBatchSql(
  `jsonb_strip_nulls(jsonb_build_object(
    'attendanceEventCategoryDescriptor', '${DESCRIPTOR}/AttendanceEventCategoryDescriptor#' || CASE attendance_status
      WHEN 'attended' THEN 'In Attendance' WHEN 'missed_billable' THEN 'Unexcused Absence' ELSE 'Excused Absence' END,
    'eventDate', session_date::text,
    'interventionReference', ${interventionReference},
    'studentReference', ${studentReference},
    'interventionDuration', least(minutes, 1440),
    'attendanceEventReason', CASE WHEN attendance_status LIKE 'cancelled%' THEN 'Session cancelled' END,
    'educationalEnvironmentDescriptor', CASE WHEN homebound THEN '${DESCRIPTOR}/EducationalEnvironmentDescriptor#Homebound' END
  ))::text`,
  `action <> 'DELETE'`,
);

/** A record sent before and no longer reportable: the keys of the association and the attendance event the state should remove. */
export const EDFI_DELETES = recordBatchSql(
  `jsonb_build_object(
    'studentInterventionAssociation', jsonb_build_object('interventionReference', ${interventionReference}, 'studentReference', ${studentReference}),
    'studentInterventionAttendanceEvent', jsonb_build_object('interventionReference', ${interventionReference}, 'studentReference', ${studentReference}, 'eventDate', session_date::text)
  )::text`,
  `action = 'DELETE'`,
);

/** After the file is written: what the state now holds, per record of this format. */
export const RECORD_SENT = `INSERT INTO ${S}.export_sent
    (district_id, format, session_id, participant_id, session_version, content_hash, export_id, student_id, state_id, session_date, school_id, school_code)
  SELECT ?, ?, session_id, participant_id, session_version, content_hash, ?, student_id, state_id, session_date, school_id, school_code
  FROM ${CANDIDATES} WHERE action <> 'DELETE'
  ON CONFLICT (district_id, format, session_id, participant_id) DO UPDATE SET
    session_version = excluded.session_version, content_hash = excluded.content_hash, export_id = excluded.export_id, student_id = excluded.student_id, state_id = excluded.state_id,
    session_date = excluded.session_date, school_id = excluded.school_id, school_code = excluded.school_code`;

export const FORGET_DELETED = `DELETE FROM ${S}.export_sent s USING ${CANDIDATES} c
  WHERE c.action = 'DELETE' AND s.format = ? AND s.session_id = c.session_id AND s.participant_id = c.participant_id`;

export const DISCLOSE = `INSERT INTO ${S}.disclosure
    (district_id, export_id, student_id, records, recipient, purpose, format, disclosed_at, disclosed_by, disclosed_by_name)
  SELECT ?, ?, student_id, count(*), ?, ?, ?, now(), ?, ?
  FROM ${CANDIDATES} GROUP BY student_id`;

export const CANDIDATE_COUNTS = `SELECT
    count(*)::int AS records,
    count(*) FILTER (WHERE action = 'ADD')::int AS added,
    count(*) FILTER (WHERE action = 'CORRECT')::int AS corrected,
    count(*) FILTER (WHERE action = 'UNCHANGED')::int AS unchanged,
    count(*) FILTER (WHERE action = 'DELETE')::int AS deleted,
    count(DISTINCT student_id)::int AS students,
    count(DISTINCT session_id) FILTER (WHERE action <> 'DELETE')::int AS sessions
  FROM ${CANDIDATES}`;
