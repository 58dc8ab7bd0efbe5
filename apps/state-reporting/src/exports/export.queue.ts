import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { isUuid, requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { backgroundWorkerSettings, redisOptionsFrom } from '@sessionledger/platform';
import { ExportsStore } from './exports.store';
import { RunExport } from './run-export';

export const STATE_EXPORT_QUEUE = 'state-reporting.exports';
/** A second failure (or death) is not bad luck: the export is failed for good rather than retried forever. */
export const STATE_EXPORT_ATTEMPTS = 2;

/** The job's payload: which export of which district. */
export interface StateExportJob {
  districtId: string;
  exportId: string;
}

/**
 * State reporting's own queue of exports. Any replica may run a job (the file
 * goes to PostgreSQL); one export at a time per replica, since an export keeps
 * a connection and a core busy. A worker killed mid-export leaves nothing
 * written, and the job runs again after its lock expires, once: an export that
 * kills its process (out of memory) would otherwise kill every restart of it,
 * so a job is started at most twice, stalls and failures counted together,
 * and then the export reads `failed` with its reason.
 */
@Injectable()
export class StateExportQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StateExportQueue.name);
  private queue?: Queue<StateExportJob>;
  private worker?: Worker<StateExportJob>;

  constructor(
    private readonly env: Environment,
    private readonly runExport: RunExport,
    private readonly store: ExportsStore,
  ) {}

  async onModuleInit(): Promise<void> {
    this.queue = new Queue<StateExportJob>(STATE_EXPORT_QUEUE, { connection: redisOptionsFrom(this.env.REDIS_URL, 'commands'), prefix: this.env.REDIS_PREFIX });
    await this.queue.waitUntilReady();
    this.worker = new Worker<StateExportJob>(STATE_EXPORT_QUEUE, (job) => this.handle(job), {
      connection: redisOptionsFrom(this.env.REDIS_URL, 'blocking'),
      prefix: this.env.REDIS_PREFIX,
      ...backgroundWorkerSettings(STATE_EXPORT_ATTEMPTS),
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, 'state export worker error'));
    // A job failed by the stalled check or the start limit never reached handle(): its export is closed here.
    this.worker.on('failed', (job, error) => void this.afterFailure(job, error));
  }

  async enqueue(job: StateExportJob): Promise<void> {
    if (!this.queue) throw new Error('the state export queue is not started');
    await this.queue.add('run', job, {
      jobId: job.exportId,
      attempts: STATE_EXPORT_ATTEMPTS,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  private async handle(job: Job<StateExportJob>): Promise<void> {
    const { districtId, exportId } = job.data ?? ({} as StateExportJob);
    if (!isUuid(districtId) || !isUuid(exportId)) {
      this.logger.error({ jobId: job.id }, 'state export job without a valid district and export id; dropped');
      return;
    }
    await requestContext.run({ correlationId: exportId, districtId, messageId: String(job.id) }, async () => {
      try {
        await this.runExport.execute(districtId, exportId, (percent) => job.updateProgress(percent));
      } catch (error) {
        // The message may quote row values; the export keeps a plain one, the log the detail.
        this.logger.error({ exportId, attempt: job.attemptsMade + 1, err: { message: (error as Error).message } }, 'state export failed');
        if (Math.max(job.attemptsMade + 1, job.attemptsStarted) >= STATE_EXPORT_ATTEMPTS) {
          await this.store.markFailed(districtId, exportId, `The export failed; it was tried ${STATE_EXPORT_ATTEMPTS} times. Start a new one, or ask support with the export id.`);
        }
        throw error;
      }
    });
  }

  private async afterFailure(job: Job<StateExportJob> | undefined, error: Error): Promise<void> {
    if (!job || !isUuid(job.data?.districtId) || !isUuid(job.data?.exportId)) return;
    if (!/(stalled|started) more than allowable limit/.test(error.message)) return;
    try {
      await this.store.markFailed(
        job.data.districtId,
        job.data.exportId,
        `The export failed: the process running it died (out of memory, or stopped) ${STATE_EXPORT_ATTEMPTS} times, so it will not be retried. Start a new one, or ask support with the export id.`,
      );
    } catch (failure) {
      this.logger.error({ exportId: job.data.exportId, err: { message: (failure as Error).message } }, 'could not record the failed state export');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
