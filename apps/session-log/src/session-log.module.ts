import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { SESSION_LOG_PERSISTENCE } from './session-log.persistence';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('session-log'),
    PersistenceModule.forService(SESSION_LOG_PERSISTENCE),
    MessagingModule.forService('session-log', { outbox: true, inbox: true }),
  ],
  controllers: [districtReplicaControllerFor('session-log')],
})
export class SessionLogModule {}
