import { Migration } from '@mikro-orm/migrations';

/** An export says why it left eligible records out, not only how many. */
export class Migration20261204000000ExportSkippedReasons extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE state_reporting.state_export ADD COLUMN skipped_reasons jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }
}
