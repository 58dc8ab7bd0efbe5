import { Migration } from '@mikro-orm/migrations';
import { OWNER_ROLE } from '@sessionledger/persistence';

const S = 'session_log';

/*
 * Disposal of sessions past the district's retention (docs/retention.md).
 * Posted sessions and signed versions refuse DELETE by trigger, and that
 * stays true for the app role: the one way through is dispose_sessions, a
 * SECURITY DEFINER function owned by the owner role. It sets a
 * transaction-local flag that the triggers honour only when the current user
 * is the owner, i.e. only inside that function (the app role may set the
 * flag, but is never the owner). It works on the district of the calling
 * transaction only, never on one named by its caller.
 *
 * A session is held back when it was held at a school under a legal hold, or
 * has a participant who is a held student or from a held school.
 */
export class Migration20261206030000Retention extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.disposing() RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT current_user = '${OWNER_ROLE}' AND coalesce(current_setting('session_log.disposing', true), '') = 'on' $$`,
      `CREATE OR REPLACE FUNCTION ${S}.refuse_posted_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND ${S}.disposing() THEN RETURN OLD; END IF;
          IF OLD.posted_version IS NOT NULL AND NOT ${S}.amending(OLD.id) THEN
            RAISE EXCEPTION 'session % is posted: it changes only by amendment', OLD.id USING ERRCODE = 'check_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`,
      `CREATE OR REPLACE FUNCTION ${S}.refuse_posted_participant_change() RETURNS trigger LANGUAGE plpgsql
      SET plan_cache_mode = force_custom_plan AS $$
        DECLARE
          row_session uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.session_id ELSE OLD.session_id END;
        BEGIN
          IF TG_OP = 'DELETE' AND ${S}.disposing() THEN RETURN OLD; END IF;
          IF EXISTS (SELECT 1 FROM ${S}.session s WHERE s.id = row_session AND s.posted_version IS NOT NULL)
             AND NOT ${S}.amending(row_session) THEN
            RAISE EXCEPTION 'session % is posted: its participants change only by amendment', row_session USING ERRCODE = 'check_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`,
      `CREATE OR REPLACE FUNCTION ${S}.refuse_signed_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND ${S}.disposing() THEN RETURN OLD; END IF;
          RAISE EXCEPTION 'signed version % of session % cannot change', OLD.version, OLD.session_id USING ERRCODE = 'check_violation';
        END $$`,
      `CREATE INDEX session_date_idx ON ${S}.session (district_id, session_date)`,
      `CREATE FUNCTION ${S}.dispose_sessions(before date, held_students uuid[], held_schools uuid[], max_rows integer)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
        DECLARE
          district uuid := NULLIF(current_setting('app.district_id', true), '')::uuid;
          doomed uuid[];
          deleted integer;
        BEGIN
          IF district IS NULL THEN
            RAISE EXCEPTION 'dispose_sessions runs inside one district''s transaction';
          END IF;
          SELECT coalesce(array_agg(candidate.id), '{}') INTO doomed FROM (
            SELECT s.id FROM ${S}.session s
             WHERE s.district_id = district AND s.session_date < before
               AND NOT s.school_id = ANY(held_schools)
               AND NOT EXISTS (SELECT 1 FROM ${S}.participant p
                                WHERE p.district_id = district AND p.session_id = s.id
                                  AND (p.person_id = ANY(held_students) OR coalesce(p.school_id = ANY(held_schools), false)))
             ORDER BY s.session_date, s.id
             LIMIT max_rows) candidate;
          IF cardinality(doomed) = 0 THEN RETURN 0; END IF;
          PERFORM set_config('session_log.disposing', 'on', true);
          DELETE FROM ${S}.session_version_ack WHERE district_id = district AND session_id = ANY(doomed);
          DELETE FROM ${S}.session_version WHERE district_id = district AND session_id = ANY(doomed);
          DELETE FROM ${S}.participant WHERE district_id = district AND session_id = ANY(doomed);
          DELETE FROM ${S}.post_session_task WHERE district_id = district AND session_id = ANY(doomed);
          DELETE FROM ${S}.occurrence_claim WHERE district_id = district AND session_id = ANY(doomed);
          DELETE FROM ${S}.session_change WHERE district_id = district AND session_id = ANY(doomed);
          -- Published events carry the posted snapshot (names, minutes); unpublished ones are still owed to consumers.
          DELETE FROM ${S}.outbox_event WHERE district_id = district AND published_at IS NOT NULL
             AND name IN ('session-log.session-posted', 'session-log.session-amended')
             AND (payload #>> '{snapshot,sessionId}') = ANY(doomed::text[]);
          DELETE FROM ${S}.session WHERE district_id = district AND id = ANY(doomed);
          GET DIAGNOSTICS deleted = ROW_COUNT;
          PERFORM set_config('session_log.disposing', 'off', true);
          RETURN deleted;
        END $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
