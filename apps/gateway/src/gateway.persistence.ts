import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { RefreshToken } from './auth/refresh-token.entity';
import { DIRECTORY_ENTITIES } from './directory/directory.entities';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';

export const GATEWAY_PERSISTENCE: ServicePersistence = {
  service: 'gateway',
  entities: [...DIRECTORY_ENTITIES, RefreshToken, OutboxEvent],
  migrations: [{ name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation }],
};
