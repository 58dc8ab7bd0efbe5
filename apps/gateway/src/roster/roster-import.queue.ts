import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ChildProcess, fork } from 'node:child_process';
import { extname, join } from 'node:path';
import { Job, Queue, Worker } from 'bullmq';
import { isUuid, requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { backgroundWorkerSettings, redisOptionsFrom } from '@sessionledger/platform';
import { RosterImportFailure } from './roster-import.entity';
import { RunRosterImport } from './use-cases/run-roster-import.use-case';

export const ROSTER_IMPORT_QUEUE = 'gateway.roster-import';
/** A worker that died once may have been evicted with its node; one that died twice will die again. */
export const ROSTER_IMPORT_ATTEMPTS = 2;
const RETRY_DELAY_MS = 5_000;
/** The tail of the child's stderr kept to tell an out-of-memory death from another one. */
const STDERR_TAIL_CHARS = 4096;

/** The job's payload: which import of which district. */
export interface RosterImportJob {
  districtId: string;
  importId: string;
}

/** What the child says before it exits 0. */
export interface RosterChildReport {
  done: true;
  maxRssBytes: number;
}

class ImportWorkerDied extends Error {}

/**
 * The gateway's background queue for imports. The import itself never runs in
 * the process that serves HTTP: each job forks a child process with its own
 * heap limit (ROSTER_IMPORT_MAX_HEAP_MB), which bootstraps persistence and runs
 * RunRosterImport. A hostile or simply huge roster can then only kill that
 * child: the job fails, is tried once more, and after the second death the
 * import is marked failed with a reason the admin can read, while the API
 * keeps answering. The job never returns to the queue on its own after that,
 * so a restart cannot pick it up again and die with it.
 *
 * Any replica may run a job (the files are in PostgreSQL); one import at a time
 * per replica. A replica that dies with its child leaves the job stalled: it
 * is re-run once (maxStalledCount 1) and failed for good the next time.
 */
@Injectable()
export class RosterImportQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RosterImportQueue.name);
  private queue?: Queue<RosterImportJob>;
  private worker?: Worker<RosterImportJob>;
  private readonly children = new Set<ChildProcess>();

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
      ...backgroundWorkerSettings(ROSTER_IMPORT_ATTEMPTS),
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, 'roster import worker error'));
    // Jobs failed without this worker's processor having run (stalled too often, started too often) still close their import.
    this.worker.on('failed', (job, error) => void this.afterFailure(job, error));
  }

  async enqueue(job: RosterImportJob): Promise<void> {
    if (!this.queue) throw new Error('the roster import queue is not started');
    await this.queue.add('run', job, {
      jobId: job.importId,
      attempts: ROSTER_IMPORT_ATTEMPTS,
      backoff: { type: 'fixed', delay: RETRY_DELAY_MS },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  /** Process ids of the import children running now (operators and tests). */
  runningChildren(): number[] {
    return [...this.children].map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  }

  private async handle(job: Job<RosterImportJob>): Promise<void> {
    const { districtId, importId } = job.data ?? ({} as RosterImportJob);
    if (!isUuid(districtId) || !isUuid(importId)) {
      this.logger.error({ jobId: job.id }, 'roster import job without a valid district and import id; dropped');
      return;
    }
    const attempt = Math.max(job.attemptsMade + 1, job.attemptsStarted);
    await requestContext.run({ correlationId: importId, districtId, messageId: String(job.id) }, async () => {
      try {
        const report = await this.runChild(districtId, importId);
        this.logger.log({ importId, attempt, childMaxRssBytes: report.maxRssBytes }, 'roster import worker finished');
      } catch (error) {
        const reason = (error as Error).message;
        const final = attempt >= ROSTER_IMPORT_ATTEMPTS;
        this.logger.error({ importId, attempt, final, err: { message: reason } }, 'roster import worker died');
        if (final) await this.runImport.markFailed(districtId, importId, diedFailure(reason, attempt));
        else await this.runImport.markRetrying(districtId, importId, `the worker of attempt ${attempt} stopped (${reason}); trying once more`);
        throw error;
      }
    });
  }

  private async afterFailure(job: Job<RosterImportJob> | undefined, error: Error): Promise<void> {
    if (!job || !isUuid(job.data?.districtId) || !isUuid(job.data?.importId)) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      const reason = /(stalled|started) more than allowable limit/.test(error.message)
        ? 'the gateway process running it stopped answering (it died or was restarted) while the import ran'
        : error.message;
      await this.runImport.markFailed(job.data.districtId, job.data.importId, diedFailure(reason, Math.max(job.attemptsStarted, job.attemptsMade)));
    } catch (failure) {
      this.logger.error({ importId: job.data.importId, err: { message: (failure as Error).message } }, 'could not record the failed roster import');
    }
  }

  /**
   * Runs one import in a child process and resolves when it exits 0. Its
   * environment is this process's validated one, so a child sees the same
   * database and limits as the gateway that forked it.
   */
  private runChild(districtId: string, importId: string): Promise<RosterChildReport> {
    // Tests run this file from TypeScript; when the build is fresh they hand over the compiled child (test/compiled-roster-child.ts).
    // Not configuration (a built app always forks its own sibling): a hint from the test runner, read only when running as .ts.
    // eslint-disable-next-line no-restricted-properties
    const compiledForTests = extname(__filename) === '.ts' ? process.env.SL_TEST_COMPILED_ROSTER_CHILD : undefined;
    const typescript = extname(__filename) === '.ts' && !compiledForTests;
    const entry = compiledForTests ?? join(__dirname, `roster-import.child${extname(__filename)}`);
    const heap = this.env.ROSTER_IMPORT_MAX_HEAP_MB;
    const child = fork(entry, [districtId, importId], {
      execArgv: [...(typescript ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] : []), `--max-old-space-size=${heap}`],
      // Only the validated configuration: the child needs nothing else, and inherits no stray variable.
      env: {
        ...environmentVariables(this.env),
        ...(typescript ? { TS_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.json') } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.children.add(child);
    child.stdout?.pipe(process.stdout);
    // Kept, not echoed: a dying child's stderr (V8's out-of-memory report) goes to the log as one structured line,
    // rather than onto this process's stderr where a supervisor could take it for the gateway's own death.
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    let report: RosterChildReport | undefined;
    let childError: string | undefined;
    child.on('message', (message: RosterChildReport | { error: string }) => {
      if ('done' in message) report = message;
      else childError = message.error;
    });
    return new Promise((resolve, reject) => {
      child.once('error', (error) => {
        this.children.delete(child);
        reject(new ImportWorkerDied(`its worker process could not start (${error.message})`));
      });
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        if (code === 0 && report) return resolve(report);
        if (stderr) this.logger.error({ importId, code, signal, stderrTail: stderr }, 'roster import worker stderr');
        if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
          return reject(new ImportWorkerDied(`the import ran out of memory: its worker process reached its ${heap} MiB heap limit and died`));
        }
        if (signal) return reject(new ImportWorkerDied(`its worker process was killed (${signal})`));
        // The child's own message may quote SQL or row values: it goes to the log, not to the admin.
        if (childError) this.logger.error({ importId, err: { message: childError } }, 'roster import worker reported an error');
        reject(new ImportWorkerDied(`its worker process died (exit code ${code})`));
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // An import in flight is abandoned (its transaction rolls back) and retried by another replica.
    for (const child of this.children) child.kill('SIGTERM');
    await this.worker?.close();
    await this.queue?.close();
  }
}

function diedFailure(reason: string, attempts: number): RosterImportFailure {
  return {
    code: 'ROSTER.WORKER_DIED',
    message: `The import stopped and nothing was written: ${reason}. It was tried ${attempts} time${attempts === 1 ? '' : 's'} and will not be retried; check the files, or ask support with the import id.`,
  };
}

/** The validated environment as variables, so the child's own validation sees exactly what this process runs with. */
function environmentVariables(env: Environment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => [key, String(value)]),
  );
}
