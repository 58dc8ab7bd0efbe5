import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { BellScheduleBody, BellScheduleReply, IneligibleSessionPageReply, ReportableRecordPageReply } from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
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
  getBellSchedule(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<BellScheduleReply> {
    return this.reporting.getBellSchedule(actor, id);
  }

  @Roles('district_admin')
  @Put('schools/:id/bell-schedule')
  setBellSchedule(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: BellScheduleBody): Promise<BellScheduleReply> {
    return this.reporting.setBellSchedule(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get('reporting/records')
  listRecords(@CurrentActor() actor: Actor, @Query() query: ReportableRecordListQuery): Promise<ReportableRecordPageReply> {
    return this.reporting.listRecords(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get('reporting/ineligible')
  listIneligible(@CurrentActor() actor: Actor, @Query() query: ReportingListQuery): Promise<IneligibleSessionPageReply> {
    return this.reporting.listIneligible(actor, query);
  }
}
