import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventQueries } from './audit-events.queries';
import { AuditLog, AuditRequestInterceptor } from './audit-log';

/**
 * The writer alone, global: the log is written from many features (auth,
 * directory, sessions, exports, dashboards), each in its own module, and from
 * the operator commands that build those modules without HTTP.
 */
@Global()
@Module({ providers: [AuditLog], exports: [AuditLog] })
export class AuditLogModule {}

/** The API's side: the search and CSV routes, and the interceptor that keeps each request's client address for its entries. */
@Module({
  imports: [AuditLogModule],
  controllers: [AuditEventsController],
  providers: [AuditEventQueries, { provide: APP_INTERCEPTOR, useClass: AuditRequestInterceptor }],
})
export class AuditModule {}
