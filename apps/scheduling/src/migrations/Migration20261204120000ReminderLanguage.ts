import { Migration } from '@mikro-orm/migrations';

/** The provider's language, passed with their address, so a reminder is e-mailed in it. */
export class Migration20261204120000ReminderLanguage extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE scheduling.task_mirror ADD COLUMN provider_language text CHECK (provider_language IN ('en', 'es'))`);
  }
}
