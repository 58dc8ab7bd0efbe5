import { Module } from '@nestjs/common';
import { ConfigModule } from '@sessionledger/config';
import { districtReplicaControllerFor } from '@sessionledger/district-replica';
import { MessagingModule, recordTablesControllerFor } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { RemindersModule } from './reminders/reminders.module';
import { SCHEDULING_PERSISTENCE } from './scheduling.persistence';
import { SeriesController } from './series/series.controller';
import { SeriesService } from './series/series.service';
import { SCHEDULING_RECORD_TABLES } from './records/record-tables';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('scheduling'),
    PersistenceModule.forService(SCHEDULING_PERSISTENCE),
    MessagingModule.forService('scheduling', { outbox: true, inbox: true }),
    RemindersModule,
  ],
  controllers: [districtReplicaControllerFor('scheduling'), recordTablesControllerFor('scheduling', SCHEDULING_RECORD_TABLES), SeriesController],
  providers: [SeriesService],
})
export class SchedulingModule {}
