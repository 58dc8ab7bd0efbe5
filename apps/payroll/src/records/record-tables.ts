import { RecordTables } from '@sessionledger/messaging';

const S = 'payroll';
const all = (table: string, order = 'id') => ({ district: `SELECT * FROM ${S}.${table} ORDER BY ${order}` });

/**
 * Payroll's part of a district export or a records request
 * (docs/district-export.md). Pay is the providers' and the district's, not a
 * student's: for one student only the billing lines of their attendance.
 */
export const PAYROLL_RECORD_TABLES: RecordTables = {
  tables: {
    work_order: all('work_order'),
    work_order_rate: all('work_order_rate', 'work_order_id, effective_from'),
    payee: all('payee', 'provider_id'),
    pay_settings: all('pay_settings', 'district_id'),
    pay_period: all('pay_period'),
    pay_decision: all('pay_decision'),
    pay_line: all('pay_line'),
    billable_line: {
      district: `SELECT * FROM ${S}.billable_line ORDER BY id`,
      student: ({ studentId }) => ({ sql: `SELECT * FROM ${S}.billable_line WHERE student_id = ? ORDER BY id`, params: [studentId] }),
    },
  },
};
