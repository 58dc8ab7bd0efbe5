import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * District exports and family records requests (docs/district-export.md): the
 * request with its progress and per-file counts, and the zip in pieces, so any
 * replica serves the download and no process holds the whole file.
 */
export class Migration20261206020000DistrictExports extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.district_export (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        scope text NOT NULL CHECK (scope IN ('district', 'student')),
        student_id uuid,
        recipient text,
        purpose text,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        files jsonb NOT NULL DEFAULT '[]',
        size_bytes bigint,
        sha256 text,
        chunks integer NOT NULL DEFAULT 0,
        error text,
        requested_by uuid NOT NULL,
        requested_by_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (district_id, id),
        CHECK ((scope = 'student') = (student_id IS NOT NULL AND recipient IS NOT NULL AND purpose IS NOT NULL))
      )`,
      `CREATE INDEX district_export_history_idx ON ${S}.district_export (district_id, created_at DESC, id)`,
      ...tenantIsolation(`${S}.district_export`),

      `CREATE TABLE ${S}.district_export_chunk (
        district_id uuid NOT NULL,
        export_id uuid NOT NULL,
        seq integer NOT NULL CHECK (seq >= 0),
        content bytea NOT NULL,
        PRIMARY KEY (export_id, seq),
        FOREIGN KEY (district_id, export_id) REFERENCES ${S}.district_export (district_id, id) ON DELETE CASCADE
      )`,
      ...tenantIsolation(`${S}.district_export_chunk`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
