import { Migration } from '@mikro-orm/migrations';

const S = 'gateway';

/**
 * Whether a person wants an e-mail when a long job they started finishes
 * (off until they turn it on: the in-app notice always comes), and the
 * mail ledger's template for those mails.
 */
export class Migration20261206040000JobMail extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `ALTER TABLE ${S}.app_user ADD COLUMN job_mail boolean NOT NULL DEFAULT false`,
      `ALTER TABLE ${S}.mail_delivery DROP CONSTRAINT mail_delivery_template_check`,
      `ALTER TABLE ${S}.mail_delivery ADD CONSTRAINT mail_delivery_template_check CHECK (template IN ('escalation', 'digest', 'export-ready', 'job-finished'))`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
