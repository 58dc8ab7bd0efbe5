import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/** A provider's secret calendar feed: one per provider, only SHA-256 of its secret kept. Revoking deletes the row. */
export class Migration20261125200000CalendarFeed extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.calendar_feed (
        district_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (district_id, provider_id),
        FOREIGN KEY (district_id, provider_id) REFERENCES ${S}.app_user (district_id, id) ON DELETE CASCADE
      )`,
      `CREATE UNIQUE INDEX calendar_feed_secret_idx ON ${S}.calendar_feed (district_id, secret_hash)`,
      ...tenantIsolation(`${S}.calendar_feed`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}
