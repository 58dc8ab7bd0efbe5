import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Environment } from '@sessionledger/config';
import { AuditLogModule } from '../audit/audit.module';
import { RosterImporter } from './import/roster-importer';
import { RosterImportsController } from './roster.controller';
import { RosterImportQueries } from './roster-import.queries';
import { RosterImportQueue } from './roster-import.queue';
import { installRouteBodyLimits, RosterUploadParser } from './roster-upload';
import { RunRosterImport } from './use-cases/run-roster-import.use-case';
import { StartRosterImport } from './use-cases/start-roster-import.use-case';

/** OneRoster CSV import into the directory: upload, background job, progress and result. */
@Module({
  controllers: [RosterImportsController],
  providers: [RosterImporter, RunRosterImport, StartRosterImport, RosterImportQueries, RosterImportQueue, RosterUploadParser],
})
export class RosterModule implements NestModule {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly env: Environment,
  ) {}

  /** Nest calls this before it registers the routes: the last moment the upload route's own body limit can be given to Fastify. */
  configure(_consumer: MiddlewareConsumer): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) installRouteBodyLimits(fastify, this.env);
  }
}

/** What the operator command needs: the import itself, without the HTTP routes or the queue. */
@Module({
  imports: [AuditLogModule],
  providers: [RosterImporter, RunRosterImport],
  exports: [RosterImporter, RunRosterImport],
})
export class RosterImportCoreModule {}
