import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { SCHEDULING_PERSISTENCE } from './scheduling.persistence';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('scheduling'),
    PersistenceModule.forService(SCHEDULING_PERSISTENCE),
    MessagingModule.forService('scheduling', { outbox: true, inbox: true }),
  ],
  controllers: [districtReplicaControllerFor('scheduling')],
})
export class SchedulingModule {}
