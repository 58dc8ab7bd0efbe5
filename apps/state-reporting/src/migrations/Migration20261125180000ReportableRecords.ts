import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'state_reporting';
const DEFERRED = 'DEFERRABLE INITIALLY DEFERRED';
const ATTENDANCE = `('attended', 'missed_billable', 'cancelled_billable', 'cancelled_nonbillable')`;

/**
 * What state reporting keeps of posted sessions: one row per session version
 * received (eligible for the state export or not, and why), one record per
 * student (or, for coaching, per teacher) of each version. The unique keys on
 * (district, session, version[, participant]) make a second effect of the
 * same version impossible, even when it arrives again under a new event id;
 * partial unique indexes allow one current version per session. School ids
 * are gateway ids: no foreign key crosses schemas.
 */
export class Migration20261125180000ReportableRecords extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.bell_schedule (
        school_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        days jsonb NOT NULL CHECK (jsonb_typeof(days) = 'object'),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL,
        UNIQUE (district_id, school_id)
      )`,
      ...tenantIsolation(`${S}.bell_schedule`),

      `CREATE TABLE ${S}.reported_session (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_version integer NOT NULL CHECK (session_version >= 1),
        event text NOT NULL CHECK (event IN ('posted', 'amended')),
        amendment_reason text,
        current boolean NOT NULL,
        superseded_by integer,
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        school_id uuid NOT NULL,
        school_code text,
        service text NOT NULL,
        participant_kind text NOT NULL CHECK (participant_kind IN ('student', 'staff')),
        work_order_id uuid,
        work_order_type text,
        session_date date NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('ended', 'cancelled')),
        tags text[] NOT NULL DEFAULT '{}',
        career_ladder_goal_tagged boolean NOT NULL,
        students integer NOT NULL CHECK (students >= 0),
        eligible boolean,
        ineligible_reasons text[] NOT NULL DEFAULT '{}',
        content_hash text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((participant_kind = 'staff') = (eligible IS NULL)),
        CHECK (eligible IS NOT TRUE OR cardinality(ineligible_reasons) = 0),
        CHECK (eligible IS NOT FALSE OR cardinality(ineligible_reasons) > 0),
        CHECK (current = (superseded_by IS NULL)),
        CHECK (superseded_by IS NULL OR superseded_by > session_version),
        UNIQUE (district_id, id),
        UNIQUE (district_id, session_id, session_version)
      )`,
      `CREATE UNIQUE INDEX reported_session_current_idx ON ${S}.reported_session (district_id, session_id) WHERE current`,
      `CREATE INDEX reported_session_ineligible_idx ON ${S}.reported_session (district_id, session_date, school_id) WHERE current AND eligible = false`,
      ...tenantIsolation(`${S}.reported_session`),

      `CREATE TABLE ${S}.reportable_record (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_version integer NOT NULL,
        current boolean NOT NULL,
        eligible boolean NOT NULL,
        participant_id uuid NOT NULL,
        student_id uuid NOT NULL,
        student_name text NOT NULL,
        state_id text,
        school_id uuid NOT NULL,
        school_code text,
        student_school_id uuid NOT NULL,
        student_school_code text,
        session_date date NOT NULL,
        attendance_status text NOT NULL CHECK (attendance_status IN ${ATTENDANCE}),
        time_in timestamptz,
        time_out timestamptz,
        time_away_minutes integer NOT NULL CHECK (time_away_minutes >= 0),
        minutes integer NOT NULL CHECK (minutes >= 0),
        minutes_outside_school_day integer CHECK (minutes_outside_school_day BETWEEN 0 AND minutes),
        homebound boolean NOT NULL,
        detention boolean NOT NULL,
        credit_recovery boolean NOT NULL,
        remedial boolean NOT NULL,
        remedial_criteria text[] NOT NULL DEFAULT '{}',
        subject text,
        service text NOT NULL,
        delivery text NOT NULL CHECK (delivery IN ('individual', 'small_group')),
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        work_order_id uuid,
        work_order_type text,
        tags text[] NOT NULL DEFAULT '{}',
        UNIQUE (district_id, id),
        UNIQUE (district_id, session_id, session_version, participant_id),
        UNIQUE (district_id, session_id, session_version, student_id),
        FOREIGN KEY (district_id, session_id, session_version) REFERENCES ${S}.reported_session (district_id, session_id, session_version) ${DEFERRED}
      )`,
      `CREATE UNIQUE INDEX reportable_record_current_idx ON ${S}.reportable_record (district_id, session_id, participant_id) WHERE current`,
      `CREATE INDEX reportable_record_date_idx ON ${S}.reportable_record (district_id, session_date, school_id) WHERE current`,
      `CREATE INDEX reportable_record_bell_idx ON ${S}.reportable_record (district_id, student_school_id)`,
      ...tenantIsolation(`${S}.reportable_record`),

      `CREATE TABLE ${S}.coaching_record (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_version integer NOT NULL,
        current boolean NOT NULL,
        participant_id uuid NOT NULL,
        teacher_id uuid NOT NULL,
        teacher_name text NOT NULL,
        school_id uuid NOT NULL,
        school_code text,
        session_date date NOT NULL,
        attendance_status text NOT NULL CHECK (attendance_status IN ${ATTENDANCE}),
        minutes integer NOT NULL CHECK (minutes >= 0),
        service text NOT NULL,
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        UNIQUE (district_id, id),
        UNIQUE (district_id, session_id, session_version, participant_id),
        FOREIGN KEY (district_id, session_id, session_version) REFERENCES ${S}.reported_session (district_id, session_id, session_version) ${DEFERRED}
      )`,
      `CREATE UNIQUE INDEX coaching_record_current_idx ON ${S}.coaching_record (district_id, session_id, participant_id) WHERE current`,
      `CREATE INDEX coaching_record_date_idx ON ${S}.coaching_record (district_id, session_date, school_id) WHERE current`,
      ...tenantIsolation(`${S}.coaching_record`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
