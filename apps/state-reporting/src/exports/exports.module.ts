import { Module } from '@nestjs/common';
import { StateExportQueue } from './export.queue';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { ExportsStore } from './exports.store';
import { RunExport } from './run-export';

/** State exports (CSV and Ed-Fi JSON) as BullMQ jobs, their files, corrections and disclosures. */
@Module({
  controllers: [ExportsController],
  providers: [ExportsStore, RunExport, StateExportQueue, ExportsService],
})
export class ExportsModule {}
