import { Module } from '@nestjs/common';
import { StateReportingController } from './state-reporting.controller';
import { StateReportingService } from './state-reporting.service';

/** State reporting: its service owns bell schedules and reportable records; the gateway checks schools and roles and sends the commands. */
@Module({
  controllers: [StateReportingController],
  providers: [StateReportingService],
})
export class StateReportingModule {}
