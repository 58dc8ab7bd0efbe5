import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'session_log';

/*
 * Students, staff, schools, groups and work orders are other services' ids:
 * no foreign key crosses schemas. Inside the schema every reference is
 * composite (district_id, id), so no row can point at another district's row.
 */
export class Migration20261125150000Sessions extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.session_catalog (
        district_id uuid PRIMARY KEY,
        document jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL
      )`,
      ...tenantIsolation(`${S}.session_catalog`),

      `CREATE TABLE ${S}.session (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        school_id uuid NOT NULL,
        service text NOT NULL,
        participant_kind text NOT NULL CHECK (participant_kind IN ('student', 'staff')),
        group_id uuid,
        group_name text,
        work_order_id uuid,
        work_order_type text,
        work_order_assigned_at timestamptz,
        description text,
        family_involvement boolean NOT NULL DEFAULT false,
        activities_description text,
        state text NOT NULL CHECK (state IN ('active', 'ended', 'cancelled')),
        session_date date NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        planned_minutes integer CHECK (planned_minutes > 0),
        adjusted_minutes integer CHECK (adjusted_minutes > 0 AND adjusted_minutes % 5 = 0),
        duration_override_reason text,
        duration_override_by uuid,
        duration_override_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        needs_attention boolean NOT NULL DEFAULT false,
        tags text[] NOT NULL DEFAULT '{}',
        coaching_log jsonb,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        UNIQUE (district_id, id),
        CHECK ((state = 'active') = (ended_at IS NULL)),
        CHECK (ended_at IS NULL OR ended_at >= started_at),
        CHECK ((work_order_id IS NULL) = (work_order_type IS NULL))
      )`,
      // The rule "one active session per provider" lives here, so two concurrent starts cannot both win.
      `CREATE UNIQUE INDEX session_one_active_per_provider ON ${S}.session (district_id, provider_id) WHERE state = 'active'`,
      `CREATE INDEX session_provider_date_idx ON ${S}.session (district_id, provider_id, session_date DESC)`,
      `CREATE INDEX session_school_date_idx ON ${S}.session (district_id, school_id, session_date DESC)`,
      `CREATE INDEX session_needs_attention_idx ON ${S}.session (district_id, school_id) WHERE needs_attention`,
      ...tenantIsolation(`${S}.session`),

      `CREATE TABLE ${S}.participant (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('student', 'staff')),
        person_id uuid NOT NULL,
        name text NOT NULL,
        school_id uuid,
        state_id text,
        homebound_teacher_id uuid,
        time_in timestamptz,
        time_out timestamptz,
        time_away_minutes integer NOT NULL DEFAULT 0 CHECK (time_away_minutes >= 0),
        present boolean,
        attendance_status text CHECK (attendance_status IN ('attended', 'missed_billable', 'cancelled_billable', 'cancelled_nonbillable')),
        homebound boolean NOT NULL DEFAULT false,
        detention boolean NOT NULL DEFAULT false,
        credit_recovery boolean NOT NULL DEFAULT false,
        remedial boolean NOT NULL DEFAULT false,
        remedial_criteria text[] NOT NULL DEFAULT '{}',
        subject text,
        activities text[] NOT NULL DEFAULT '{}',
        accommodations text[] NOT NULL DEFAULT '{}',
        student_note text,
        client_note text,
        admin_note text,
        version integer NOT NULL DEFAULT 1,
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by uuid NOT NULL,
        UNIQUE (district_id, session_id, person_id),
        CHECK (time_out IS NULL OR time_in IS NULL OR time_out >= time_in),
        CHECK (NOT remedial OR (cardinality(remedial_criteria) > 0 AND subject IS NOT NULL)),
        FOREIGN KEY (district_id, session_id) REFERENCES ${S}.session (district_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX participant_person_idx ON ${S}.participant (district_id, person_id)`,
      ...tenantIsolation(`${S}.participant`),

      `CREATE TABLE ${S}.post_session_task (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('attendance', 'notes')),
        provider_id uuid NOT NULL,
        school_id uuid NOT NULL,
        session_date date NOT NULL,
        due_at timestamptz NOT NULL,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (district_id, session_id, kind),
        FOREIGN KEY (district_id, session_id) REFERENCES ${S}.session (district_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX post_session_task_provider_idx ON ${S}.post_session_task (district_id, provider_id, due_at) WHERE completed_at IS NULL`,
      `CREATE INDEX post_session_task_school_idx ON ${S}.post_session_task (district_id, school_id, due_at) WHERE completed_at IS NULL`,
      ...tenantIsolation(`${S}.post_session_task`),

      // No foreign key: the trail of a deleted session is kept.
      `CREATE TABLE ${S}.session_change (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`,
      `CREATE INDEX session_change_session_idx ON ${S}.session_change (district_id, session_id, at)`,
      ...tenantIsolation(`${S}.session_change`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
