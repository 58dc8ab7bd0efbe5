import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { CoachingDashboardReply, DosageDashboardReply, MinutesDashboardReply } from '@sessionledger/contracts';
import { CoachingDashboardQuery, DosageDashboardQuery, MinutesDashboardQuery } from './dashboards.dto';
import { Operation } from '../http/openapi';
import { DashboardsService } from './dashboards.service';

/** Dashboards for district admins (every school) and school admins (their schools). */
@ApiTags('dashboards')
@ApiBearerAuth()
@Controller('dashboards')
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  @Roles('district_admin', 'school_admin')
  @Get('minutes')
  @Operation({ summary: 'Student minutes, grouped', description: 'Posted sessions’ student minutes on the dates asked for, grouped by `groupBy`, within the caller’s schools.', answer: MinutesDashboardReply, errors: [404, 503] })
  minutes(@CurrentActor() actor: Actor, @Query() query: MinutesDashboardQuery): Promise<MinutesDashboardReply> {
    return this.dashboards.minutes(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get('dosage')
  @Operation({ summary: 'Planned against delivered minutes per student', description: 'One page of students (by name, then id) with their planned and delivered minutes, and the totals.', answer: DosageDashboardReply, errors: [404, 503] })
  dosage(@CurrentActor() actor: Actor, @Query() query: DosageDashboardQuery): Promise<DosageDashboardReply> {
    return this.dashboards.dosage(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get('coaching')
  @Operation({ summary: 'Coaching minutes, grouped', description: 'Posted coaching sessions’ minutes, grouped by `groupBy`, within the caller’s schools.', answer: CoachingDashboardReply, errors: [404, 503] })
  coaching(@CurrentActor() actor: Actor, @Query() query: CoachingDashboardQuery): Promise<CoachingDashboardReply> {
    return this.dashboards.coaching(actor, query);
  }
}
