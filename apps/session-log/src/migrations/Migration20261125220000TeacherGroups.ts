import { Migration } from '@mikro-orm/migrations';

const S = 'session_log';

/** A staff participant's teacher groups as the gateway snapshotted them; null for students and older rows. */
export class Migration20261125220000TeacherGroups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.participant ADD COLUMN teacher_groups jsonb`);
  }
}
