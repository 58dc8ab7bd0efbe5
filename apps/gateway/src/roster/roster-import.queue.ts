import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { isUuid, requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { redisOptionsFrom } from '@sessionledger/platform';
import { RunRosterImport } from './use-cases/run-roster-import.use-case';

export const ROSTER_IMPORT_QUEUE = 'gateway.roster-import';

/** The job's payload: which import of which district. */
export interface RosterImportJob {
  districtId: string;
  importId: string;
}

/**
 * The gateway's own background queue for imports. Any replica may run a job
 * (the files are in PostgreSQL); one import at a time per replica, since an
 * import keeps a connection and a core busy. A worker killed mid-import leaves
 * nothing written, and the job runs again after its lock expires.
 */
@Injectable()
export class RosterImportQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RosterImportQueue.name);
  private queue?: Queue<RosterImportJob>;
  private worker?: Worker<RosterImportJob>;

  constructor(
    private readonly env: Environment,
    private readonly runImport: RunRosterImport,
  ) {}

  async onModuleInit(): Promise<void> {
    this.queue = new Queue<RosterImportJob>(ROSTER_IMPORT_QUEUE, { connection: redisOptionsFrom(this.env.REDIS_URL, 'commands'), prefix: this.env.REDIS_PREFIX });
    await this.queue.waitUntilReady();
    this.worker = new Worker<RosterImportJob>(ROSTER_IMPORT_QUEUE, (job) => this.handle(job), {
      connection: redisOptionsFrom(this.env.REDIS_URL, 'blocking'),
      prefix: this.env.REDIS_PREFIX,
      concurrency: 1,
      lockDuration: 120_000,
      maxStalledCount: 5,
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, 'roster import worker error'));
  }

  async enqueue(job: RosterImportJob): Promise<void> {
    if (!this.queue) throw new Error('the roster import queue is not started');
    await this.queue.add('run', job, {
      jobId: job.importId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  private async handle(job: Job<RosterImportJob>): Promise<void> {
    const { districtId, importId } = job.data ?? ({} as RosterImportJob);
    if (!isUuid(districtId) || !isUuid(importId)) {
      this.logger.error({ jobId: job.id }, 'roster import job without a valid district and import id; dropped');
      return;
    }
    await requestContext.run({ correlationId: importId, districtId, messageId: String(job.id) }, () => this.runImport.execute(districtId, importId));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
