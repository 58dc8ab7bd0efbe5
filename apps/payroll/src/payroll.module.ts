import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule, recordTablesControllerFor } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { BillingExportsController, BillingExportsService } from './billing/billing-exports.service';
import { PayReadsService } from './pay/pay-reads.service';
import { PostedSessionsController } from './pay/posted-sessions.controller';
import { PAYROLL_PERSISTENCE } from './payroll.persistence';
import { PayPeriodsController } from './periods/pay-periods.controller';
import { PayPeriodsService } from './periods/pay-periods.service';
import { WorkOrdersController } from './work-orders/work-orders.controller';
import { WorkOrdersService } from './work-orders/work-orders.service';
import { PAYROLL_RECORD_TABLES } from './records/record-tables';
import { PayDisposal, PayDisposalController } from './retention/pay-disposal';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('payroll'),
    PersistenceModule.forService(PAYROLL_PERSISTENCE),
    MessagingModule.forService('payroll', { outbox: true, inbox: true }),
  ],
  controllers: [districtReplicaControllerFor('payroll'), recordTablesControllerFor('payroll', PAYROLL_RECORD_TABLES), WorkOrdersController, PostedSessionsController, PayPeriodsController, BillingExportsController, PayDisposalController],
  providers: [WorkOrdersService, PayPeriodsService, PayReadsService, BillingExportsService, PayDisposal],
})
export class PayrollModule {}
