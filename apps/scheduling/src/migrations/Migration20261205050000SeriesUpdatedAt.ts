import { Migration } from '@mikro-orm/migrations';

const S = 'scheduling';

/**
 * `updated_at` on series, for `GET /api/series?updatedSince=`: stamped by the
 * table on insert and on every real change, whoever writes. An override or a
 * cancellation of one occurrence is a change of its series too (the writes
 * raise the series' version already; the trigger keeps that true for any writer).
 */
export class Migration20261205050000SeriesUpdatedAt extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN NEW.updated_at := now(); END IF;
          RETURN NEW;
        END $$`,
      `ALTER TABLE ${S}.series ADD COLUMN updated_at timestamptz`,
      `UPDATE ${S}.series SET updated_at = created_at`,
      `ALTER TABLE ${S}.series ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
      `CREATE INDEX series_updated_at_idx ON ${S}.series (district_id, updated_at, id)`,
      `CREATE TRIGGER series_stamp_updated_at BEFORE INSERT OR UPDATE ON ${S}.series
        FOR EACH ROW EXECUTE FUNCTION ${S}.stamp_updated_at()`,
      `CREATE FUNCTION ${S}.occurrence_override_touch_series() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE ${S}.series SET updated_at = now()
            WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.series_id ELSE NEW.series_id END) AND updated_at <> now();
          RETURN NULL;
        END $$`,
      `CREATE TRIGGER occurrence_override_touch_series AFTER INSERT OR UPDATE OR DELETE ON ${S}.occurrence_override
        FOR EACH ROW EXECUTE FUNCTION ${S}.occurrence_override_touch_series()`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
