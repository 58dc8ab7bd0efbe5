import { RecordTables } from '@sessionledger/messaging';

const S = 'gateway';
const all = (table: string, order = 'id', omit?: string[]) => ({ district: `SELECT * FROM ${S}.${table} ORDER BY ${order}`, ...(omit ? { omit } : {}) });
/** Secrets a user's row keeps that leave the district with no export. */
const USER_SECRETS = ['password_hash', 'signing_pin_hash'];

/**
 * The gateway's own part of an export: the directory and the district's
 * settings (docs/district-export.md). For one student: the district's row,
 * the student, their school, their guardians and the links to them, their
 * groups and memberships; no other student's row, and no staff list.
 */
export const DIRECTORY_RECORD_TABLES: RecordTables = {
  tables: {
    district: {
      district: `SELECT * FROM ${S}.district ORDER BY id`,
      student: () => ({ sql: `SELECT * FROM ${S}.district ORDER BY id`, params: [] }),
    },
    school: {
      district: `SELECT * FROM ${S}.school ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.school WHERE id IN (SELECT school_id FROM ${S}.student WHERE id = ?) ORDER BY id`, params: [studentId] }),
    },
    app_user: all('app_user', 'id', USER_SECRETS),
    staff_approval: all('staff_approval', 'user_id, school_id'),
    student: {
      district: `SELECT * FROM ${S}.student ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.student WHERE id = ?`, params: [studentId] }),
    },
    guardian: {
      district: `SELECT * FROM ${S}.guardian ORDER BY id`,
      student: ({ studentId }) => ({
        sql: `SELECT * FROM ${S}.guardian WHERE id IN (SELECT guardian_id FROM ${S}.guardian_student WHERE student_id = ?) ORDER BY id`,
        params: [studentId],
      }),
    },
    guardian_student: {
      district: `SELECT * FROM ${S}.guardian_student ORDER BY guardian_id, student_id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.guardian_student WHERE student_id = ? ORDER BY guardian_id`, params: [studentId] }),
    },
    student_group: {
      district: `SELECT * FROM ${S}.student_group ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.student_group WHERE id IN (SELECT group_id FROM ${S}.group_member WHERE student_id = ?) ORDER BY id`, params: [studentId] }),
    },
    group_member: {
      district: `SELECT * FROM ${S}.group_member ORDER BY group_id, student_id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.group_member WHERE student_id = ? ORDER BY group_id`, params: [studentId] }),
    },
    academic_session: all('academic_session'),
    group_term: all('group_term', 'group_id, academic_session_id'),
    staff_group: all('staff_group'),
    staff_group_member: all('staff_group_member', 'group_id, user_id'),
  },
};
