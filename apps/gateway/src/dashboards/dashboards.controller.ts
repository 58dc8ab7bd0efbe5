import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { CoachingDashboardReply, DosageDashboardReply, MinutesDashboardReply } from '@sessionledger/contracts';
import { CoachingDashboardQuery, DosageDashboardQuery, MinutesDashboardQuery } from './dashboards.dto';
import { DashboardsService } from './dashboards.service';

/** Dashboards for district admins (every school) and school admins (their schools). */
@ApiTags('dashboards')
@ApiBearerAuth()
@Controller('dashboards')
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  @Roles('district_admin', 'school_admin')
  @Get('minutes')
  minutes(@CurrentActor() actor: Actor, @Query() query: MinutesDashboardQuery): Promise<MinutesDashboardReply> {
    return this.dashboards.minutes(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get('dosage')
  dosage(@CurrentActor() actor: Actor, @Query() query: DosageDashboardQuery): Promise<DosageDashboardReply> {
    return this.dashboards.dosage(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get('coaching')
  coaching(@CurrentActor() actor: Actor, @Query() query: CoachingDashboardQuery): Promise<CoachingDashboardReply> {
    return this.dashboards.coaching(actor, query);
  }
}
