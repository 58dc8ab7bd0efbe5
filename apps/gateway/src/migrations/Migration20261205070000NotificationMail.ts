import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * The e-mails the gateway sends upon other services' events (escalations,
 * guardian digests, finished exports): one row per message and recipient,
 * keyed by what the mail is about (the notification or the export), so a
 * redelivered event mails nobody twice. Recipients are settled on the first
 * delivery; `sent_at` is set once the server accepted the message.
 */
export class Migration20261205070000NotificationMail extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.mail_delivery (
        district_id uuid NOT NULL,
        template text NOT NULL CHECK (template IN ('escalation', 'digest', 'export-ready')),
        subject_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        PRIMARY KEY (template, subject_id, user_id),
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX mail_delivery_user_idx ON ${S}.mail_delivery (district_id, user_id)`,
      ...tenantIsolation(`${S}.mail_delivery`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
