import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { NotFound, Page, pageOf } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { RosterImportListQuery, RosterImportResponse, RosterImportSummary } from './roster.dto';
import { RosterImport } from './roster-import.entity';

export function toRosterImportResponse(record: RosterImport): RosterImportResponse {
  return {
    id: record.id,
    status: record.status,
    dryRun: record.dryRun,
    source: record.source,
    files: record.fileNames,
    version: record.onerosterVersion ?? null,
    progress: record.progress,
    counts: record.counts,
    errorCount: record.errorCount,
    errors: record.errors,
    notices: record.notices,
    failure: record.failure ?? null,
    requestedBy: record.requestedBy ?? null,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class RosterImportQueries {
  constructor(private readonly transactions: TenantTransactions) {}

  /** Another district's import answers 404, like a missing one. */
  get(actor: Actor, importId: string): Promise<RosterImportResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const record = await em.findOne(RosterImport, { id: importId });
      if (!record) throw new NotFound('roster import', importId);
      return toRosterImportResponse(record);
    });
  }

  list(actor: Actor, query: RosterImportListQuery): Promise<Page<RosterImportSummary>> {
    return this.transactions.run(actor.districtId, async (em) => {
      // An import changes when it is created, starts and finishes; those instants stand in for an updated_at.
      const since = query.updatedSince ? new Date(query.updatedSince) : undefined;
      const where = since ? { $or: [{ createdAt: { $gte: since } }, { startedAt: { $gte: since } }, { finishedAt: { $gte: since } }] } : {};
      const [records, total] = await em.findAndCount(RosterImport, where, {
        exclude: ['errors'],
        orderBy: { createdAt: 'desc', id: 'desc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      return pageOf(
        records.map((record) => {
          const { errors: _errors, ...summary } = toRosterImportResponse(record as RosterImport);
          return summary;
        }),
        total,
        query,
      );
    });
  }
}
