import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, OPERATOR_ACTOR } from '../../audit/audit-log';
import { HeaderRefused } from '../oneroster/oneroster-files';
import { ImportProgress, RosterImporter, RosterOutcome, RosterRefused, RosterSource } from '../import/roster-importer';
import { storedSource } from '../import/roster-sources';
import { RosterImport, RosterImportFailure } from '../roster-import.entity';

const PROGRESS_INTERVAL_MS = 1000;

/**
 * Runs one queued import: marks it running, imports (all or nothing), and
 * records the outcome. A re-delivered job of a finished import does nothing;
 * one whose worker died mid-way starts again (its transaction rolled back).
 */
@Injectable()
export class RunRosterImport {
  private readonly logger = new Logger(RunRosterImport.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly importer: RosterImporter,
    private readonly audit: AuditLog,
  ) {}

  async execute(districtId: string, importId: string, openSource?: (em: EntityManager) => Promise<RosterSource>): Promise<RosterImport | undefined> {
    const record = await this.transactions.run(districtId, async (em) => {
      const found = await em.findOne(RosterImport, { id: importId }, { exclude: ['errors'] });
      if (!found || found.status === 'succeeded' || found.status === 'failed') return undefined;
      found.status = 'running';
      found.startedAt = new Date();
      found.progress = { phase: 'starting', rowsRead: 0 };
      await em.flush();
      return { dryRun: found.dryRun, requestedBy: found.requestedBy ?? null, source: found.source };
    });
    if (!record) return undefined;

    let lastProgress = 0;
    const onProgress = async (progress: ImportProgress) => {
      if (Date.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = Date.now();
      await this.transactions.run(districtId, (em) => em.nativeUpdate(RosterImport, { id: importId }, { progress }));
    };

    try {
      const outcome = await this.importer.run(districtId, openSource ?? ((em) => storedSource(em, importId)), {
        dryRun: record.dryRun,
        onProgress,
        beforeCommit: (em, outcome) => this.recordApplied(em, districtId, importId, record, outcome),
      });
      this.logger.log({ importId, errorCount: outcome.errorCount, dryRun: outcome.dryRun }, 'roster import finished');
      return await this.finish(districtId, importId, (found) => {
        found.status = 'succeeded';
        found.onerosterVersion = outcome.version;
        found.counts = outcome.counts;
        found.errorCount = outcome.errorCount;
        found.errors = outcome.errors;
        found.notices = distinct([...found.notices, ...outcome.notices]);
        found.progress = { phase: 'done', rowsRead: Object.values(outcome.counts.rowsRead).reduce((sum, n) => sum + n, 0) };
      });
    } catch (error) {
      const failure = describeFailure(error);
      this.logger.warn({ importId, code: failure.code, err: { message: (error as Error).message } }, 'roster import failed; nothing was written');
      return this.finish(districtId, importId, (found) => {
        found.status = 'failed';
        found.failure = failure;
        found.progress = { ...found.progress, phase: 'failed' };
      });
    }
  }

  /**
   * One entry for the whole import, in its transaction: the counts per entity
   * say what it changed, and the import (`GET /api/roster/imports/{id}`) keeps
   * the rows it refused. An entry per row would bury every other change of a
   * nightly roster sync.
   */
  private recordApplied(
    em: EntityManager,
    districtId: string,
    importId: string,
    record: { requestedBy: string | null; source: string },
    outcome: RosterOutcome,
  ): Promise<void> {
    const { schools, staff, students, guardians, groups, academicSessions, approvals, guardianLinks, memberships, skippedUsers } = outcome.counts;
    return this.audit.record(em, districtId, record.requestedBy ? { kind: 'user', id: record.requestedBy, name: null } : OPERATOR_ACTOR, [
      {
        action: 'directory.roster-import.apply',
        subjectType: 'roster-import',
        subjectId: importId,
        detail: {
          ...(record.requestedBy ? {} : { command: 'roster-import' }),
          source: record.source,
          onerosterVersion: outcome.version,
          counts: { schools, staff, students, guardians, groups, academicSessions, approvals, guardianLinks, memberships, skippedUsers },
          errorCount: outcome.errorCount,
        },
      },
    ]);
  }

  /**
   * Closes an import whose worker died for good (out of memory, killed): nothing
   * of it was written, since its transaction died with it. An import that did
   * finish is left as it is.
   */
  async markFailed(districtId: string, importId: string, failure: RosterImportFailure): Promise<void> {
    await this.transactions.run(districtId, async (em) => {
      const found = await em.findOne(RosterImport, { id: importId }, { exclude: ['errors'] });
      if (!found || found.status === 'succeeded' || found.status === 'failed') return;
      found.status = 'failed';
      found.failure = failure;
      found.progress = { ...found.progress, phase: 'failed' };
      found.finishedAt = new Date();
      await em.flush();
      await em.execute(`DELETE FROM gateway.roster_import_file WHERE import_id = ?`, [importId]);
    });
  }

  /** Says on the import why it is queued again, so an admin polling it sees the retry. */
  async markRetrying(districtId: string, importId: string, reason: string): Promise<void> {
    await this.transactions.run(districtId, (em) =>
      em.nativeUpdate(RosterImport, { id: importId, status: { $in: ['queued', 'running'] } }, { status: 'queued', progress: { phase: `retrying: ${reason}`, rowsRead: 0 } }),
    );
  }

  /** Records the end state; the uploaded files are removed with it (they hold personal data and are no longer needed). */
  private finish(districtId: string, importId: string, change: (record: RosterImport) => void): Promise<RosterImport> {
    return this.transactions.run(districtId, async (em) => {
      const found = await em.findOneOrFail(RosterImport, { id: importId });
      change(found);
      found.finishedAt = new Date();
      await em.flush();
      await em.execute(`DELETE FROM gateway.roster_import_file WHERE import_id = ?`, [importId]);
      return found;
    });
  }
}

/** The upload already judged the headers; the job judges them again and must not say it twice. */
function distinct<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeFailure(error: unknown): RosterImportFailure {
  if (error instanceof HeaderRefused) return { code: 'ROSTER.NOT_ONEROSTER', message: error.message, file: error.file };
  if (error instanceof RosterRefused) return { code: error.code, message: error.message, ...(error.file ? { file: error.file } : {}), ...(error.line ? { line: error.line } : {}) };
  // Anything else is the database's or the code's own message (it may quote SQL or row values): logged, never shown.
  return { code: 'ROSTER.IMPORT_FAILED', message: 'The import stopped on an unexpected error and nothing was written; ask support with the import id' };
}
