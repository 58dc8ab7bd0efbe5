import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConfigModule } from '@sessionledger/config';
import { MessagingModule } from '@sessionledger/messaging';
import { PersistenceModule } from '@sessionledger/persistence';
import { PlatformModule } from '@sessionledger/platform';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CalendarModule } from './calendar/calendar.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import { DirectoryModule } from './directory/directory.module';
import { DistrictExportModule } from './district-export/district-export.module';
import { GATEWAY_PERSISTENCE } from './gateway.persistence';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { MeController } from './me/me.controller';
import { PreferencesController } from './me/preferences.controller';
import { NotificationsModule } from './notifications/notifications.module';
import { PayModule } from './pay/pay.module';
import { RetentionModule } from './retention/retention.module';
import { RosterModule } from './roster/roster.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { SessionsModule } from './sessions/sessions.module';
import { StateReportingModule } from './state-reporting/state-reporting.module';
import { SystemController } from './system/system.controller';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkOrdersModule } from './work-orders/work-orders.module';

@Module({
  imports: [
    ConfigModule,
    PlatformModule.forService('gateway'),
    PersistenceModule.forService(GATEWAY_PERSISTENCE),
    MessagingModule.forService('gateway', { client: true, outbox: true, inbox: true, dashboard: true }),
    AuditModule,
    AuthModule,
    DirectoryModule,
    DistrictExportModule,
    RosterModule,
    WorkOrdersModule,
    SessionsModule,
    SchedulingModule,
    CalendarModule,
    PayModule,
    StateReportingModule,
    DashboardsModule,
    NotificationsModule,
    AccountsModule,
    WebhooksModule,
    RetentionModule,
  ],
  controllers: [SystemController, MeController, PreferencesController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
})
export class GatewayModule {}
