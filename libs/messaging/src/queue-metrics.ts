import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { Environment } from '@sessionledger/config';
import { queuesWorkedBy, ServiceName } from '@sessionledger/contracts';
import { createRedis, Metrics } from '@sessionledger/platform';

/** A scrape must answer even when Redis does not: past this the queue figures are left out. */
export const QUEUE_FIGURES_TIMEOUT_MS = 1000;

export interface QueueFigures {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  oldestWaitingAgeSeconds: number;
}

/**
 * Each service's `/metrics` reports the queues its workers take jobs from:
 * depth by state and how long the oldest waiting job has been ready. Read from
 * Redis when Prometheus scrapes (a few round trips per queue), bounded by
 * QUEUE_FIGURES_TIMEOUT_MS so a Redis outage never hangs the scrape.
 */
export class QueueMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueueMetrics.name);
  private readonly queues: Queue[];
  private readonly redis: Redis;
  private removeHook?: () => void;

  constructor(
    service: ServiceName,
    env: Environment,
    private readonly metrics: Metrics,
  ) {
    this.redis = createRedis(env.REDIS_URL, 'commands', `${service}:queue-metrics`);
    // Without a listener ioredis prints every reconnect attempt; the scrape's figure says Redis is gone.
    this.redis.on('error', () => undefined);
    this.queues = queuesWorkedBy(service).map((name) => new Queue(name, { connection: this.redis, prefix: env.REDIS_PREFIX }));
    for (const queue of this.queues) queue.on('error', () => undefined);
  }

  onModuleInit(): void {
    this.removeHook = this.metrics.onScrape(() => this.record());
  }

  async onApplicationShutdown(): Promise<void> {
    this.removeHook?.();
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** The figures of every queue, or a rejection after `timeoutMs`. */
  async read(timeoutMs = QUEUE_FIGURES_TIMEOUT_MS): Promise<QueueFigures[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis gave no queue figures within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(this.queues.map((queue) => figuresOf(queue))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async record(): Promise<void> {
    let figures: QueueFigures[];
    try {
      figures = await this.read();
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'queue figures left out of this scrape');
      this.metrics.queueJobs.reset();
      this.metrics.queueOldestWaitingAge.reset();
      this.metrics.queueFiguresRead.set(0);
      return;
    }
    // Reset and set in one synchronous stretch, so a concurrent scrape never sees half the queues.
    this.metrics.queueJobs.reset();
    this.metrics.queueOldestWaitingAge.reset();
    for (const { queue, oldestWaitingAgeSeconds, ...states } of figures) {
      for (const [state, count] of Object.entries(states)) this.metrics.queueJobs.set({ queue, state }, count);
      this.metrics.queueOldestWaitingAge.set({ queue }, oldestWaitingAgeSeconds);
    }
    this.metrics.queueFiguresRead.set(1);
  }
}

async function figuresOf(queue: Queue): Promise<QueueFigures> {
  // Prioritized jobs wait just the same (a paused queue keeps its jobs in wait); an operator wants one figure.
  const [counts, [oldest]] = await Promise.all([
    queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
    queue.getJobs(['wait'], 0, 0, true),
  ]);
  // A delayed job (a scheduled reminder) has been ready only since its delay ended. BullMQ keeps no
  // "ready since" for a job back from a failed attempt: its age counts from its creation and reads high.
  const readySince = oldest ? oldest.timestamp + (oldest.delay ?? 0) : undefined;
  return {
    queue: queue.name,
    waiting: counts.wait + counts.prioritized,
    active: counts.active,
    delayed: counts.delayed,
    failed: counts.failed,
    oldestWaitingAgeSeconds: readySince === undefined ? 0 : Math.max(0, (Date.now() - readySince) / 1000),
  };
}
