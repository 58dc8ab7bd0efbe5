import { RecordTables } from '@sessionledger/messaging';

const S = 'session_log';
const STUDENT_SESSIONS = `SELECT session_id FROM ${S}.participant WHERE person_id = ?`;

/**
 * Session log's part of a district export or a records request
 * (docs/district-export.md). For one student: the sessions they took part in,
 * their own participant row (attendance, qualifiers, the notes of every
 * audience), the signed versions and the change trail of those sessions; the
 * other participants are left out of every list and their names blanked out
 * of the group's own text.
 */
export const SESSION_LOG_RECORD_TABLES: RecordTables = {
  tables: {
    session: {
      district: `SELECT * FROM ${S}.session ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.session WHERE id IN (${STUDENT_SESSIONS}) ORDER BY id`, params: [studentId] }),
    },
    participant: {
      district: `SELECT * FROM ${S}.participant ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.participant WHERE person_id = ? ORDER BY id`, params: [studentId] }),
    },
    session_version: {
      district: `SELECT * FROM ${S}.session_version ORDER BY session_id, version`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.session_version WHERE session_id IN (${STUDENT_SESSIONS}) ORDER BY session_id, version`, params: [studentId] }),
    },
    session_change: {
      district: `SELECT * FROM ${S}.session_change ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.session_change WHERE session_id IN (${STUDENT_SESSIONS}) ORDER BY id`, params: [studentId] }),
    },
    post_session_task: {
      district: `SELECT * FROM ${S}.post_session_task ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.post_session_task WHERE session_id IN (${STUDENT_SESSIONS}) ORDER BY id`, params: [studentId] }),
    },
  },
  // The other participants by their person id and name, and by the id of their entry (the change trail names entries).
  others: ({ studentId }) => ({
    sql: `SELECT person_id::text AS id, name FROM ${S}.participant WHERE session_id IN (${STUDENT_SESSIONS}) AND person_id <> ?
      UNION SELECT id::text, '' FROM ${S}.participant WHERE session_id IN (${STUDENT_SESSIONS}) AND person_id <> ?`,
    params: [studentId, studentId, studentId, studentId],
  }),
};
