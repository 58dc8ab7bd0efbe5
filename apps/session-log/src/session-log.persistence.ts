import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';

export const SESSION_LOG_PERSISTENCE: ServicePersistence = {
  service: 'session-log',
  entities: [OutboxEvent, DistrictReplica, SchoolReplica],
  migrations: [{ name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation }],
};
