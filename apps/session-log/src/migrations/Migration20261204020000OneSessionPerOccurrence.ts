import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'session_log';

/*
 * One occurrence gives at most one session (DESIGN.md "Series edits keep
 * history"); the primary key makes it hold when two starts race. A claim is
 * its own row rather than a unique index on session because sessions that
 * already share an occurrence from before this rule stay as they were (they
 * may be posted and paid; an index would refuse the migration): the earliest
 * of each keeps the claim. Deleting a session (only an active one can be)
 * deletes its claim, so the occurrence can be started again.
 */
export class Migration20261204020000OneSessionPerOccurrence extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.occurrence_claim (
        district_id uuid NOT NULL,
        series_id uuid NOT NULL,
        occurrence_start timestamptz NOT NULL,
        session_id uuid NOT NULL,
        PRIMARY KEY (district_id, series_id, occurrence_start),
        UNIQUE (district_id, session_id),
        FOREIGN KEY (district_id, session_id) REFERENCES ${S}.session (district_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`,
      ...tenantIsolation(`${S}.occurrence_claim`),
      `INSERT INTO ${S}.occurrence_claim (district_id, series_id, occurrence_start, session_id)
        SELECT DISTINCT ON (district_id, occurrence_series_id, occurrence_start) district_id, occurrence_series_id, occurrence_start, id
          FROM ${S}.session
         WHERE occurrence_series_id IS NOT NULL
         ORDER BY district_id, occurrence_series_id, occurrence_start, created_at, id`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
