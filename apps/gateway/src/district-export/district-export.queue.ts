import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Environment } from '@sessionledger/config';
import { ExportJob, ExportJobQueue } from '@sessionledger/platform';
import { DistrictExportStore } from './district-export.store';
import { RunDistrictExport } from './run-district-export';

export const DISTRICT_EXPORT_QUEUE = 'gateway.district-exports';
/** A second failure (or death) is not bad luck: the export is failed for good rather than retried forever. */
export const DISTRICT_EXPORT_ATTEMPTS = 2;

/** The gateway's queue of district exports and records requests (the shared export job rules: `ExportJobQueue`). */
@Injectable()
export class DistrictExportQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly jobs: ExportJobQueue;

  constructor(env: Environment, runExport: RunDistrictExport, store: DistrictExportStore) {
    this.jobs = new ExportJobQueue(
      { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
      {
        queueName: DISTRICT_EXPORT_QUEUE,
        what: 'district export',
        attempts: DISTRICT_EXPORT_ATTEMPTS,
        run: ({ districtId, exportId }, progress) => runExport.execute(districtId, exportId, progress),
        markFailed: ({ districtId, exportId }, reason) => store.markFailed(districtId, exportId, reason),
        failedReason: `The export failed; it was tried ${DISTRICT_EXPORT_ATTEMPTS} times (a service did not answer, or a table could not be read). Start a new one, or ask support with the export id.`,
        diedReason: `The export failed: the process running it died (out of memory, or stopped) ${DISTRICT_EXPORT_ATTEMPTS} times, so it will not be retried. Start a new one, or ask support with the export id.`,
      },
    );
  }

  onModuleInit(): Promise<void> {
    return this.jobs.start();
  }

  enqueue(job: ExportJob): Promise<void> {
    return this.jobs.enqueue(job);
  }

  onApplicationShutdown(): Promise<void> {
    return this.jobs.stop();
  }
}
