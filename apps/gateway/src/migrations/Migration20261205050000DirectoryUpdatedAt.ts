import { Migration } from '@mikro-orm/migrations';

const S = 'gateway';

/** The directory's lists, with the time their rows existed from when the table has none. */
const RECORDS: Array<{ table: string; since: string }> = [
  { table: 'school', since: 'now()' },
  { table: 'app_user', since: 'created_at' },
  { table: 'student', since: 'created_at' },
  { table: 'guardian', since: 'created_at' },
  { table: 'student_group', since: 'now()' },
  { table: 'staff_group', since: 'now()' },
];

/** Link sets a record's reply carries: changing one is a change of that record. */
const LINKS: Array<{ link: string; column: string; record: string }> = [
  { link: 'staff_approval', column: 'user_id', record: 'app_user' },
  { link: 'guardian_student', column: 'guardian_id', record: 'guardian' },
  { link: 'group_member', column: 'group_id', record: 'student_group' },
  { link: 'staff_group_member', column: 'group_id', record: 'staff_group' },
];

/**
 * `updated_at` on every directory record a district system syncs
 * (`?updatedSince=`). Rows are written by the API, roster import's set-based
 * SQL, the demo seed and operator commands; the table keeps the time itself,
 * whoever writes: a row-level trigger stamps inserts and real changes (an
 * update that changes nothing keeps its time, so an unchanged roster row
 * stays unchanged), and statement-level triggers on the link tables stamp
 * the record whose set changed, once per statement however many links it
 * wrote (an import writes millions of enrollments).
 */
export class Migration20261205050000DirectoryUpdatedAt extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN NEW.updated_at := now(); END IF;
          RETURN NEW;
        END $$`,
      ...RECORDS.flatMap(({ table, since }) => [
        `ALTER TABLE ${S}.${table} ADD COLUMN updated_at timestamptz`,
        `UPDATE ${S}.${table} SET updated_at = ${since}`,
        `ALTER TABLE ${S}.${table} ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
        `CREATE INDEX ${table}_updated_at_idx ON ${S}.${table} (district_id, updated_at, id)`,
        `CREATE TRIGGER ${table}_stamp_updated_at BEFORE INSERT OR UPDATE ON ${S}.${table}
          FOR EACH ROW EXECUTE FUNCTION ${S}.stamp_updated_at()`,
      ]),
      ...LINKS.flatMap(({ link, column, record }) => [
        `CREATE FUNCTION ${S}.${link}_touch_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE ${S}.${record} SET updated_at = now() WHERE id IN (SELECT ${column} FROM changed) AND updated_at <> now();
            RETURN NULL;
          END $$`,
        `CREATE FUNCTION ${S}.${link}_touch_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE ${S}.${record} SET updated_at = now() WHERE id IN (SELECT ${column} FROM gone) AND updated_at <> now();
            RETURN NULL;
          END $$`,
        `CREATE TRIGGER ${link}_touch_insert AFTER INSERT ON ${S}.${link}
          REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${S}.${link}_touch_from_new()`,
        `CREATE TRIGGER ${link}_touch_update AFTER UPDATE ON ${S}.${link}
          REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${S}.${link}_touch_from_new()`,
        `CREATE TRIGGER ${link}_touch_delete AFTER DELETE ON ${S}.${link}
          REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION ${S}.${link}_touch_from_old()`,
      ]),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
