import { Module } from '@nestjs/common';
import { RosterImporter } from './import/roster-importer';
import { RosterImportsController } from './roster.controller';
import { RosterImportQueries } from './roster-import.queries';
import { RosterImportQueue } from './roster-import.queue';
import { RosterUploadParser } from './roster-upload';
import { RunRosterImport } from './use-cases/run-roster-import.use-case';
import { StartRosterImport } from './use-cases/start-roster-import.use-case';

/** OneRoster CSV import into the directory: upload, background job, progress and result. */
@Module({
  controllers: [RosterImportsController],
  providers: [RosterImporter, RunRosterImport, StartRosterImport, RosterImportQueries, RosterImportQueue, RosterUploadParser],
})
export class RosterModule {}

/** What the operator command needs: the import itself, without the HTTP routes or the queue. */
@Module({
  providers: [RosterImporter, RunRosterImport],
  exports: [RosterImporter, RunRosterImport],
})
export class RosterImportCoreModule {}
