import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import {
  BellScheduleBody,
  BellScheduleReply,
  IneligibleSessionPageReply,
  IneligibleSessionReply,
  ReportableRecordPageReply,
  ReportableRecordReply,
} from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { ReportableRecordListQuery, ReportingListQuery } from './state-reporting.dto';
import { StateReportingService } from './state-reporting.service';

/**
 * Bell schedules and what the state export will take. District admins set
 * bell schedules; district admins and school admins (their schools) read
 * schedules, records and the sessions the export leaves out.
 */
@ApiTags('state-reporting')
@ApiBearerAuth()
@Controller()
export class StateReportingController {
  constructor(private readonly reporting: StateReportingService) {}

  @Roles('district_admin', 'school_admin')
  @Get('schools/:id/bell-schedule')
  @Operation({ summary: 'A school’s bell schedule', answer: BellScheduleReply, errors: [403, 404] })
  getBellSchedule(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<BellScheduleReply> {
    return this.reporting.getBellSchedule(actor, id);
  }

  @Roles('district_admin')
  @Put('schools/:id/bell-schedule')
  @Operation({
    summary: 'Set a school’s bell schedule',
    description: 'Recomputes the minutes outside the school day of the school’s records. A stale version → 409 BELL_SCHEDULE.STALE.',
    answer: BellScheduleReply,
    errors: [403, 404, 409, 503],
  })
  setBellSchedule(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: BellScheduleBody): Promise<BellScheduleReply> {
    return this.reporting.setBellSchedule(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get('reporting/records')
  @Operation({
    summary: 'What the state export will report',
    description:
      'Current versions only; by sessionDate, sessionId, studentName, then id. `from`/`to` are session days (YYYY-MM-DD, district-local); `updatedSince` keeps the records written or recomputed at or after it.',
    answer: Paged(ReportableRecordReply),
    errors: [403, 404],
  })
  listRecords(@CurrentActor() actor: Actor, @Query() query: ReportableRecordListQuery): Promise<ReportableRecordPageReply> {
    return this.reporting.listRecords(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get('reporting/ineligible')
  @Operation({
    summary: 'Sessions the state export leaves out, with why',
    description:
      'Oldest first: by sessionDate, startedAt, then id. `from`/`to` are session days (YYYY-MM-DD, district-local); `updatedSince` keeps the sessions recorded or recomputed at or after it.',
    answer: Paged(IneligibleSessionReply),
    errors: [403, 404],
  })
  listIneligible(@CurrentActor() actor: Actor, @Query() query: ReportingListQuery): Promise<IneligibleSessionPageReply> {
    return this.reporting.listIneligible(actor, query);
  }
}
