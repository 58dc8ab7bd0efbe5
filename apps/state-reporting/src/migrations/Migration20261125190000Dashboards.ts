import { Migration } from '@mikro-orm/migrations';

const S = 'state_reporting';

/**
 * Dashboards read current records with GROUP BY on each request (no rollup
 * table: see docs/api/state-reporting.md, "Dashboards", for the measurements). Planned minutes per
 * record make dosage one scan. The covering indexes hold every column the
 * dashboards group or sum, so a district's date range is read from the
 * index alone (index-only scan) instead of the wide record rows.
 */
export class Migration20261125190000Dashboards extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.reportable_record ADD COLUMN planned_minutes integer CHECK (planned_minutes >= 0)`,
      `CREATE INDEX reportable_record_dashboard_idx ON ${S}.reportable_record (district_id, session_date)
        INCLUDE (school_id, student_id, session_id, minutes, planned_minutes, service, provider_id, work_order_type, homebound, detention, credit_recovery, remedial)
        WHERE current`,
      `CREATE INDEX coaching_record_dashboard_idx ON ${S}.coaching_record (district_id, session_date)
        INCLUDE (school_id, teacher_id, session_id, minutes, service, provider_id)
        WHERE current`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
