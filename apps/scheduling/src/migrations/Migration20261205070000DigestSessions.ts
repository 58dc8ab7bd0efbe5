import { Migration } from '@mikro-orm/migrations';

const S = 'scheduling';

/**
 * A guardian digest names 4 sessions not yet in a digest (`digest_id`), with
 * what families may see of each (start, end, service, provider), so the
 * e-mail and the notification list them. An amendment that removes a student
 * (or makes them not attend) leaves a tombstone (`removed`, at the amending
 * version): the session then counts for no digest, a digest that named it
 * stops naming it, and a late first posting cannot bring it back.
 *
 * Rows the old count passed over (posted while digests were off, or left over
 * between two digests) are dropped, keeping per student only the ones still
 * pending under the old rule (the latest `count % 4`), so no burst of digests
 * follows the upgrade.
 */
export class Migration20261205070000DigestSessions extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.student_posted_session
         ADD COLUMN ended_at timestamptz,
         ADD COLUMN service text,
         ADD COLUMN provider_name text,
         ADD COLUMN session_version integer NOT NULL DEFAULT 1,
         ADD COLUMN removed boolean NOT NULL DEFAULT false,
         ADD COLUMN digest_id uuid`,
      `UPDATE ${S}.student_posted_session s SET digest_id = n.id
         FROM ${S}.notification n
        WHERE n.kind = 'digest' AND n.district_id = s.district_id AND n.recipient_student_id = s.student_id AND n.session_ids ? s.session_id::text`,
      `WITH ranked AS (
         SELECT district_id, student_id, session_id, digest_id,
                row_number() OVER (PARTITION BY district_id, student_id ORDER BY recorded_at DESC, started_at DESC) AS rn,
                count(*) OVER (PARTITION BY district_id, student_id) AS total
           FROM ${S}.student_posted_session)
       DELETE FROM ${S}.student_posted_session s USING ranked r
        WHERE r.district_id = s.district_id AND r.student_id = s.student_id AND r.session_id = s.session_id
          AND r.digest_id IS NULL AND r.rn > r.total % 4`,
      `CREATE INDEX student_posted_session_pending_idx ON ${S}.student_posted_session (district_id, student_id, started_at) WHERE digest_id IS NULL AND NOT removed`,
      `CREATE INDEX student_posted_session_digest_idx ON ${S}.student_posted_session (digest_id) WHERE digest_id IS NOT NULL`,
      `CREATE INDEX student_posted_session_session_idx ON ${S}.student_posted_session (district_id, session_id)`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
