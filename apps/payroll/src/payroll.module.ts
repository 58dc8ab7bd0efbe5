import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { PAYROLL_PERSISTENCE } from './payroll.persistence';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('payroll'),
    PersistenceModule.forService(PAYROLL_PERSISTENCE),
    MessagingModule.forService('payroll', { outbox: true, inbox: true }),
  ],
  controllers: [districtReplicaControllerFor('payroll')],
})
export class PayrollModule {}
