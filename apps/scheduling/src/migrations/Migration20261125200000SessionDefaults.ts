import { Migration } from '@mikro-orm/migrations';

const S = 'scheduling';

/*
 * "Update future sessions": a posted session's description, activities
 * description and per-student activities/accommodations, kept on its series
 * as defaults for the occurrences after the session's own.
 */
export class Migration20261125200000SessionDefaults extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.series ADD COLUMN session_defaults jsonb, ADD COLUMN defaults_from timestamptz`);
  }
}
