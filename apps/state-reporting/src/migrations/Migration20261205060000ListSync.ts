import { Migration } from '@mikro-orm/migrations';

const S = 'state_reporting';

/**
 * `updated_at` on the rows state reporting's lists sync from
 * (`?updatedSince=`): exports (status, progress and counts change as one
 * runs), recorded sessions and their records (superseded by an amendment,
 * minutes outside the school day recomputed with a bell schedule, school
 * codes filled in). A trigger stamps inserts and real changes, whoever writes.
 */
export class Migration20261205060000ListSync extends Migration {
  override async up(): Promise<void> {
    const tables: Array<{ table: string; since: string }> = [
      { table: 'state_export', since: 'coalesce(finished_at, started_at, created_at)' },
      { table: 'reported_session', since: 'received_at' },
      {
        table: 'reportable_record',
        since: `coalesce((SELECT rs.received_at FROM ${S}.reported_session rs
                   WHERE rs.district_id = reportable_record.district_id AND rs.session_id = reportable_record.session_id
                     AND rs.session_version = reportable_record.session_version), now())`,
      },
    ];
    const statements = [
      `CREATE FUNCTION ${S}.stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN NEW.updated_at := now(); END IF;
          RETURN NEW;
        END $$`,
      ...tables.flatMap(({ table, since }) => [
        `ALTER TABLE ${S}.${table} ADD COLUMN updated_at timestamptz`,
        `UPDATE ${S}.${table} SET updated_at = ${since}`,
        `ALTER TABLE ${S}.${table} ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
        `CREATE INDEX ${table}_updated_at_idx ON ${S}.${table} (district_id, updated_at)`,
        `CREATE TRIGGER ${table}_stamp_updated_at BEFORE INSERT OR UPDATE ON ${S}.${table} FOR EACH ROW EXECUTE FUNCTION ${S}.stamp_updated_at()`,
      ]),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
