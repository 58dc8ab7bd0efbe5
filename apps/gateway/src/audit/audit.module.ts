import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventQueries } from './audit-events.queries';
import { AuditLog, AuditRequestInterceptor } from './audit-log';

/** Global: the log is written from many features (auth, directory, sessions, exports, dashboards), each in its own module. */
@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [AuditLog, AuditEventQueries, { provide: APP_INTERCEPTOR, useClass: AuditRequestInterceptor }],
  exports: [AuditLog],
})
export class AuditModule {}
