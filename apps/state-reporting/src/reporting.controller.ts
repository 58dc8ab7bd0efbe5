import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BellScheduleReply,
  GET_BELL_SCHEDULE,
  GetBellScheduleCommand,
  IneligibleSessionPageReply,
  LIST_INELIGIBLE_SESSIONS,
  LIST_REPORTABLE_RECORDS,
  ListIneligibleSessionsCommand,
  ListReportableRecordsCommand,
  ReportableRecordPageReply,
  SET_BELL_SCHEDULE,
  SetBellScheduleCommand,
} from '@sessionledger/contracts';
import { BellSchedulesService } from './bell-schedules/bell-schedules.service';
import { ReportingReadsService } from './records/reporting-reads.service';

/** State reporting's command handlers: bell schedules, reportable records, ineligible sessions. */
@Controller()
export class ReportingController {
  constructor(
    private readonly bellSchedules: BellSchedulesService,
    private readonly reads: ReportingReadsService,
  ) {}

  @MessagePattern(GET_BELL_SCHEDULE.pattern)
  getBellSchedule(@Payload() command: GetBellScheduleCommand): Promise<BellScheduleReply> {
    return this.bellSchedules.get(command.actor, command.schoolId);
  }

  @MessagePattern(SET_BELL_SCHEDULE.pattern)
  setBellSchedule(@Payload() command: SetBellScheduleCommand): Promise<BellScheduleReply> {
    return this.bellSchedules.set(command);
  }

  @MessagePattern(LIST_REPORTABLE_RECORDS.pattern)
  listRecords(@Payload() command: ListReportableRecordsCommand): Promise<ReportableRecordPageReply> {
    return this.reads.listRecords(command);
  }

  @MessagePattern(LIST_INELIGIBLE_SESSIONS.pattern)
  listIneligible(@Payload() command: ListIneligibleSessionsCommand): Promise<IneligibleSessionPageReply> {
    return this.reads.listIneligible(command);
  }
}
