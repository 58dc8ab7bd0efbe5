import { Logger } from '@nestjs/common';
import { Job, Queue, Worker, type WorkerOptions } from 'bullmq';
import { isUuid, requestContext } from '@sessionledger/common';
import { redisOptionsFrom } from './redis';

/**
 * Settings every heavy background worker (roster imports, state exports,
 * invitation batches) shares, so a job that kills or stalls its worker is
 * failed for good after `attempts` starts instead of crash-looping a service:
 * one job at a time per replica, a stall counts as a start, and BullMQ never
 * starts the job more often than it may be attempted.
 */
export function backgroundWorkerSettings(attempts: number): Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'maxStalledCount' | 'maxStartedAttempts'> {
  return { concurrency: 1, lockDuration: 120_000, maxStalledCount: 1, maxStartedAttempts: attempts };
}

/** A job that makes one export of one district (a state export, a district export or records request). */
export interface ExportJob {
  districtId: string;
  /** The export the job makes; also the job's id, so enqueuing it twice runs it once. */
  exportId: string;
}

export interface ExportJobQueueSpec {
  /** The BullMQ queue's name, `<service>.<what>`. */
  queueName: string;
  /** What a job makes, for logs: "state export". */
  what: string;
  /** Starts (failures and deaths together) before the job is failed for good. */
  attempts: number;
  run(job: ExportJob, progress: (percent: number) => Promise<void>): Promise<void>;
  /** Records the export as failed for good with a reason its reader can act on. */
  markFailed(job: ExportJob, reason: string): Promise<void>;
  /** The reason when the last attempt threw (its message may quote row values or SQL: it goes to the log only). */
  failedReason: string;
  /** The reason when the process running it died (out of memory, killed) on every attempt. */
  diedReason: string;
}

/**
 * The queue and worker of a service's exports (state exports, district
 * exports): any replica runs a job (the file goes to PostgreSQL), one at a
 * time per replica, since an export keeps a connection and a core busy; a job
 * is started at most `attempts` times, stalls and failures counted together,
 * and then the export reads `failed` with a reason, rather than an export that
 * kills its process (out of memory) crash-looping every replica that takes it.
 */
export class ExportJobQueue {
  private readonly logger: Logger;
  private queue?: Queue<ExportJob>;
  private worker?: Worker<ExportJob>;

  constructor(
    private readonly redis: { url: string; prefix: string },
    private readonly spec: ExportJobQueueSpec,
  ) {
    this.logger = new Logger(`${spec.what} queue`);
  }

  async start(): Promise<void> {
    this.queue = new Queue<ExportJob>(this.spec.queueName, { connection: redisOptionsFrom(this.redis.url, 'commands'), prefix: this.redis.prefix });
    await this.queue.waitUntilReady();
    this.worker = new Worker<ExportJob>(this.spec.queueName, (job) => this.handle(job), {
      connection: redisOptionsFrom(this.redis.url, 'blocking'),
      prefix: this.redis.prefix,
      ...backgroundWorkerSettings(this.spec.attempts),
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, `${this.spec.what} worker error`));
    // A job failed by the stalled check or the start limit never reached handle(): its export is closed here.
    this.worker.on('failed', (job, error) => void this.afterFailure(job, error));
  }

  async enqueue(job: ExportJob): Promise<void> {
    if (!this.queue) throw new Error(`the ${this.spec.what} queue is not started`);
    await this.queue.add('run', job, {
      jobId: job.exportId,
      attempts: this.spec.attempts,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }

  private async handle(job: Job<ExportJob>): Promise<void> {
    const data = job.data ?? ({} as ExportJob);
    if (!isUuid(data.districtId) || !isUuid(data.exportId)) {
      this.logger.error({ jobId: job.id }, `${this.spec.what} job without a valid district and export id; dropped`);
      return;
    }
    await requestContext.run({ correlationId: data.exportId, districtId: data.districtId, messageId: String(job.id) }, async () => {
      try {
        await this.spec.run(data, (percent) => job.updateProgress(percent));
      } catch (error) {
        this.logger.error({ exportId: data.exportId, attempt: job.attemptsMade + 1, err: { message: (error as Error).message } }, `${this.spec.what} failed`);
        if (Math.max(job.attemptsMade + 1, job.attemptsStarted) >= this.spec.attempts) await this.spec.markFailed(data, this.spec.failedReason);
        throw error;
      }
    });
  }

  private async afterFailure(job: Job<ExportJob> | undefined, error: Error): Promise<void> {
    if (!job || !isUuid(job.data?.districtId) || !isUuid(job.data?.exportId)) return;
    if (!/(stalled|started) more than allowable limit/.test(error.message)) return;
    try {
      await this.spec.markFailed(job.data, this.spec.diedReason);
    } catch (failure) {
      this.logger.error({ exportId: job.data.exportId, err: { message: (failure as Error).message } }, `could not record the failed ${this.spec.what}`);
    }
  }
}
