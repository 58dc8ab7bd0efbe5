import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, DomainError, newId, NotFound, Page, pageOf, ValidationFailed } from '@sessionledger/common';
import { DISPOSE_PAY, DISPOSE_SESSIONS, DISPOSE_STATE_EXPORTS, DisposalReply, DisposeRecordsCommand, MAX_ACTIVE_LEGAL_HOLDS, RECORD_CLASSES, RecordClass } from '@sessionledger/contracts';
import { localDate } from '@sessionledger/session-rules';
import { ServiceBus } from '@sessionledger/messaging';
import { disposeInBatches, pgArray, TenantTransactions } from '@sessionledger/persistence';
import { District, School, Student } from '../directory/directory.entities';
import {
  DEFAULT_RETENTION_YEARS,
  DisposalReportReply,
  DisposalRunReply,
  DisposalStatus,
  LegalHoldQuery,
  LegalHoldReply,
  LegalHoldSubject,
  PlaceLegalHoldBody,
  ReleaseLegalHoldBody,
  RetentionPolicyBody,
  RetentionPolicyReply,
  RunDisposalBody,
} from './retention.dto';

/** Rows deleted per transaction by every class's disposal. */
export const DISPOSAL_BATCH_SIZE = 1000;

interface PolicyRow {
  sessions_years: number;
  pay_years: number;
  state_exports_years: number;
  audit_log_years: number;
  automatic: boolean;
  version: number;
  updated_at: Date;
  updated_by: string;
}

interface HoldRow {
  id: string;
  subject_type: LegalHoldSubject;
  subject_id: string;
  reason: string;
  placed_by: string;
  placed_by_name: string;
  placed_at: Date;
  released_by: string | null;
  released_by_name: string | null;
  released_at: Date | null;
  release_reason: string | null;
}

interface ReportRow {
  id: string;
  run_id: string;
  record_class: RecordClass;
  retention_years: number;
  cutoff: string;
  status: DisposalStatus;
  disposed: number;
  held_back: number;
  active_holds: number;
  error: string | null;
  run_by: string;
  run_by_name: string;
  started_at: Date;
  finished_at: Date;
}

const POLICY_COLUMNS = 'sessions_years, pay_years, state_exports_years, audit_log_years, automatic, version, updated_at, updated_by';
const HOLD_COLUMNS = 'id, subject_type, subject_id, reason, placed_by, placed_by_name, placed_at, released_by, released_by_name, released_at, release_reason';
const REPORT_COLUMNS = `id, run_id, record_class, retention_years, to_char(cutoff, 'YYYY-MM-DD') AS cutoff, status, disposed, held_back, active_holds, error,
  run_by, run_by_name, started_at, finished_at`;

/** What the run knows before disposing of anything: the policy, the holds, each class's cutoff. */
interface DisposalPlan {
  years: Record<RecordClass, number>;
  cutoffs: Record<RecordClass, string>;
  timeZone: string;
  heldStudentIds: string[];
  heldSchoolIds: string[];
}

/**
 * A district's retention: years per record class, legal holds, and the
 * disposal run that deletes what is past retention and not held, class by
 * class, each class by the service that owns its rows, leaving one report
 * per class (docs/retention.md).
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly bus: ServiceBus,
  ) {}

  policy(actor: Actor): Promise<RetentionPolicyReply> {
    return this.transactions.run(actor.districtId, async (em) => policyReply(await this.policyRow(em)));
  }

  setPolicy(actor: Actor, body: RetentionPolicyBody): Promise<RetentionPolicyReply> {
    // An amendment of a kept session re-prices its pay, and corrects what was sent to the state, against what they hold: both must still be there.
    const tooShort = (['pay', 'stateExports'] as const).filter((field) => body[field] < body.sessions);
    if (tooShort.length > 0) {
      throw new ValidationFailed(tooShort.map((field) => ({ field, problems: [`${field} must be kept at least as long as sessions (${body.sessions} years)`] })));
    }
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = (await em.execute(
        `INSERT INTO gateway.retention_policy (district_id, sessions_years, pay_years, state_exports_years, audit_log_years, automatic, updated_by)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (district_id) DO UPDATE SET sessions_years = excluded.sessions_years, pay_years = excluded.pay_years,
            state_exports_years = excluded.state_exports_years, audit_log_years = excluded.audit_log_years, automatic = excluded.automatic,
            version = retention_policy.version + 1, updated_at = now(), updated_by = excluded.updated_by
          RETURNING ${POLICY_COLUMNS}`,
        [actor.districtId, body.sessions, body.pay, body.stateExports, body.auditLog, body.automatic ?? false, actor.userId],
      )) as PolicyRow[];
      this.logger.log({ actorId: actor.userId, ...body, version: row.version }, 'retention policy changed');
      return policyReply(row);
    });
  }

  placeHold(actor: Actor, body: PlaceLegalHoldBody): Promise<LegalHoldReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      // Another district's student or school is as unknown as a missing one.
      const exists = body.subjectType === 'student' ? await em.count(Student, { id: body.subjectId }) : await em.count(School, { id: body.subjectId });
      if (!exists) throw new NotFound(body.subjectType, body.subjectId);
      await em.execute(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`legal-holds:${actor.districtId}`]);
      const [{ active }] = (await em.execute(`SELECT count(*)::int AS active FROM gateway.legal_hold WHERE released_at IS NULL`)) as { active: number }[];
      if (active >= MAX_ACTIVE_LEGAL_HOLDS) {
        throw new Conflict('LEGAL_HOLD.LIMIT_REACHED', `A district may have at most ${MAX_ACTIVE_LEGAL_HOLDS} legal holds in force; release one first`, { limit: MAX_ACTIVE_LEGAL_HOLDS });
      }
      const [row] = (await em.execute(
        `INSERT INTO gateway.legal_hold (id, district_id, subject_type, subject_id, reason, placed_by, placed_by_name)
          VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${HOLD_COLUMNS}`,
        [newId(), actor.districtId, body.subjectType, body.subjectId, body.reason, actor.userId, actor.displayName],
      )) as HoldRow[];
      this.logger.log({ actorId: actor.userId, holdId: row.id, subjectType: row.subject_type }, 'legal hold placed');
      return holdReply(row);
    });
  }

  listHolds(actor: Actor, query: LegalHoldQuery): Promise<Page<LegalHoldReply>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const status = query.status ?? null;
      const since = query.updatedSince ?? null;
      // A hold changes once, when released.
      const where = `WHERE (?::text IS NULL OR (? = 'active') = (released_at IS NULL))
        AND (?::timestamptz IS NULL OR coalesce(released_at, placed_at) >= ?::timestamptz)`;
      const filters = [status, status, since, since];
      const [{ total }] = (await em.execute(`SELECT count(*)::int AS total FROM gateway.legal_hold ${where}`, filters)) as { total: number }[];
      const rows = (await em.execute(`SELECT ${HOLD_COLUMNS} FROM gateway.legal_hold ${where} ORDER BY placed_at DESC, id DESC LIMIT ? OFFSET ?`, [
        ...filters,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ])) as HoldRow[];
      return pageOf(rows.map(holdReply), total, query);
    });
  }

  hold(actor: Actor, id: string): Promise<LegalHoldReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = (await em.execute(`SELECT ${HOLD_COLUMNS} FROM gateway.legal_hold WHERE id = ?`, [id])) as HoldRow[];
      if (!row) throw new NotFound('legal hold', id);
      return holdReply(row);
    });
  }

  releaseHold(actor: Actor, id: string, body: ReleaseLegalHoldBody): Promise<LegalHoldReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [current] = (await em.execute(`SELECT ${HOLD_COLUMNS} FROM gateway.legal_hold WHERE id = ? FOR UPDATE`, [id])) as HoldRow[];
      if (!current) throw new NotFound('legal hold', id);
      if (current.released_at) throw new Conflict('LEGAL_HOLD.ALREADY_RELEASED', 'The legal hold was already released');
      const [row] = (await em.execute(
        `UPDATE gateway.legal_hold SET released_by = ?, released_by_name = ?, released_at = now(), release_reason = ? WHERE id = ? RETURNING ${HOLD_COLUMNS}`,
        [actor.userId, actor.displayName, body.reason, id],
      )) as HoldRow[];
      this.logger.log({ actorId: actor.userId, holdId: id }, 'legal hold released');
      return holdReply(row);
    });
  }

  /**
   * Disposes of each class asked for, one after the other, and records a
   * report per class whatever happened: a class that fails does not stop the
   * next, and its report says why.
   */
  async runDisposal(actor: Actor, body: RunDisposalBody): Promise<DisposalRunReply> {
    const runId = newId();
    const plan = await this.plan(actor.districtId);
    const reports: DisposalReportReply[] = [];
    for (const recordClass of RECORD_CLASSES.filter((c) => !body.recordClasses || body.recordClasses.includes(c))) {
      const startedAt = new Date();
      let status: DisposalStatus = 'completed';
      let outcome: DisposalReply = { disposed: 0, heldBack: 0 };
      let error: string | null = null;
      try {
        outcome = await this.disposeClass(actor, recordClass, plan);
      } catch (failure) {
        status = 'failed';
        // A database error's text carries the statement and its parameters (held students): the report says only where to look.
        error = failure instanceof DomainError ? failure.message.slice(0, 1000) : `disposal of ${recordClass} failed; the gateway log has the cause (run ${runId})`;
        this.logger.error({ recordClass, runId, err: failure }, 'disposal failed');
      }
      const row = await this.transactions.run(actor.districtId, async (em) => {
        const [inserted] = (await em.execute(
          `INSERT INTO gateway.retention_disposal (id, district_id, run_id, record_class, retention_years, cutoff, status, disposed, held_back, active_holds,
              error, run_by, run_by_name, started_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${REPORT_COLUMNS}`,
          [
            newId(), actor.districtId, runId, recordClass, plan.years[recordClass], plan.cutoffs[recordClass], status, outcome.disposed, outcome.heldBack,
            plan.heldStudentIds.length + plan.heldSchoolIds.length, error, actor.userId, actor.displayName, startedAt, new Date(),
          ],
        )) as ReportRow[];
        return inserted;
      });
      this.logger.log({ runId, recordClass, status, disposed: outcome.disposed, heldBack: outcome.heldBack }, 'disposal recorded');
      reports.push(reportReply(row));
    }
    return { runId, reports };
  }

  listDisposals(actor: Actor, query: { page: number; pageSize: number; updatedSince?: string }): Promise<Page<DisposalReportReply>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const since = query.updatedSince ?? null;
      // A report is written once, when its class is done.
      const where = `WHERE (?::timestamptz IS NULL OR finished_at >= ?::timestamptz)`;
      const [{ total }] = (await em.execute(`SELECT count(*)::int AS total FROM gateway.retention_disposal ${where}`, [since, since])) as { total: number }[];
      const rows = (await em.execute(`SELECT ${REPORT_COLUMNS} FROM gateway.retention_disposal ${where} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`, [
        since,
        since,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ])) as ReportRow[];
      return pageOf(rows.map(reportReply), total, query);
    });
  }

  /** The cutoff of each class: today in the district's time zone, less its years (29 February falls back to the 28th). */
  private plan(districtId: string): Promise<DisposalPlan> {
    return this.transactions.run(districtId, async (em) => {
      const district = await em.findOneOrFail(District, { id: districtId });
      const years = policyYears(await this.policyRow(em));
      const today = localDate(new Date(), district.timeZone);
      const [cutoffs] = (await em.execute(
        `SELECT to_char(?::date - make_interval(years => ?), 'YYYY-MM-DD') AS sessions, to_char(?::date - make_interval(years => ?), 'YYYY-MM-DD') AS pay,
          to_char(?::date - make_interval(years => ?), 'YYYY-MM-DD') AS "stateExports", to_char(?::date - make_interval(years => ?), 'YYYY-MM-DD') AS "auditLog"`,
        [today, years.sessions, today, years.pay, today, years.stateExports, today, years.auditLog],
      )) as Record<RecordClass, string>[];
      const holds = (await em.execute(`SELECT DISTINCT subject_type, subject_id FROM gateway.legal_hold WHERE released_at IS NULL`)) as Pick<HoldRow, 'subject_type' | 'subject_id'>[];
      return {
        years,
        cutoffs,
        timeZone: district.timeZone,
        heldStudentIds: holds.filter((h) => h.subject_type === 'student').map((h) => h.subject_id),
        heldSchoolIds: holds.filter((h) => h.subject_type === 'school').map((h) => h.subject_id),
      };
    });
  }

  private async disposeClass(actor: Actor, recordClass: RecordClass, plan: DisposalPlan): Promise<DisposalReply> {
    const command: DisposeRecordsCommand = {
      actor: actor.snapshot(),
      before: plan.cutoffs[recordClass],
      heldStudentIds: plan.heldStudentIds,
      heldSchoolIds: plan.heldSchoolIds,
      batchSize: DISPOSAL_BATCH_SIZE,
    };
    switch (recordClass) {
      case 'sessions':
        return this.bus.send(DISPOSE_SESSIONS, command);
      case 'auditLog':
        return this.disposeAuditEvents(command, plan.timeZone);
      case 'pay':
        return this.bus.send(DISPOSE_PAY, command);
      case 'stateExports':
        return this.bus.send(DISPOSE_STATE_EXPORTS, command);
    }
  }

  /** The audit log is the gateway's own; it is append-only for the app role, so rows go through the owner's function. */
  private async disposeAuditEvents(command: DisposeRecordsCommand, timeZone: string): Promise<DisposalReply> {
    const districtId = command.actor.districtId;
    const before = [command.before, timeZone];
    const held = [pgArray(command.heldStudentIds), pgArray(command.heldSchoolIds)];
    const disposed = await disposeInBatches(this.transactions, districtId, command.batchSize, async (em) => {
      const [row] = (await em.execute(`SELECT gateway.dispose_audit_events((?::date)::timestamp AT TIME ZONE ?, ?::uuid[], ?::uuid[], ?) AS deleted`, [
        ...before,
        ...held,
        command.batchSize,
      ])) as { deleted: number }[];
      return row.deleted;
    });
    const heldBack = await this.transactions.run(districtId, async (em) => {
      const [row] = (await em.execute(`SELECT count(*)::int AS held FROM gateway.audit_event WHERE occurred_at < (?::date)::timestamp AT TIME ZONE ?`, before)) as { held: number }[];
      return row.held;
    });
    return { disposed, heldBack };
  }

  private async policyRow(em: EntityManager): Promise<PolicyRow | undefined> {
    const [row] = (await em.execute(
      `SELECT ${POLICY_COLUMNS} FROM gateway.retention_policy`,
    )) as PolicyRow[];
    return row;
  }
}

function policyYears(row: PolicyRow | undefined): Record<RecordClass, number> {
  if (!row) return { ...DEFAULT_RETENTION_YEARS };
  return { sessions: row.sessions_years, pay: row.pay_years, stateExports: row.state_exports_years, auditLog: row.audit_log_years };
}

function policyReply(row: PolicyRow | undefined): RetentionPolicyReply {
  return {
    ...policyYears(row),
    automatic: row?.automatic ?? false,
    configured: !!row,
    version: row?.version ?? 0,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    updatedBy: row?.updated_by ?? null,
  };
}

function holdReply(row: HoldRow): LegalHoldReply {
  return {
    id: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    reason: row.reason,
    status: row.released_at ? 'released' : 'active',
    placedBy: { id: row.placed_by, name: row.placed_by_name },
    placedAt: new Date(row.placed_at).toISOString(),
    releasedBy: row.released_by ? { id: row.released_by, name: row.released_by_name ?? '' } : null,
    releasedAt: row.released_at ? new Date(row.released_at).toISOString() : null,
    releaseReason: row.release_reason,
  };
}

function reportReply(row: ReportRow): DisposalReportReply {
  return {
    id: row.id,
    runId: row.run_id,
    recordClass: row.record_class,
    retentionYears: row.retention_years,
    cutoff: row.cutoff,
    status: row.status,
    disposed: row.disposed,
    heldBack: row.held_back,
    activeHolds: row.active_holds,
    error: row.error,
    runBy: { id: row.run_by, name: row.run_by_name },
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: new Date(row.finished_at).toISOString(),
  };
}
