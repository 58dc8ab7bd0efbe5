import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { isUuid, requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { backgroundWorkerSettings, redisOptionsFrom } from '@sessionledger/platform';
import { DistrictExportStore } from './district-export.store';
import { RunDistrictExport } from './run-district-export';

export const DISTRICT_EXPORT_QUEUE = 'gateway.district-exports';
/** A second failure (or death) is not bad luck: the export is failed for good rather than retried forever. */
export const DISTRICT_EXPORT_ATTEMPTS = 2;

export interface DistrictExportJob {
  districtId: string;
  exportId: string;
}

/**
 * The gateway's queue of district exports and records requests, like state
 * reporting's exports: any replica runs a job (the zip goes to PostgreSQL),
 * one at a time per replica; a job is started at most twice, stalls and
 * failures counted together, and then the export reads `failed` with its reason.
 */
@Injectable()
export class DistrictExportQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DistrictExportQueue.name);
  private queue?: Queue<DistrictExportJob>;
  private worker?: Worker<DistrictExportJob>;

  constructor(
    private readonly env: Environment,
    private readonly runExport: RunDistrictExport,
    private readonly store: DistrictExportStore,
  ) {}

  async onModuleInit(): Promise<void> {
    this.queue = new Queue<DistrictExportJob>(DISTRICT_EXPORT_QUEUE, { connection: redisOptionsFrom(this.env.REDIS_URL, 'commands'), prefix: this.env.REDIS_PREFIX });
    await this.queue.waitUntilReady();
    this.worker = new Worker<DistrictExportJob>(DISTRICT_EXPORT_QUEUE, (job) => this.handle(job), {
      connection: redisOptionsFrom(this.env.REDIS_URL, 'blocking'),
      prefix: this.env.REDIS_PREFIX,
      ...backgroundWorkerSettings(DISTRICT_EXPORT_ATTEMPTS),
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, 'district export worker error'));
    // A job failed by the stalled check or the start limit never reached handle(): its export is closed here.
    this.worker.on('failed', (job, error) => void this.afterFailure(job, error));
  }

  async enqueue(job: DistrictExportJob): Promise<void> {
    if (!this.queue) throw new Error('the district export queue is not started');
    await this.queue.add('run', job, {
      jobId: job.exportId,
      attempts: DISTRICT_EXPORT_ATTEMPTS,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  private async handle(job: Job<DistrictExportJob>): Promise<void> {
    const { districtId, exportId } = job.data ?? ({} as DistrictExportJob);
    if (!isUuid(districtId) || !isUuid(exportId)) {
      this.logger.error({ jobId: job.id }, 'district export job without a valid district and export id; dropped');
      return;
    }
    await requestContext.run({ correlationId: exportId, districtId, messageId: String(job.id) }, async () => {
      try {
        await this.runExport.execute(districtId, exportId, (percent) => job.updateProgress(percent));
      } catch (error) {
        // The message may quote row values or SQL; the export keeps a plain one, the log the detail.
        this.logger.error({ exportId, attempt: job.attemptsMade + 1, err: { message: (error as Error).message } }, 'district export failed');
        if (Math.max(job.attemptsMade + 1, job.attemptsStarted) >= DISTRICT_EXPORT_ATTEMPTS) {
          await this.store.markFailed(
            districtId,
            exportId,
            `The export failed; it was tried ${DISTRICT_EXPORT_ATTEMPTS} times (a service did not answer, or a table could not be read). Start a new one, or ask support with the export id.`,
          );
        }
        throw error;
      }
    });
  }

  private async afterFailure(job: Job<DistrictExportJob> | undefined, error: Error): Promise<void> {
    if (!job || !isUuid(job.data?.districtId) || !isUuid(job.data?.exportId)) return;
    if (!/(stalled|started) more than allowable limit/.test(error.message)) return;
    try {
      await this.store.markFailed(
        job.data.districtId,
        job.data.exportId,
        `The export failed: the process running it died (out of memory, or stopped) ${DISTRICT_EXPORT_ATTEMPTS} times, so it will not be retried. Start a new one, or ask support with the export id.`,
      );
    } catch (failure) {
      this.logger.error({ exportId: job.data.exportId, err: { message: (failure as Error).message } }, 'could not record the failed district export');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
