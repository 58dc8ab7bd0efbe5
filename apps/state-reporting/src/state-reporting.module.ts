import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule, recordTablesControllerFor } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { BellSchedulesService } from './bell-schedules/bell-schedules.service';
import { DashboardsModule } from './dashboards/dashboards.module';
import { ExportsModule } from './exports/exports.module';
import { fillMissingSchoolCodes } from './records/missing-school-codes';
import { PostedSessionsController } from './records/posted-sessions.controller';
import { ReportingReadsService } from './records/reporting-reads.service';
import { ReportingController } from './reporting.controller';
import { StateExportDisposal, StateExportDisposalController } from './retention/state-export-disposal';
import { STATE_REPORTING_PERSISTENCE } from './state-reporting.persistence';
import { RecordsRequestController } from './records-export/records-request.controller';
import { STATE_REPORTING_RECORD_TABLES } from './records-export/record-tables';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('state-reporting'),
    PersistenceModule.forService(STATE_REPORTING_PERSISTENCE),
    MessagingModule.forService('state-reporting', { outbox: true, inbox: true }),
    DashboardsModule,
    ExportsModule,
  ],
  controllers: [districtReplicaControllerFor('state-reporting', { schoolChanged: fillMissingSchoolCodes }), recordTablesControllerFor('state-reporting', STATE_REPORTING_RECORD_TABLES), RecordsRequestController, PostedSessionsController, ReportingController, StateExportDisposalController],
  providers: [BellSchedulesService, ReportingReadsService, StateExportDisposal],
})
export class StateReportingModule {}
