import { Migration } from '@mikro-orm/migrations';

const S = 'scheduling';

/**
 * A long job (roster import, state or district export, invitation batch)
 * that finished is announced to the user who started it. The unique key per
 * job, not the queue or the event inbox, keeps the announcement single when
 * the job is retried or its finish is reported twice.
 */
export class Migration20261205090000JobNotices extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.notification DROP CONSTRAINT notification_kind_check`,
      `ALTER TABLE ${S}.notification ADD CONSTRAINT notification_kind_check CHECK (kind IN ('reminder', 'escalation', 'digest', 'job-finished'))`,
      `ALTER TABLE ${S}.notification
         ADD COLUMN job_kind text CHECK (job_kind IN ('roster-import', 'state-export', 'district-export', 'invitation-batch')),
         ADD COLUMN job_id uuid,
         ADD COLUMN job_status text CHECK (job_status IN ('succeeded', 'failed')),
         ADD COLUMN job_link text,
         ADD COLUMN job_finished_at timestamptz,
         ADD CONSTRAINT notification_job_complete CHECK ((kind = 'job-finished') = (job_id IS NOT NULL AND job_kind IS NOT NULL AND job_status IS NOT NULL AND job_finished_at IS NOT NULL))`,
      `CREATE UNIQUE INDEX notification_job_idx ON ${S}.notification (district_id, job_kind, job_id) WHERE kind = 'job-finished'`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
