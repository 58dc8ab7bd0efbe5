import { Migration } from '@mikro-orm/migrations';

/** Coaching records keep the coaching log's category (posted snapshots carry the log from now on). */
export class Migration20261125210000CoachingCategory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE state_reporting.coaching_record ADD COLUMN category text`);
  }
}
