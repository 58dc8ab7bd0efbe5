import { Module } from '@nestjs/common';
import { StateExportsController } from './exports.controller';
import { StateExportsService } from './exports.service';
import { StateReportingController } from './state-reporting.controller';
import { StateReportingService } from './state-reporting.service';

/** State reporting: its service owns bell schedules and reportable records; the gateway checks schools and roles and sends the commands. */
@Module({
  controllers: [StateReportingController, StateExportsController],
  providers: [StateReportingService, StateExportsService],
})
export class StateReportingModule {}
