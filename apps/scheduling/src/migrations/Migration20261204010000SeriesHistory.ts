import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'scheduling';

/*
 * Series edits keep history (DESIGN.md). An "all" edit freezes the definition
 * the past was planned under in a segment, so occurrences that happened (and
 * the sessions that point at their starts) keep their keys, times and text;
 * the series' own definition then applies from `effective_from` on. A split
 * series ends at the local midnight of the split day (`ends_before`), which a
 * later "all" edit of its time or rule cannot move past. `sequence` columns
 * are the iCalendar SEQUENCE of what the feed publishes.
 */
export class Migration20261204010000SeriesHistory extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.series ADD COLUMN effective_from timestamptz, ADD COLUMN ends_before timestamptz,
        ADD COLUMN sequence integer NOT NULL DEFAULT 0 CHECK (sequence >= 0)`,
      // Series split before this migration: they end where their first successor starts its day.
      `UPDATE ${S}.series s SET ends_before = b.ends_before
         FROM (SELECT n.district_id, n.split_from, min((left(n.dtstart, 10)::date)::timestamp AT TIME ZONE d.time_zone) AS ends_before
                 FROM ${S}.series n JOIN ${S}.district_replica d ON d.district_id = n.district_id
                WHERE n.split_from IS NOT NULL
                GROUP BY n.district_id, n.split_from) b
        WHERE s.district_id = b.district_id AND s.id = b.split_from`,
      `ALTER TABLE ${S}.occurrence_override ADD COLUMN sequence integer NOT NULL DEFAULT 1 CHECK (sequence >= 0)`,
      `CREATE TABLE ${S}.series_segment (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        series_id uuid NOT NULL,
        dtstart text NOT NULL,
        rrule text NOT NULL,
        exdates jsonb NOT NULL DEFAULT '[]',
        duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
        service text NOT NULL,
        description text,
        place_of_service text,
        sequence integer NOT NULL,
        effective_from timestamptz,
        ends_before timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        CHECK (effective_from IS NULL OR effective_from < ends_before),
        FOREIGN KEY (district_id, series_id) REFERENCES ${S}.series (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX series_segment_series_idx ON ${S}.series_segment (district_id, series_id, ends_before)`,
      ...tenantIsolation(`${S}.series_segment`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
