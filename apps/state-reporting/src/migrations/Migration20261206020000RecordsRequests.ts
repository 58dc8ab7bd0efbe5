import { Migration } from '@mikro-orm/migrations';

const S = 'state_reporting';

/**
 * A family's records request (docs/district-export.md) is a disclosure too,
 * made by the gateway's export job rather than a state export: its id is the
 * request's, which no state_export row holds, so the disclosure no longer
 * points at state_export by a foreign key and says which kind it is instead.
 */
export class Migration20261206020000RecordsRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE ${S}.disclosure DROP CONSTRAINT disclosure_district_id_export_id_fkey`);
    this.addSql(`ALTER TABLE ${S}.disclosure ADD COLUMN kind text NOT NULL DEFAULT 'state_export' CHECK (kind IN ('state_export', 'records_request'))`);
  }
}
