import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * Roster import: the import records (status, counts, the first row errors),
 * the uploaded CSV text the background job reads (PostgreSQL, not local disk:
 * the job may run on another replica), and the OneRoster academic sessions
 * with the terms of each group.
 */
export class Migration20261125120000RosterImport extends Migration {
  override async up(): Promise<void> {
    const statements = [
      // Time-ordered ids for rows created in bulk by SQL, like newId() in the application.
      `CREATE FUNCTION ${S}.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
          PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid $$`,

      `CREATE TABLE ${S}.roster_import (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        status text NOT NULL CHECK (status IN ('queued','running','succeeded','failed')),
        dry_run boolean NOT NULL,
        source text NOT NULL CHECK (source IN ('upload','operator')),
        file_names text[] NOT NULL,
        oneroster_version text,
        requested_by uuid,
        progress jsonb NOT NULL DEFAULT '{}',
        counts jsonb NOT NULL DEFAULT '{}',
        error_count integer NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        notices jsonb NOT NULL DEFAULT '[]',
        failure jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (district_id, id),
        FOREIGN KEY (district_id, requested_by) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX roster_import_district_idx ON ${S}.roster_import (district_id, created_at DESC)`,
      ...tenantIsolation(`${S}.roster_import`),

      `CREATE TABLE ${S}.roster_import_file (
        district_id uuid NOT NULL,
        import_id uuid NOT NULL,
        name text NOT NULL,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (import_id, name, seq),
        FOREIGN KEY (district_id, import_id) REFERENCES ${S}.roster_import (district_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`,
      ...tenantIsolation(`${S}.roster_import_file`),

      `CREATE TABLE ${S}.academic_session (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        title text NOT NULL,
        type text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        parent_sourced_id text,
        school_year text,
        active boolean NOT NULL DEFAULT true,
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        UNIQUE (district_id, id)
      )`,
      `CREATE UNIQUE INDEX academic_session_sourced_id_idx ON ${S}.academic_session (district_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      ...tenantIsolation(`${S}.academic_session`),

      `CREATE TABLE ${S}.group_term (
        district_id uuid NOT NULL,
        group_id uuid NOT NULL,
        academic_session_id uuid NOT NULL,
        PRIMARY KEY (group_id, academic_session_id),
        FOREIGN KEY (district_id, group_id) REFERENCES ${S}.student_group (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, academic_session_id) REFERENCES ${S}.academic_session (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      ...tenantIsolation(`${S}.group_term`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
