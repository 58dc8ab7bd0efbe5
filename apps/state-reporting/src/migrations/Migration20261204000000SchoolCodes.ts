import { Migration } from '@mikro-orm/migrations';

const S = 'state_reporting';

/**
 * An export says why it left eligible records out, not only how many; and
 * records still waiting for their school's state code are found without a
 * scan when the code arrives (partial indexes: there are few such rows).
 */
export class Migration20261204000000SchoolCodes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.state_export ADD COLUMN skipped_reasons jsonb NOT NULL DEFAULT '[]'::jsonb`);
    this.addSql(`CREATE INDEX reportable_record_no_code_idx ON ${S}.reportable_record (district_id, school_id) WHERE school_code IS NULL`);
    this.addSql(`CREATE INDEX reportable_record_no_student_code_idx ON ${S}.reportable_record (district_id, student_school_id) WHERE student_school_code IS NULL`);
    this.addSql(`CREATE INDEX reported_session_no_code_idx ON ${S}.reported_session (district_id, school_id) WHERE school_code IS NULL`);
    this.addSql(`CREATE INDEX coaching_record_no_code_idx ON ${S}.coaching_record (district_id, school_id) WHERE school_code IS NULL`);
  }
}
