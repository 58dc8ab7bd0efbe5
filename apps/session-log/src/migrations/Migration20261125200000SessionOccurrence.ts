import { Migration } from '@mikro-orm/migrations';

const S = 'session_log';

/**
 * The scheduled occurrence a session was started from, so a calendar can show
 * the session in the occurrence's place. Both columns or neither; older
 * sessions have neither (they show as ad hoc).
 */
export class Migration20261125200000SessionOccurrence extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.session ADD COLUMN occurrence_series_id uuid, ADD COLUMN occurrence_start timestamptz,
      ADD CONSTRAINT session_occurrence_both CHECK ((occurrence_series_id IS NULL) = (occurrence_start IS NULL))`);
  }
}
