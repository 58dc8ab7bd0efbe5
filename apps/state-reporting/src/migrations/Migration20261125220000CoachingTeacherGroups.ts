import { Migration } from '@mikro-orm/migrations';

/** Coaching records keep the teacher's groups as snapshotted when the teacher joined the session; null when none were recorded. */
export class Migration20261125220000CoachingTeacherGroups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE state_reporting.coaching_record ADD COLUMN teacher_groups jsonb`);
  }
}
