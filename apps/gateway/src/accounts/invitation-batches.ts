import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Job, Queue, Worker } from 'bullmq';
import { Actor } from '@sessionledger/auth';
import { Conflict, isUuid, newId, NotFound, requestContext } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { GATEWAY_JOB_FINISHED } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { backgroundWorkerSettings, redisOptionsFrom } from '@sessionledger/platform';
import { AccountsService } from './accounts.service';

export const INVITATION_QUEUE = 'gateway.invitations';
/** A batch resumes where it stopped, so a retry sends nothing twice; a third start would only repeat a crash. */
const INVITATION_ATTEMPTS = 2;
/** Problems kept per batch; the counts carry the rest. */
const MAX_PROBLEMS = 1_000;

interface BatchJob {
  districtId: string;
  batchId: string;
}

interface BatchRow {
  id: string;
  roster_import_id: string;
  status: string;
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  problems: { kind: string; id: string; reason: string }[];
  created_at: Date;
  finished_at: Date | null;
}

export class InvitationBatchProgress {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'People the import created' }) total: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) sent: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Deactivated, or without an e-mail address; see problems' }) skipped: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed: number;
}

export class InvitationBatchProblem {
  @ApiProperty({ enum: ['staff', 'guardian', 'student'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reason: string;
}

export class InvitationBatchResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) rosterImportId: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ type: () => InvitationBatchProgress }) progress: InvitationBatchProgress;
  @ApiProperty({ type: [InvitationBatchProblem], description: `The first ${MAX_PROBLEMS.toLocaleString('en-US')} people not invited, and why` })
  problems: InvitationBatchProblem[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
}

type Person = { kind: 'staff' | 'guardian' | 'student'; id: string };

/**
 * Invites everyone one roster import created, as a BullMQ job on the
 * gateway's queue (any replica runs it; progress is in PostgreSQL, so any
 * replica answers for it). "Created by the import": rows carrying a sourced
 * id whose creation falls inside the import's run (imports of a district run
 * one after another, and hand-made rows carry no sourced id). A retried job
 * resumes: people already invited by this batch are not invited again.
 */
@Injectable()
export class InvitationBatches implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InvitationBatches.name);
  private queue?: Queue<BatchJob>;
  private worker?: Worker<BatchJob>;

  constructor(
    private readonly env: Environment,
    private readonly transactions: TenantTransactions,
    private readonly accounts: AccountsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.queue = new Queue<BatchJob>(INVITATION_QUEUE, { connection: redisOptionsFrom(this.env.REDIS_URL, 'commands'), prefix: this.env.REDIS_PREFIX });
    await this.queue.waitUntilReady();
    this.worker = new Worker<BatchJob>(INVITATION_QUEUE, (job) => this.handle(job), {
      connection: redisOptionsFrom(this.env.REDIS_URL, 'blocking'),
      prefix: this.env.REDIS_PREFIX,
      ...backgroundWorkerSettings(INVITATION_ATTEMPTS),
    });
    this.worker.on('error', (error) => this.logger.error({ err: { message: error.message } }, 'invitation worker error'));
    // Its last attempt failed: the batch stops where it is, and its starter is told.
    this.worker.on('failed', (job) => {
      if (!job || job.attemptsMade < INVITATION_ATTEMPTS || !isUuid(job.data?.districtId) || !isUuid(job.data?.batchId)) return;
      this.finish(job.data.districtId, job.data.batchId, 'failed').catch((error: Error) =>
        this.logger.error({ batchId: job.data.batchId, err: { message: error.message } }, 'could not mark the invitation batch failed'),
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }

  async start(actor: Actor, rosterImportId: string): Promise<InvitationBatchResponse> {
    const batchId = newId();
    await this.transactions.run(actor.districtId, async (em) => {
      const [found] = await em.execute<{ status: string; dry_run: boolean }[]>(`select status, dry_run from gateway.roster_import where id = ?`, [rosterImportId]);
      if (!found) throw new NotFound('roster import', rosterImportId);
      if (found.status !== 'succeeded' || found.dry_run) throw new Conflict('INVITATION.IMPORT_NOT_APPLIED', 'Only a finished import that was not a dry run created anyone to invite');
      await em.execute(`insert into gateway.invitation_batch (id, district_id, roster_import_id, requested_by) values (?, ?, ?, ?)`, [batchId, actor.districtId, rosterImportId, actor.userId]);
    });
    if (!this.queue) throw new Error('the invitation queue is not started');
    await this.queue.add('invite', { districtId: actor.districtId, batchId }, { jobId: batchId, attempts: INVITATION_ATTEMPTS, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 1000 });
    return this.get(actor, batchId);
  }

  get(actor: Actor, batchId: string): Promise<InvitationBatchResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = await em.execute<BatchRow[]>(`select * from gateway.invitation_batch where id = ?`, [batchId]);
      if (!row) throw new NotFound('invitation batch', batchId);
      return toResponse(row);
    });
  }

  private async handle(job: Job<BatchJob>): Promise<void> {
    const { districtId, batchId } = job.data ?? ({} as BatchJob);
    if (!isUuid(districtId) || !isUuid(batchId)) return;
    await requestContext.run({ correlationId: batchId, districtId, messageId: String(job.id) }, async () => {
      const { people, requestedBy } = await this.transactions.run(districtId, async (em) => {
        const [batch] = await em.execute<{ roster_import_id: string; requested_by: string; started_at: Date; finished_at: Date }[]>(
          `select b.roster_import_id, b.requested_by, i.started_at, i.finished_at
             from gateway.invitation_batch b join gateway.roster_import i on i.id = b.roster_import_id where b.id = ?`,
          [batchId],
        );
        const window = [batch.started_at, batch.finished_at];
        const rows = await em.execute<Person[]>(
          `select 'staff' as kind, id from gateway.app_user
            where sourced_id is not null and created_at between ? and ? and roles && array['district_admin','school_admin','provider','payroll']
           union all
           select 'guardian', id from gateway.guardian where sourced_id is not null and created_at between ? and ?
           union all
           select 'student', id from gateway.student where sourced_id is not null and created_at between ? and ?
           order by 1, 2`,
          [...window, ...window, ...window],
        );
        await em.execute(`update gateway.invitation_batch set status = 'running', total = ? where id = ?`, [rows.length, batchId]);
        return { people: rows, requestedBy: batch.requested_by };
      });
      // A retry resumes after the people this batch already counted.
      const [{ done }] = await this.transactions.run(districtId, (em) =>
        em.execute<{ done: number }[]>(`select sent + skipped + failed as done from gateway.invitation_batch where id = ?`, [batchId]),
      );
      for (const person of people.slice(done)) {
        const outcome = await this.accounts.inviteForBatch(districtId, requestedBy, person).then(
          (result) => result,
          (error: Error) => ({ failed: error.message }),
        );
        const column = 'sent' in outcome ? 'sent' : 'skipped' in outcome ? 'skipped' : 'failed';
        const reason = 'skipped' in outcome ? outcome.skipped : 'failed' in outcome ? outcome.failed : null;
        await this.transactions.run(districtId, (em) =>
          em.execute(
            `update gateway.invitation_batch set ${column} = ${column} + 1,
                    problems = case when ?::text is null or jsonb_array_length(problems) >= ${MAX_PROBLEMS} then problems else problems || jsonb_build_array(jsonb_build_object('kind', ?::text, 'id', ?::text, 'reason', ?::text)) end
              where id = ?`,
            [reason, person.kind, person.id, reason, batchId],
          ),
        );
        await job.updateProgress({ done: people.indexOf(person) + 1, total: people.length });
      }
      await this.finish(districtId, batchId, 'succeeded');
      this.logger.log({ batchId, total: people.length }, 'invitation batch finished');
    });
  }

  /** Ends the batch once, announcing it to its starter in the same transaction; a batch already ended stays as it ended. */
  private finish(districtId: string, batchId: string, status: 'succeeded' | 'failed'): Promise<void> {
    return this.transactions.run(districtId, async (em) => {
      const [ended] = await em.execute<{ requested_by: string; finished_at: Date }[]>(
        `update gateway.invitation_batch set status = ?, finished_at = now() where id = ? and status in ('queued', 'running') returning requested_by, finished_at`,
        [status, batchId],
      );
      if (!ended) return;
      recordEvent(em, GATEWAY_JOB_FINISHED, { districtId, kind: 'invitation-batch', jobId: batchId, status, startedBy: ended.requested_by, finishedAt: new Date(ended.finished_at).toISOString() });
    });
  }
}

function toResponse(row: BatchRow): InvitationBatchResponse {
  return {
    id: row.id,
    rosterImportId: row.roster_import_id,
    status: row.status,
    progress: { total: row.total, sent: row.sent, skipped: row.skipped, failed: row.failed },
    problems: row.problems,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}
