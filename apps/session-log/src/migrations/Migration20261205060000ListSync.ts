import { Migration } from '@mikro-orm/migrations';

const S = 'session_log';

/**
 * `updated_at` on the rows session-log's lists sync from (`?updatedSince=`):
 * sessions and post-session tasks. A trigger stamps inserts and real changes,
 * whoever writes. A participant's change is not stamped on its session: the
 * session's row is only share-locked then (two staff timing students in at
 * once), and an UPDATE from both would deadlock; every such change leaves a
 * `session_change` row instead, and the list reads both (see
 * session-reads.service). Posted sessions refuse UPDATE, so the backfill
 * sets their time with that trigger off.
 */
export class Migration20261205060000ListSync extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN NEW.updated_at := now(); END IF;
          RETURN NEW;
        END $$`,

      `ALTER TABLE ${S}.session ADD COLUMN updated_at timestamptz`,
      `ALTER TABLE ${S}.session DISABLE TRIGGER session_posted_is_immutable`,
      `UPDATE ${S}.session s SET updated_at = greatest(s.created_at, s.posted_at,
          (SELECT max(c.at) FROM ${S}.session_change c WHERE c.district_id = s.district_id AND c.session_id = s.id))`,
      `ALTER TABLE ${S}.session ENABLE TRIGGER session_posted_is_immutable`,
      `ALTER TABLE ${S}.session ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
      `CREATE INDEX session_updated_at_idx ON ${S}.session (district_id, updated_at)`,
      `CREATE TRIGGER session_stamp_updated_at BEFORE INSERT OR UPDATE ON ${S}.session FOR EACH ROW EXECUTE FUNCTION ${S}.stamp_updated_at()`,

      `ALTER TABLE ${S}.post_session_task ADD COLUMN updated_at timestamptz`,
      `UPDATE ${S}.post_session_task SET updated_at = greatest(created_at, completed_at)`,
      `ALTER TABLE ${S}.post_session_task ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
      `CREATE INDEX post_session_task_updated_at_idx ON ${S}.post_session_task (district_id, updated_at)`,
      `CREATE TRIGGER post_session_task_stamp_updated_at BEFORE INSERT OR UPDATE ON ${S}.post_session_task
        FOR EACH ROW EXECUTE FUNCTION ${S}.stamp_updated_at()`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
