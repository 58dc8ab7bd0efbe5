import { Module } from '@nestjs/common';
import { DashboardsController } from './dashboards.controller';
import { DashboardQueries } from './dashboards.queries';

@Module({
  controllers: [DashboardsController],
  providers: [DashboardQueries],
})
export class DashboardsModule {}
