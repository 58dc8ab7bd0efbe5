import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'scheduling';

/*
 * Post-session tasks as session-log reports them (opened, closed), and the
 * notifications they cause. A notification exists at most once per task and
 * kind: the unique key, not the job queue, is what keeps a reminder single
 * across retries, restarts and re-added jobs. A reminder is addressed to the
 * provider, an escalation to the school (its admins read it).
 *
 * The sweep looks across districts through one SECURITY DEFINER function, as
 * session-log's reconciler does, for open tasks whose notification is due
 * and missing; it then re-adds their jobs.
 */
export class Migration20261125190000Reminders extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.task_mirror (
        task_id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        kind text NOT NULL,
        provider_id uuid NOT NULL,
        school_id uuid NOT NULL,
        provider_email text,
        due_at timestamptz NOT NULL,
        open boolean NOT NULL,
        changed_at timestamptz NOT NULL
      )`,
      `CREATE INDEX task_mirror_open_due_idx ON ${S}.task_mirror (due_at) WHERE open`,
      ...tenantIsolation(`${S}.task_mirror`),

      `CREATE TABLE ${S}.notification (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('reminder', 'escalation', 'digest')),
        recipient_user_id uuid,
        recipient_school_id uuid,
        recipient_student_id uuid,
        session_ids jsonb,
        task_id uuid,
        task_kind text,
        session_id uuid,
        provider_id uuid,
        due_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        emailed_at timestamptz,
        CHECK (num_nonnulls(recipient_user_id, recipient_school_id, recipient_student_id) = 1),
        UNIQUE (district_id, task_id, kind)
      )`,
      `CREATE INDEX notification_user_idx ON ${S}.notification (district_id, recipient_user_id, created_at DESC)`,
      `CREATE INDEX notification_school_idx ON ${S}.notification (district_id, recipient_school_id, created_at DESC) WHERE kind = 'escalation'`,
      `CREATE INDEX notification_student_idx ON ${S}.notification (district_id, recipient_student_id, created_at DESC) WHERE kind = 'digest'`,
      ...tenantIsolation(`${S}.notification`),

      // Posted sessions each student attended, counted for the guardians' digest every 4 sessions.
      `CREATE TABLE ${S}.student_posted_session (
        district_id uuid NOT NULL,
        student_id uuid NOT NULL,
        session_id uuid NOT NULL,
        started_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (district_id, student_id, session_id)
      )`,
      ...tenantIsolation(`${S}.student_posted_session`),

      `CREATE FUNCTION ${S}.missing_task_notifications(at_time timestamptz, max_rows integer)
        RETURNS TABLE (district_id uuid, task_id uuid, kind text, due_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
          SELECT t.district_id, t.task_id, k.kind, t.due_at
            FROM ${S}.task_mirror t
            LEFT JOIN ${S}.district_replica d ON d.district_id = t.district_id
           CROSS JOIN LATERAL (VALUES
             ('reminder', t.due_at),
             ('escalation', t.due_at + make_interval(hours => COALESCE((d.settings->>'taskEscalationHours')::integer, 24)))
           ) AS k(kind, fires_at)
           WHERE t.open AND t.due_at <= at_time AND k.fires_at <= at_time
             AND NOT EXISTS (SELECT 1 FROM ${S}.notification n
                              WHERE n.district_id = t.district_id AND n.task_id = t.task_id AND n.kind = k.kind)
           ORDER BY t.due_at
           LIMIT max_rows $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
