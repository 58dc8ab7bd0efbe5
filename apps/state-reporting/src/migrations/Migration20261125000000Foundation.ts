import { Migration } from '@mikro-orm/migrations';
import { districtReplicaSql } from '@sessionledger/district-replica';
import { messagingTablesSql } from '@sessionledger/messaging';

export class Migration20261125000000Foundation extends Migration {
  override async up(): Promise<void> {
    for (const statement of [...messagingTablesSql('state_reporting'), ...districtReplicaSql('state_reporting')]) this.addSql(statement);
  }
}
