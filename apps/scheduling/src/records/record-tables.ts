import { RecordTables } from '@sessionledger/messaging';

const S = 'scheduling';
/** Series naming the student, or of one of the student's groups (a group series lists no students). */
const STUDENT_SERIES = `SELECT id FROM ${S}.series WHERE students @> jsonb_build_array(jsonb_build_object('studentId', ?::text)) OR group_id = ANY(?::uuid[])`;
const groups = (ids: string[]) => `{${ids.join(',')}}`;

/** Scheduling's part of a district export or a records request (docs/district-export.md). */
export const SCHEDULING_RECORD_TABLES: RecordTables = {
  tables: {
    series: {
      district: `SELECT * FROM ${S}.series ORDER BY id`,
      student: ({ studentId, groupIds }) => ({ sql: `SELECT * FROM ${S}.series WHERE id IN (${STUDENT_SERIES}) ORDER BY id`, params: [studentId, groups(groupIds)] }),
    },
    series_segment: {
      district: `SELECT * FROM ${S}.series_segment ORDER BY id`,
      student: ({ studentId, groupIds }) => ({ sql: `SELECT * FROM ${S}.series_segment WHERE series_id IN (${STUDENT_SERIES}) ORDER BY id`, params: [studentId, groups(groupIds)] }),
    },
    occurrence_override: {
      district: `SELECT * FROM ${S}.occurrence_override ORDER BY id`,
      student: ({ studentId, groupIds }) => ({ sql: `SELECT * FROM ${S}.occurrence_override WHERE series_id IN (${STUDENT_SERIES}) ORDER BY id`, params: [studentId, groups(groupIds)] }),
    },
    closure_day: { district: `SELECT * FROM ${S}.closure_day ORDER BY id` },
    student_posted_session: {
      district: `SELECT * FROM ${S}.student_posted_session ORDER BY student_id, session_id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.student_posted_session WHERE student_id = ? ORDER BY session_id`, params: [studentId] }),
    },
  },
  // The other students of the series the student is in (an ad hoc series lists them by id and name).
  others: ({ studentId, groupIds }) => ({
    sql: `SELECT DISTINCT e->>'studentId' AS id, e->>'name' AS name FROM ${S}.series, jsonb_array_elements(students) AS e WHERE id IN (${STUDENT_SERIES})`,
    params: [studentId, groups(groupIds)],
  }),
};
