import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { STATE_REPORTING_PERSISTENCE } from './state-reporting.persistence';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('state-reporting'),
    PersistenceModule.forService(STATE_REPORTING_PERSISTENCE),
    MessagingModule.forService('state-reporting', { outbox: true, inbox: true }),
  ],
  controllers: [districtReplicaControllerFor('state-reporting')],
})
export class StateReportingModule {}
