import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, JobsOptions, Queue, Worker } from 'bullmq';
import { Environment } from '@sessionledger/config';
import { redisOptionsFrom } from '@sessionledger/platform';

export const REMINDER_QUEUE = 'scheduling.reminders';

export type ReminderKind = 'reminder' | 'escalation';

/** A reminder job's payload: the tenant, the task, and which notification it may create. */
export interface ReminderJob {
  districtId: string;
  taskId: string;
  kind: ReminderKind;
}

/** What the worker decided: done (created or nothing owed), or try again at `retryAt`. */
export type ReminderOutcome = { retryAt: Date } | 'done';

/**
 * One job per task, kind and due date, so adding it again (the event
 * redelivered, the sweep) finds the existing job instead of a second one.
 * BullMQ forbids ':' in custom ids.
 */
export function reminderJobId(job: ReminderJob, dueAt: Date): string {
  return `${job.kind === 'reminder' ? 'remind' : 'escalate'}-${job.taskId}-${dueAt.getTime()}`;
}

const JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  // Removed once done, so a task reopened later can have its job added again under the same id.
  removeOnComplete: true,
  removeOnFail: { age: 14 * 24 * 3600 },
};

/**
 * The delayed jobs of reminders and escalations, on scheduling's own queue.
 * Delayed jobs live in Redis, so they outlast a restart of the service; the
 * sweep re-adds what Redis lost. The handler is set by the reminders service.
 */
@Injectable()
export class ReminderJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReminderJobs.name);
  private readonly queue: Queue<ReminderJob>;
  private worker?: Worker<ReminderJob>;
  private handler?: (job: ReminderJob) => Promise<ReminderOutcome>;

  constructor(private readonly env: Environment) {
    this.queue = new Queue<ReminderJob>(REMINDER_QUEUE, { connection: redisOptionsFrom(env.REDIS_URL, 'commands'), prefix: env.REDIS_PREFIX });
  }

  handleWith(handler: (job: ReminderJob) => Promise<ReminderOutcome>): void {
    this.handler = handler;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.waitUntilReady();
    this.worker = new Worker<ReminderJob>(REMINDER_QUEUE, (job, token) => this.process(job, token), {
      connection: redisOptionsFrom(this.env.REDIS_URL, 'blocking'),
      prefix: this.env.REDIS_PREFIX,
      concurrency: 4,
    });
    this.worker.on('failed', (job, error) => this.logger.warn({ jobId: job?.id, districtId: job?.data.districtId, reason: error.message }, 'reminder job failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }

  /** Adds the job to run at `runAt` (now, if past); an existing job under the same id is left as it is. */
  async schedule(job: ReminderJob, dueAt: Date, runAt: Date): Promise<void> {
    await this.queue.add(job.kind, job, { ...JOB_OPTIONS, jobId: reminderJobId(job, dueAt), delay: Math.max(0, runAt.getTime() - Date.now()) });
  }

  /** Runs an owed job now: its delayed copy is promoted, a failed one retried, a lost one added again. */
  async runNow(job: ReminderJob, dueAt: Date): Promise<void> {
    const existing = await this.queue.getJob(reminderJobId(job, dueAt));
    if (!existing) return this.schedule(job, dueAt, new Date());
    const state = await existing.getState();
    if (state === 'delayed') await existing.promote();
    else if (state === 'failed') await existing.retry('failed');
  }

  private async process(job: Job<ReminderJob>, token?: string): Promise<void> {
    if (!this.handler) throw new Error('reminder jobs have no handler yet');
    const outcome = await this.handler(job.data);
    if (outcome === 'done') return;
    // Not owed yet (the district lengthened its delay): the same job waits until then.
    await job.moveToDelayed(outcome.retryAt.getTime(), token);
    throw new DelayedError();
  }
}
