import { RecordTables } from '@sessionledger/messaging';

const S = 'state_reporting';
const STUDENT_SESSIONS = `SELECT session_id FROM ${S}.reportable_record WHERE student_id = ?`;

/**
 * State reporting's part of a district export or a records request
 * (docs/district-export.md). For one student: their reportable records, the
 * reported sessions those came from, and every disclosure of their data (the
 * state exports that carried it and the records requests handed over).
 */
export const STATE_REPORTING_RECORD_TABLES: RecordTables = {
  tables: {
    bell_schedule: { district: `SELECT * FROM ${S}.bell_schedule ORDER BY school_id` },
    reported_session: {
      district: `SELECT * FROM ${S}.reported_session ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.reported_session WHERE session_id IN (${STUDENT_SESSIONS}) ORDER BY id`, params: [studentId] }),
    },
    reportable_record: {
      district: `SELECT * FROM ${S}.reportable_record ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.reportable_record WHERE student_id = ? ORDER BY id`, params: [studentId] }),
    },
    coaching_record: { district: `SELECT * FROM ${S}.coaching_record ORDER BY id` },
    state_export: { district: `SELECT * FROM ${S}.state_export ORDER BY id` },
    disclosure: {
      district: `SELECT * FROM ${S}.disclosure ORDER BY export_id, student_id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.disclosure WHERE student_id = ? ORDER BY disclosed_at, export_id`, params: [studentId] }),
    },
  },
  others: ({ studentId }) => ({
    sql: `SELECT DISTINCT student_id::text AS id, student_name AS name FROM ${S}.reportable_record WHERE session_id IN (${STUDENT_SESSIONS}) AND student_id <> ?`,
    params: [studentId, studentId],
  }),
};
