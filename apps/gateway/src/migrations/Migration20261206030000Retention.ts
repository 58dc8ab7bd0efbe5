import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/*
 * Retention and disposal (docs/retention.md): the district's years per
 * record class, legal holds, and the report of every disposal. A released
 * hold stays as a row (who placed it, who released it, why): it is evidence
 * of why records were kept. Reports are never changed after they are
 * written.
 *
 * The audit log is append-only for the app role, so its disposal goes
 * through dispose_audit_events, a SECURITY DEFINER function owned by the
 * owner role, working on the calling transaction's district only. An event
 * is held back when it names a held student (or a held school, or a student
 * now enrolled at one).
 */
export class Migration20261206030000Retention extends Migration {
  override async up(): Promise<void> {
    const years = (column: string) => `${column} integer NOT NULL CHECK (${column} BETWEEN 1 AND 100)`;
    const statements = [
      `CREATE TABLE ${S}.retention_policy (
        district_id uuid PRIMARY KEY REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        ${years('sessions_years')},
        ${years('pay_years')},
        ${years('state_exports_years')},
        ${years('audit_log_years')},
        automatic boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL
      )`,
      ...tenantIsolation(`${S}.retention_policy`),
      `CREATE TABLE ${S}.legal_hold (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        subject_type text NOT NULL CHECK (subject_type IN ('student', 'school')),
        subject_id uuid NOT NULL,
        reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
        placed_by uuid NOT NULL,
        placed_by_name text NOT NULL,
        placed_at timestamptz NOT NULL DEFAULT now(),
        released_by uuid,
        released_by_name text,
        released_at timestamptz,
        release_reason text CHECK (char_length(release_reason) BETWEEN 1 AND 1000),
        CHECK ((released_at IS NULL) = (released_by IS NULL) AND (released_at IS NULL) = (release_reason IS NULL))
      )`,
      `CREATE INDEX legal_hold_placed_idx ON ${S}.legal_hold (district_id, placed_at DESC, id DESC)`,
      `CREATE INDEX legal_hold_active_idx ON ${S}.legal_hold (district_id, subject_type, subject_id) WHERE released_at IS NULL`,
      ...tenantIsolation(`${S}.legal_hold`),
      `CREATE TABLE ${S}.retention_disposal (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        run_id uuid NOT NULL,
        record_class text NOT NULL CHECK (record_class IN ('sessions', 'pay', 'stateExports', 'auditLog')),
        retention_years integer NOT NULL,
        cutoff date NOT NULL,
        status text NOT NULL CHECK (status IN ('completed', 'failed')),
        disposed integer NOT NULL DEFAULT 0 CHECK (disposed >= 0),
        held_back integer NOT NULL DEFAULT 0 CHECK (held_back >= 0),
        active_holds integer NOT NULL DEFAULT 0,
        error text,
        run_by uuid NOT NULL,
        run_by_name text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL
      )`,
      `CREATE INDEX retention_disposal_started_idx ON ${S}.retention_disposal (district_id, started_at DESC, id DESC)`,
      ...tenantIsolation(`${S}.retention_disposal`),
      `CREATE FUNCTION ${S}.dispose_audit_events(cutoff_at timestamptz, held_students uuid[], held_schools uuid[], max_rows integer)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
        DECLARE
          district uuid := NULLIF(current_setting('app.district_id', true), '')::uuid;
          deleted integer;
        BEGIN
          IF district IS NULL THEN
            RAISE EXCEPTION 'dispose_audit_events runs inside one district''s transaction';
          END IF;
          -- Parameters are named apart from audit_event's columns (it has a "before").
          WITH doomed AS (
            SELECT e.id FROM ${S}.audit_event e
             WHERE e.district_id = district AND e.occurred_at < cutoff_at
               AND NOT coalesce(e.student_id = ANY(held_students), false)
               AND NOT coalesce(e.subject_id = ANY(held_students) OR e.subject_id = ANY(held_schools), false)
               AND NOT EXISTS (SELECT 1 FROM ${S}.student s
                                WHERE s.district_id = district AND s.id = e.student_id AND s.school_id = ANY(held_schools))
             ORDER BY e.occurred_at, e.id
             LIMIT max_rows)
          DELETE FROM ${S}.audit_event e USING doomed WHERE e.district_id = district AND e.id = doomed.id;
          GET DIAGNOSTICS deleted = ROW_COUNT;
          RETURN deleted;
        END $$`,
    ];
    statements.push(
      // The sweep's only look across districts: which ones dispose automatically and had no run (theirs or an admin's) since `not_since`.
      `CREATE FUNCTION ${S}.districts_due_for_disposal(not_since timestamptz)
        RETURNS TABLE (district_id uuid, policy_set_by uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
          SELECT p.district_id, p.updated_by FROM ${S}.retention_policy p
           WHERE p.automatic
             AND NOT EXISTS (SELECT 1 FROM ${S}.retention_disposal d WHERE d.district_id = p.district_id AND d.started_at >= not_since)
           ORDER BY p.district_id
        $$`,
    );
    for (const statement of statements) this.addSql(statement);
  }
}
