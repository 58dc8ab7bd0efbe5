import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'session_log';

/*
 * Posting makes a session immutable, and the database holds that line, not
 * only the code: triggers refuse UPDATE and DELETE of a posted session and of
 * its participants, and of any signed version, ever. The one way through is an
 * amendment, which names the session it amends in a transaction-local setting
 * (`session_log.amending`) before changing it, and then signs a new version.
 */
export class Migration20261125160000Posting extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.session ADD COLUMN posted_version integer CHECK (posted_version > 0), ADD COLUMN posted_at timestamptz`,
      `CREATE INDEX session_unposted_provider_idx ON ${S}.session (district_id, provider_id, session_date) WHERE posted_version IS NULL`,

      `CREATE TABLE ${S}.session_version (
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        snapshot jsonb NOT NULL,
        content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        signer_id uuid NOT NULL,
        signer_name text NOT NULL,
        signer_role text NOT NULL,
        meaning text NOT NULL,
        signed_at timestamptz NOT NULL,
        reason text,
        PRIMARY KEY (district_id, session_id, version),
        CHECK ((version = 1) = (reason IS NULL)),
        FOREIGN KEY (district_id, session_id) REFERENCES ${S}.session (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      ...tenantIsolation(`${S}.session_version`),

      `CREATE FUNCTION ${S}.amending(session uuid) RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT coalesce(current_setting('session_log.amending', true), '') = session::text $$`,
      `CREATE FUNCTION ${S}.refuse_posted_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.posted_version IS NOT NULL AND NOT ${S}.amending(OLD.id) THEN
            RAISE EXCEPTION 'session % is posted: it changes only by amendment', OLD.id USING ERRCODE = 'check_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`,
      `CREATE TRIGGER session_posted_is_immutable BEFORE UPDATE OR DELETE ON ${S}.session
        FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_posted_session_change()`,
      `CREATE FUNCTION ${S}.refuse_posted_participant_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          row_session uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.session_id ELSE OLD.session_id END;
          row_district uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.district_id ELSE OLD.district_id END;
        BEGIN
          IF EXISTS (SELECT 1 FROM ${S}.session s WHERE s.district_id = row_district AND s.id = row_session AND s.posted_version IS NOT NULL)
             AND NOT ${S}.amending(row_session) THEN
            RAISE EXCEPTION 'session % is posted: its participants change only by amendment', row_session USING ERRCODE = 'check_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`,
      `CREATE TRIGGER participant_of_posted_session_is_immutable BEFORE INSERT OR UPDATE OR DELETE ON ${S}.participant
        FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_posted_participant_change()`,
      `CREATE FUNCTION ${S}.refuse_signed_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'signed version % of session % cannot change', OLD.version, OLD.session_id USING ERRCODE = 'check_violation';
        END $$`,
      `CREATE TRIGGER session_version_is_immutable BEFORE UPDATE OR DELETE ON ${S}.session_version
        FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_signed_version_change()`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
