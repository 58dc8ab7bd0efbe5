import { Migration } from '@mikro-orm/migrations';
import { DIRECTORY_RECORD_CHANGED, ROSTER_IMPORT_FINISHED } from '@sessionledger/contracts';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/** The directory tables, the record kind they announce, and the columns whose change is a change a district system cares about. */
const ANNOUNCED: Array<{ table: string; record: string; columns: string; only?: string }> = [
  { table: 'school', record: 'school', columns: '*' },
  {
    table: 'app_user',
    record: 'staff',
    // Sign-in bookkeeping (password, language) is not a directory change; only staff accounts are staff.
    columns: 'email, first_name, last_name, roles, provider_kind, status, sourced_id, version',
    only: `(NEW.roles && ARRAY['district_admin','school_admin','provider','payroll'])`,
  },
  { table: 'student', record: 'student', columns: '*' },
  { table: 'guardian', record: 'guardian', columns: '*' },
  { table: 'student_group', record: 'group', columns: '*' },
];

function changed(columns: string): string {
  if (columns === '*') return '(OLD.* IS DISTINCT FROM NEW.*)';
  const list = columns.split(',').map((column) => column.trim());
  return `((${list.map((c) => `NEW.${c}`).join(', ')}) IS DISTINCT FROM (${list.map((c) => `OLD.${c}`).join(', ')}))`;
}

/**
 * Webhooks: the endpoints a district registers, one delivery per event and
 * endpoint (its log of attempts beside it), and the events district systems
 * are told about that no service announced yet.
 *
 * Directory records are written by the API, roster import's set-based SQL,
 * the demo seed and operator commands, so (as for schools' announcements) the
 * tables themselves write DirectoryRecordChanged into the outbox, in the
 * writer's transaction. Only while an enabled endpoint of the district
 * subscribes to that record's webhook: an import of 200,000 students then
 * costs a district without webhooks one index probe per row, not 200,000
 * events nobody receives. A roster import announces its end the same way,
 * whichever process (the import's child, the queue after its death) closes it.
 */
export class Migration20261205030000Webhooks extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.webhook_endpoint (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        url text NOT NULL CHECK (length(url) <= 2048),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        secret_sealed text NOT NULL,
        failing_since timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (district_id, id)
      )`,
      `CREATE INDEX webhook_endpoint_district_idx ON ${S}.webhook_endpoint (district_id, created_at, id)`,
      `CREATE INDEX webhook_endpoint_events_idx ON ${S}.webhook_endpoint USING gin (events) WHERE enabled`,
      ...tenantIsolation(`${S}.webhook_endpoint`),
      `CREATE TABLE ${S}.webhook_delivery (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        endpoint_id uuid NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        replays integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (district_id, id),
        UNIQUE (endpoint_id, event_id),
        FOREIGN KEY (district_id, endpoint_id) REFERENCES ${S}.webhook_endpoint (district_id, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX webhook_delivery_endpoint_idx ON ${S}.webhook_delivery (district_id, endpoint_id, created_at DESC, id DESC)`,
      `CREATE INDEX webhook_delivery_event_idx ON ${S}.webhook_delivery (district_id, event_id)`,
      ...tenantIsolation(`${S}.webhook_delivery`),
      `CREATE TABLE ${S}.webhook_attempt (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        delivery_id uuid NOT NULL,
        attempt integer NOT NULL,
        replay boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
        next_attempt_at timestamptz,
        FOREIGN KEY (district_id, delivery_id) REFERENCES ${S}.webhook_delivery (district_id, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX webhook_attempt_delivery_idx ON ${S}.webhook_attempt (district_id, delivery_id, attempt)`,
      ...tenantIsolation(`${S}.webhook_attempt`),

      `CREATE FUNCTION ${S}.directory_announce() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          record_kind text := TG_ARGV[0];
          row_now jsonb;
          active_now boolean;
          active_before boolean;
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM ${S}.webhook_endpoint e
              WHERE e.district_id = NEW.district_id AND e.enabled AND e.events @> ARRAY[record_kind || '.changed']) THEN
            RETURN NULL;
          END IF;
          row_now := to_jsonb(NEW);
          active_now := CASE WHEN record_kind = 'staff' THEN row_now->>'status' = 'active' ELSE (row_now->>'active')::boolean END;
          IF TG_OP = 'UPDATE' THEN
            active_before := CASE WHEN record_kind = 'staff' THEN to_jsonb(OLD)->>'status' = 'active' ELSE (to_jsonb(OLD)->>'active')::boolean END;
          END IF;
          INSERT INTO ${S}.outbox_event (id, district_id, name, payload, correlation_id)
          VALUES (gen_random_uuid(), NEW.district_id, '${DIRECTORY_RECORD_CHANGED.name}',
            jsonb_build_object('districtId', NEW.district_id, 'record', record_kind, 'id', NEW.id,
              'sourcedId', row_now->'sourced_id', 'active', active_now, 'version', (row_now->>'version')::integer,
              'change', CASE WHEN TG_OP = 'INSERT' THEN 'created' WHEN active_before AND NOT active_now THEN 'deactivated' ELSE 'updated' END),
            NULLIF(current_setting('app.correlation_id', true), ''));
          RETURN NULL;
        END $$`,
      ...ANNOUNCED.flatMap(({ table, record, columns, only }) => [
        `CREATE TRIGGER ${table}_directory_announce_insert AFTER INSERT ON ${S}.${table}
          FOR EACH ROW ${only ? `WHEN ${only}` : ''} EXECUTE FUNCTION ${S}.directory_announce('${record}')`,
        `CREATE TRIGGER ${table}_directory_announce_update AFTER UPDATE ON ${S}.${table}
          FOR EACH ROW WHEN (${changed(columns)}${only ? ` AND ${only}` : ''}) EXECUTE FUNCTION ${S}.directory_announce('${record}')`,
      ]),

      `CREATE FUNCTION ${S}.roster_import_announce() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ${S}.outbox_event (id, district_id, name, payload, correlation_id)
          VALUES (gen_random_uuid(), NEW.district_id, '${ROSTER_IMPORT_FINISHED.name}',
            jsonb_build_object('districtId', NEW.district_id, 'importId', NEW.id, 'status', NEW.status, 'dryRun', NEW.dry_run,
              'errorCount', NEW.error_count, 'failureCode', NEW.failure->'code',
              'finishedAt', to_char(coalesce(NEW.finished_at, now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
            NULLIF(current_setting('app.correlation_id', true), ''));
          RETURN NULL;
        END $$`,
      `CREATE TRIGGER roster_import_announce AFTER UPDATE OF status ON ${S}.roster_import
        FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'failed') AND OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION ${S}.roster_import_announce()`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
