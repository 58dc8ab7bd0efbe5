import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule, recordTablesControllerFor } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { SessionCatalogController } from './catalog/session-catalog.controller';
import { SessionCatalogService } from './catalog/session-catalog.service';
import { AcknowledgementsController } from './posting/acknowledgements.controller';
import { PostingController } from './posting/posting.controller';
import { PostingService } from './posting/posting.service';
import { Reconciler } from './posting/reconciler';
import { SessionDisposal, SessionDisposalController } from './retention/session-disposal';
import { SESSION_LOG_PERSISTENCE } from './session-log.persistence';
import { ParticipantsService } from './sessions/participants.service';
import { SessionReadsService } from './sessions/session-reads.service';
import { SessionWrites } from './sessions/session-writes';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { SESSION_LOG_RECORD_TABLES } from './records/record-tables';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('session-log'),
    PersistenceModule.forService(SESSION_LOG_PERSISTENCE),
    MessagingModule.forService('session-log', { outbox: true, inbox: true }),
  ],
  controllers: [districtReplicaControllerFor('session-log'), recordTablesControllerFor('session-log', SESSION_LOG_RECORD_TABLES), SessionsController, SessionCatalogController, PostingController, AcknowledgementsController, SessionDisposalController],
  providers: [SessionWrites, SessionsService, ParticipantsService, SessionReadsService, SessionCatalogService, PostingService, Reconciler, SessionDisposal],
})
export class SessionLogModule {}
