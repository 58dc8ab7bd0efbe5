import type { WorkerOptions } from 'bullmq';

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
