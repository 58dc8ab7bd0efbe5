import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';

export const STATE_REPORTING_PERSISTENCE: ServicePersistence = {
  service: 'state-reporting',
  entities: [OutboxEvent, DistrictReplica, SchoolReplica],
  migrations: [{ name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation }],
};
