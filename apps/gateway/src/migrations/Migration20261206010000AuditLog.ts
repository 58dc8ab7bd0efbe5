import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * The district's access and change log: who read which student's record, who
 * changed what (only the changed fields, before and after), sign-ins and
 * failed sign-ins, e-signatures. Append-only: GATEWAY_PERSISTENCE names it in
 * `appendOnlyTables`, so every migrate run revokes UPDATE, DELETE and
 * TRUNCATE from the app role after the blanket grant. No foreign keys: an
 * entry outlives the user, student or session it names.
 */
export class Migration20261206010000AuditLog extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.audit_event (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'api_client')),
        actor_id uuid,
        actor_name text CHECK (char_length(actor_name) <= 300),
        action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9.-]{0,63}$'),
        subject_type text NOT NULL CHECK (subject_type ~ '^[a-z][a-z_-]{0,31}$'),
        subject_id uuid,
        student_id uuid,
        before jsonb CHECK (before IS NULL OR jsonb_typeof(before) = 'object'),
        after jsonb CHECK (after IS NULL OR jsonb_typeof(after) = 'object'),
        detail jsonb CHECK (detail IS NULL OR jsonb_typeof(detail) = 'object'),
        correlation_id text CHECK (char_length(correlation_id) <= 128),
        client_address text CHECK (char_length(client_address) <= 100)
      )`,
      `CREATE INDEX audit_event_time_idx ON ${S}.audit_event (district_id, occurred_at DESC, id DESC)`,
      `CREATE INDEX audit_event_student_idx ON ${S}.audit_event (district_id, student_id, occurred_at DESC, id DESC) WHERE student_id IS NOT NULL`,
      `CREATE INDEX audit_event_actor_idx ON ${S}.audit_event (district_id, actor_id, occurred_at DESC, id DESC)`,
      `CREATE INDEX audit_event_action_idx ON ${S}.audit_event (district_id, action, occurred_at DESC, id DESC)`,
      ...tenantIsolation(`${S}.audit_event`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
