import { Migration } from '@mikro-orm/migrations';
import { messagingTablesSql } from '@sessionledger/messaging';
import { CURRENT_DISTRICT, OWNER_ROLE, tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

// Foreign keys are checked at commit: entities reference each other by id, and one flush may insert a parent after its child.
// They include district_id, because a foreign-key check ignores row-level security: a plain (school_id) key would let
// district A point at district B's school, and tell A that B's id exists.

export class Migration20261125000000Foundation extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.district (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        time_zone text NOT NULL,
        settings jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `ALTER TABLE ${S}.district ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${S}.district FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY tenant_isolation ON ${S}.district USING (id = ${CURRENT_DISTRICT}) WITH CHECK (id = ${CURRENT_DISTRICT})`,
      `CREATE POLICY owner_maintenance ON ${S}.district TO ${OWNER_ROLE} USING (true) WITH CHECK (true)`,

      `CREATE TABLE ${S}.school (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL,
        state_school_code text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        UNIQUE (district_id, state_school_code),
        UNIQUE (district_id, id)
      )`,
      `CREATE UNIQUE INDEX school_sourced_id_idx ON ${S}.school (district_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      ...tenantIsolation(`${S}.school`),

      `CREATE TABLE ${S}.app_user (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        email text NOT NULL,
        password_hash text,
        first_name text NOT NULL,
        last_name text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['district_admin','school_admin','provider','payroll','guardian','student']),
        provider_kind text CHECK (provider_kind IN ('tutor','coach','aide','therapist')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (email = lower(email)),
        UNIQUE (district_id, id)
      )`,
      // Sign-in is by e-mail alone, before any district is known, so addresses are unique across the installation.
      `CREATE UNIQUE INDEX app_user_email_idx ON ${S}.app_user (email)`,
      `CREATE UNIQUE INDEX app_user_sourced_id_idx ON ${S}.app_user (district_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `CREATE INDEX app_user_district_idx ON ${S}.app_user (district_id, last_name, first_name)`,
      ...tenantIsolation(`${S}.app_user`),
      `CREATE FUNCTION ${S}.sign_in_candidate(candidate_email text)
        RETURNS TABLE (user_id uuid, district_id uuid, password_hash text, status text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
          SELECT id, district_id, password_hash, status FROM ${S}.app_user WHERE email = lower(candidate_email) $$`,

      `CREATE TABLE ${S}.staff_approval (
        district_id uuid NOT NULL,
        user_id uuid NOT NULL,
        school_id uuid NOT NULL,
        PRIMARY KEY (user_id, school_id),
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, school_id) REFERENCES ${S}.school (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX staff_approval_school_idx ON ${S}.staff_approval (school_id)`,
      ...tenantIsolation(`${S}.staff_approval`),

      `CREATE TABLE ${S}.student (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        local_id text NOT NULL,
        state_id text,
        first_name text NOT NULL,
        last_name text NOT NULL,
        grade text NOT NULL,
        school_id uuid NOT NULL,
        homebound_teacher_id uuid,
        has_iep boolean NOT NULL DEFAULT false,
        user_id uuid,
        active boolean NOT NULL DEFAULT true,
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        UNIQUE (district_id, local_id),
        FOREIGN KEY (district_id, school_id) REFERENCES ${S}.school (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, homebound_teacher_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        UNIQUE (district_id, id)
      )`,
      `CREATE UNIQUE INDEX student_state_id_idx ON ${S}.student (district_id, state_id) WHERE state_id IS NOT NULL`,
      `CREATE UNIQUE INDEX student_sourced_id_idx ON ${S}.student (district_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `CREATE INDEX student_school_idx ON ${S}.student (district_id, school_id, last_name, first_name)`,
      ...tenantIsolation(`${S}.student`),

      `CREATE TABLE ${S}.guardian (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        first_name text NOT NULL,
        last_name text NOT NULL,
        email text,
        phone text,
        user_id uuid,
        active boolean NOT NULL DEFAULT true,
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        UNIQUE (district_id, id)
      )`,
      `CREATE UNIQUE INDEX guardian_sourced_id_idx ON ${S}.guardian (district_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `CREATE INDEX guardian_district_idx ON ${S}.guardian (district_id, last_name, first_name)`,
      ...tenantIsolation(`${S}.guardian`),

      `CREATE TABLE ${S}.guardian_student (
        district_id uuid NOT NULL,
        guardian_id uuid NOT NULL,
        student_id uuid NOT NULL,
        relationship text,
        PRIMARY KEY (guardian_id, student_id),
        FOREIGN KEY (district_id, guardian_id) REFERENCES ${S}.guardian (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, student_id) REFERENCES ${S}.student (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX guardian_student_student_idx ON ${S}.guardian_student (student_id)`,
      ...tenantIsolation(`${S}.guardian_student`),

      `CREATE TABLE ${S}.student_group (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL,
        school_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        active boolean NOT NULL DEFAULT true,
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        FOREIGN KEY (district_id, school_id) REFERENCES ${S}.school (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, provider_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        UNIQUE (district_id, id)
      )`,
      `CREATE UNIQUE INDEX student_group_sourced_id_idx ON ${S}.student_group (district_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `CREATE INDEX student_group_provider_idx ON ${S}.student_group (district_id, provider_id)`,
      ...tenantIsolation(`${S}.student_group`),

      `CREATE TABLE ${S}.group_member (
        district_id uuid NOT NULL,
        group_id uuid NOT NULL,
        student_id uuid NOT NULL,
        PRIMARY KEY (group_id, student_id),
        FOREIGN KEY (district_id, group_id) REFERENCES ${S}.student_group (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, student_id) REFERENCES ${S}.student (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX group_member_student_idx ON ${S}.group_member (student_id)`,
      ...tenantIsolation(`${S}.group_member`),

      `CREATE TABLE ${S}.refresh_token (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        user_id uuid NOT NULL,
        family_id uuid NOT NULL,
        secret_hash text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX refresh_token_family_idx ON ${S}.refresh_token (family_id)`,
      `CREATE INDEX refresh_token_user_idx ON ${S}.refresh_token (user_id)`,
      ...tenantIsolation(`${S}.refresh_token`),

      ...messagingTablesSql(S),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
