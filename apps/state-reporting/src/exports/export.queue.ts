import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Environment } from '@sessionledger/config';
import { ExportJob, ExportJobQueue } from '@sessionledger/platform';
import { ExportsStore } from './exports.store';
import { RunExport } from './run-export';

export const STATE_EXPORT_QUEUE = 'state-reporting.exports';
/** A second failure (or death) is not bad luck: the export is failed for good rather than retried forever. */
export const STATE_EXPORT_ATTEMPTS = 2;

/** State reporting's own queue of exports (the shared export job rules: `ExportJobQueue`). */
@Injectable()
export class StateExportQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly jobs: ExportJobQueue;

  constructor(env: Environment, runExport: RunExport, store: ExportsStore) {
    this.jobs = new ExportJobQueue(
      { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
      {
        queueName: STATE_EXPORT_QUEUE,
        what: 'state export',
        attempts: STATE_EXPORT_ATTEMPTS,
        run: ({ districtId, exportId }, progress) => runExport.execute(districtId, exportId, progress),
        markFailed: ({ districtId, exportId }, reason) => store.markFailed(districtId, exportId, reason),
        failedReason: `The export failed; it was tried ${STATE_EXPORT_ATTEMPTS} times. Start a new one, or ask support with the export id.`,
        diedReason: `The export failed: the process running it died (out of memory, or stopped) ${STATE_EXPORT_ATTEMPTS} times, so it will not be retried. Start a new one, or ask support with the export id.`,
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
