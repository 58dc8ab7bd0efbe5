import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'state_reporting';

/**
 * State exports: the request and its progress, the file in pieces (so any
 * replica serves it and no process holds it in memory), what was last sent
 * to the state per student of a session and format (the next export turns
 * an amendment into a correction), and the disclosure record of each student
 * whose data left the district.
 */
export class Migration20261125191000StateExports extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.state_export (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        requested_by uuid NOT NULL,
        requested_by_name text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'edfi')),
        from_date date NOT NULL,
        to_date date NOT NULL CHECK (to_date >= from_date),
        school_id uuid,
        recipient text NOT NULL,
        purpose text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        records integer NOT NULL DEFAULT 0,
        added integer NOT NULL DEFAULT 0,
        corrected integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        deleted integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        ineligible_sessions integer NOT NULL DEFAULT 0,
        students integer NOT NULL DEFAULT 0,
        chunks integer NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (district_id, id)
      )`,
      `CREATE INDEX state_export_history_idx ON ${S}.state_export (district_id, created_at DESC, id)`,
      ...tenantIsolation(`${S}.state_export`),

      `CREATE TABLE ${S}.export_chunk (
        district_id uuid NOT NULL,
        export_id uuid NOT NULL,
        seq integer NOT NULL CHECK (seq >= 0),
        content text NOT NULL,
        PRIMARY KEY (export_id, seq),
        FOREIGN KEY (district_id, export_id) REFERENCES ${S}.state_export (district_id, id) ON DELETE CASCADE
      )`,
      ...tenantIsolation(`${S}.export_chunk`),

      `CREATE TABLE ${S}.export_sent (
        district_id uuid NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'edfi')),
        session_id uuid NOT NULL,
        participant_id uuid NOT NULL,
        session_version integer NOT NULL,
        content_hash text NOT NULL,
        export_id uuid NOT NULL,
        student_id uuid NOT NULL,
        state_id text,
        session_date date NOT NULL,
        school_id uuid NOT NULL,
        school_code text,
        PRIMARY KEY (district_id, format, session_id, participant_id),
        FOREIGN KEY (district_id, export_id) REFERENCES ${S}.state_export (district_id, id)
      )`,
      `CREATE INDEX export_sent_date_idx ON ${S}.export_sent (district_id, format, session_date, school_id)`,
      ...tenantIsolation(`${S}.export_sent`),

      `CREATE TABLE ${S}.disclosure (
        district_id uuid NOT NULL,
        export_id uuid NOT NULL,
        student_id uuid NOT NULL,
        records integer NOT NULL CHECK (records > 0),
        recipient text NOT NULL,
        purpose text NOT NULL,
        format text NOT NULL,
        disclosed_at timestamptz NOT NULL,
        disclosed_by uuid NOT NULL,
        disclosed_by_name text NOT NULL,
        PRIMARY KEY (export_id, student_id),
        FOREIGN KEY (district_id, export_id) REFERENCES ${S}.state_export (district_id, id)
      )`,
      `CREATE INDEX disclosure_student_idx ON ${S}.disclosure (district_id, student_id, disclosed_at DESC)`,
      ...tenantIsolation(`${S}.disclosure`),

      // One CSV cell, formatted by PostgreSQL (see docs/api/state-reporting.md, "State exports"): a cell a spreadsheet would run as a formula gets a leading quote.
      `CREATE FUNCTION ${S}.csv_cell(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN guarded IS NULL THEN ''
          WHEN strpos(guarded, '"') > 0 OR strpos(guarded, ',') > 0 OR strpos(guarded, chr(10)) > 0 OR strpos(guarded, chr(13)) > 0
            THEN '"' || replace(guarded, '"', '""') || '"'
          ELSE guarded
        END
        FROM (SELECT CASE WHEN left(value, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || value ELSE value END AS guarded) AS g
      $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
