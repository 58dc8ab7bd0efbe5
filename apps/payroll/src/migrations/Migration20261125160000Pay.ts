import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'payroll';
const DEFERRED = 'DEFERRABLE INITIALLY DEFERRED';

/**
 * Pay and billing for posted sessions. Money is never edited: decisions and
 * lines are append-only (a trigger refuses UPDATE and DELETE even though the
 * app role is granted them), an amendment reverses and re-adds. The unique
 * keys make a second payment impossible even if an event were re-published
 * under a new id: one decision per session version, one line of each kind per
 * version, a line reversed at most once. A closed period takes no line.
 */
export class Migration20261125160000Pay extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.pay_settings (
        district_id uuid PRIMARY KEY,
        frequency text NOT NULL CHECK (frequency IN ('weekly', 'biweekly')),
        anchor_date date NOT NULL CHECK (extract(isodow FROM anchor_date) = 1),
        billing_unit_rule text NOT NULL CHECK (billing_unit_rule IN ('cms_8_minute', 'full_15_only')),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL
      )`,
      ...tenantIsolation(`${S}.pay_settings`),

      `CREATE TABLE ${S}.pay_period (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        closed_by uuid,
        CHECK (ends_on >= starts_on AND ends_on - starts_on < 14),
        CHECK ((status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL)),
        UNIQUE (district_id, id),
        UNIQUE (district_id, starts_on),
        UNIQUE (district_id, ends_on)
      )`,
      `CREATE INDEX pay_period_open_idx ON ${S}.pay_period (district_id, starts_on) WHERE status = 'open'`,
      ...tenantIsolation(`${S}.pay_period`),
      // Periods never overlap and a closed one stays closed with its dates (creation is serialised per district by the app).
      `CREATE FUNCTION ${S}.pay_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'pay periods are never deleted' USING ERRCODE = 'integrity_constraint_violation'; END IF;
          IF TG_OP = 'UPDATE' AND (OLD.status = 'closed' OR NEW.starts_on <> OLD.starts_on OR NEW.ends_on <> OLD.ends_on) THEN
            RAISE EXCEPTION 'pay period % is closed or its dates would change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF EXISTS (SELECT 1 FROM ${S}.pay_period p WHERE p.district_id = NEW.district_id AND p.id <> NEW.id
                     AND p.starts_on <= NEW.ends_on AND p.ends_on >= NEW.starts_on) THEN
            RAISE EXCEPTION 'pay period % to % overlaps another', NEW.starts_on, NEW.ends_on USING ERRCODE = 'exclusion_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`,
      `CREATE TRIGGER pay_period_guard BEFORE INSERT OR UPDATE OR DELETE ON ${S}.pay_period FOR EACH ROW EXECUTE FUNCTION ${S}.pay_period_guard()`,

      `CREATE TABLE ${S}.pay_decision (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_version integer NOT NULL CHECK (session_version >= 1),
        event text NOT NULL CHECK (event IN ('posted', 'amended')),
        amendment_reason text,
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        school_id uuid NOT NULL,
        session_date date NOT NULL,
        work_order_id uuid,
        work_order_type text,
        adjusted_minutes integer CHECK (adjusted_minutes >= 0),
        payable boolean NOT NULL,
        reason text NOT NULL CHECK (length(reason) > 0),
        rate_cents integer CHECK (rate_cents > 0),
        amount_cents integer CHECK (amount_cents >= 0),
        superseded_by integer,
        content_hash text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT payable OR (rate_cents IS NOT NULL AND amount_cents IS NOT NULL AND adjusted_minutes > 0 AND work_order_id IS NOT NULL)),
        CHECK (superseded_by IS NULL OR superseded_by > session_version),
        UNIQUE (district_id, id),
        UNIQUE (district_id, session_id, session_version)
      )`,
      `CREATE INDEX pay_decision_provider_idx ON ${S}.pay_decision (district_id, provider_id, session_date)`,
      ...tenantIsolation(`${S}.pay_decision`),

      `CREATE TABLE ${S}.pay_line (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        period_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_version integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('payment', 'reversal')),
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        work_order_id uuid NOT NULL,
        session_date date NOT NULL,
        minutes integer NOT NULL,
        rate_cents integer NOT NULL CHECK (rate_cents > 0),
        amount_cents integer NOT NULL,
        reverses_line_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'payment' AND minutes > 0 AND amount_cents >= 0 AND reverses_line_id IS NULL)
            OR (kind = 'reversal' AND minutes < 0 AND amount_cents <= 0 AND reverses_line_id IS NOT NULL)),
        UNIQUE (district_id, id),
        UNIQUE (district_id, session_id, session_version, kind),
        UNIQUE (district_id, reverses_line_id),
        FOREIGN KEY (district_id, period_id) REFERENCES ${S}.pay_period (district_id, id) ${DEFERRED},
        FOREIGN KEY (district_id, session_id, session_version) REFERENCES ${S}.pay_decision (district_id, session_id, session_version) ${DEFERRED},
        FOREIGN KEY (district_id, work_order_id) REFERENCES ${S}.work_order (district_id, id) ${DEFERRED},
        FOREIGN KEY (district_id, reverses_line_id) REFERENCES ${S}.pay_line (district_id, id) ${DEFERRED}
      )`,
      `CREATE INDEX pay_line_period_idx ON ${S}.pay_line (district_id, period_id, provider_id)`,
      `CREATE INDEX pay_line_provider_idx ON ${S}.pay_line (district_id, provider_id, created_at)`,
      ...tenantIsolation(`${S}.pay_line`),

      `CREATE TABLE ${S}.billable_line (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        period_id uuid NOT NULL,
        session_id uuid NOT NULL,
        session_version integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('charge', 'reversal')),
        participant_id uuid NOT NULL,
        student_id uuid NOT NULL,
        student_name text NOT NULL,
        state_id text,
        school_id uuid,
        attendance_status text NOT NULL CHECK (attendance_status IN ('attended', 'missed_billable', 'cancelled_billable')),
        service text NOT NULL,
        session_date date NOT NULL,
        minutes integer NOT NULL,
        units integer NOT NULL,
        unit_rule text NOT NULL CHECK (unit_rule IN ('cms_8_minute', 'full_15_only')),
        reverses_line_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'charge' AND minutes >= 0 AND units >= 0 AND reverses_line_id IS NULL)
            OR (kind = 'reversal' AND minutes <= 0 AND units <= 0 AND reverses_line_id IS NOT NULL)),
        UNIQUE (district_id, id),
        UNIQUE (district_id, session_id, session_version, kind, participant_id),
        UNIQUE (district_id, reverses_line_id),
        FOREIGN KEY (district_id, period_id) REFERENCES ${S}.pay_period (district_id, id) ${DEFERRED},
        FOREIGN KEY (district_id, session_id, session_version) REFERENCES ${S}.pay_decision (district_id, session_id, session_version) ${DEFERRED},
        FOREIGN KEY (district_id, reverses_line_id) REFERENCES ${S}.billable_line (district_id, id) ${DEFERRED}
      )`,
      `CREATE INDEX billable_line_period_idx ON ${S}.billable_line (district_id, period_id, student_id)`,
      ...tenantIsolation(`${S}.billable_line`),

      `CREATE FUNCTION ${S}.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% rows are never changed or deleted: an amendment reverses and re-adds', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
        END $$`,
      `CREATE FUNCTION ${S}.line_period_open() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM ${S}.pay_period p WHERE p.district_id = NEW.district_id AND p.id = NEW.period_id AND p.status = 'open') THEN
            RAISE EXCEPTION 'pay period % is closed (or unknown): it takes no new lines', NEW.period_id USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$`,
      ...['pay_decision', 'pay_line', 'billable_line'].map(
        (table) => `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${S}.${table} FOR EACH ROW EXECUTE FUNCTION ${S}.append_only()`,
      ),
      ...['pay_line', 'billable_line'].map(
        (table) => `CREATE TRIGGER ${table}_period_open BEFORE INSERT ON ${S}.${table} FOR EACH ROW EXECUTE FUNCTION ${S}.line_period_open()`,
      ),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
