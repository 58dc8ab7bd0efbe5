import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'scheduling';

/*
 * Providers, schools, groups, students and work orders are other services' ids:
 * no foreign key crosses schemas. Inside the schema references are composite
 * (district_id, id), so no row can point at another district's row; deferrable
 * so a split can write the new series and move overrides in one transaction.
 */
export class Migration20261125180000Series extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.series (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        school_id uuid NOT NULL,
        service text NOT NULL CHECK (service ~ '^[a-z][a-z0-9_]{0,49}$'),
        description text,
        place_of_service text,
        type text NOT NULL CHECK (type IN ('group', 'individual')),
        group_id uuid,
        group_name text,
        students jsonb NOT NULL DEFAULT '[]',
        dtstart text NOT NULL,
        duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
        rrule text NOT NULL,
        exdates jsonb NOT NULL DEFAULT '[]',
        work_order_id uuid,
        split_from uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        UNIQUE (district_id, id),
        FOREIGN KEY (district_id, split_from) REFERENCES ${S}.series (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX series_provider_idx ON ${S}.series (district_id, provider_id)`,
      `CREATE INDEX series_school_idx ON ${S}.series (district_id, school_id)`,
      ...tenantIsolation(`${S}.series`),

      `CREATE TABLE ${S}.occurrence_override (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        series_id uuid NOT NULL,
        occurrence_start timestamptz NOT NULL,
        starts_at timestamptz,
        duration_minutes integer CHECK (duration_minutes > 0),
        service text,
        description text,
        place_of_service text,
        edited boolean NOT NULL DEFAULT false,
        cancelled_at timestamptz,
        cancelled_by uuid,
        cancel_reason text,
        attendance text CHECK (attendance IN ('cancelled_billable', 'cancelled_nonbillable')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL,
        UNIQUE (district_id, series_id, occurrence_start),
        FOREIGN KEY (district_id, series_id) REFERENCES ${S}.series (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        CHECK ((cancelled_at IS NULL) = (attendance IS NULL))
      )`,
      ...tenantIsolation(`${S}.occurrence_override`),

      `CREATE TABLE ${S}.closure_day (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        day date NOT NULL,
        name text,
        UNIQUE (district_id, day)
      )`,
      ...tenantIsolation(`${S}.closure_day`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
