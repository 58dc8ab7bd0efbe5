import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  COACHING_DASHBOARD,
  CoachingDashboardCommand,
  CoachingDashboardReply,
  DOSAGE_DASHBOARD,
  DosageDashboardCommand,
  DosageDashboardReply,
  MINUTES_DASHBOARD,
  MinutesDashboardCommand,
  MinutesDashboardReply,
} from '@sessionledger/contracts';
import { DashboardQueries } from './dashboards.queries';

/** Dashboards: minutes, dosage and coaching time over current posted versions. */
@Controller()
export class DashboardsController {
  constructor(private readonly queries: DashboardQueries) {}

  @MessagePattern(MINUTES_DASHBOARD.pattern)
  minutes(@Payload() command: MinutesDashboardCommand): Promise<MinutesDashboardReply> {
    return this.queries.minutes(command);
  }

  @MessagePattern(DOSAGE_DASHBOARD.pattern)
  dosage(@Payload() command: DosageDashboardCommand): Promise<DosageDashboardReply> {
    return this.queries.dosage(command);
  }

  @MessagePattern(COACHING_DASHBOARD.pattern)
  coaching(@Payload() command: CoachingDashboardCommand): Promise<CoachingDashboardReply> {
    return this.queries.coaching(command);
  }
}
