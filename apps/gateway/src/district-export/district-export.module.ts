import { Module } from '@nestjs/common';
import { DistrictExportsController } from './district-export.controller';
import { DistrictExportQueue } from './district-export.queue';
import { DistrictExportsService } from './district-export.service';
import { DistrictExportStore } from './district-export.store';
import { RunDistrictExport } from './run-district-export';

/** District exports (portability) and family records requests: one job, two scopes (docs/district-export.md). */
@Module({
  controllers: [DistrictExportsController],
  providers: [DistrictExportStore, RunDistrictExport, DistrictExportQueue, DistrictExportsService],
})
export class DistrictExportModule {}
