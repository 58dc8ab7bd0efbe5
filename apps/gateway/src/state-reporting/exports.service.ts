import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Actor } from '@sessionledger/auth';
import { NotFound, Page, SyncPageQuery } from '@sessionledger/common';
import {
  DisclosureReply,
  ExportFormat,
  ExportPageReply,
  ExportReply,
  GET_EXPORT,
  GET_EXPORT_CHUNK,
  LIST_DISCLOSURES,
  LIST_EXPORTS,
  START_EXPORT,
  StartExportBody,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog } from '../audit/audit-log';
import { School, Student } from '../directory/directory.entities';

export interface ExportDownload {
  format: ExportFormat;
  filename: string;
  body: Readable;
}

/**
 * State exports run in state reporting; the gateway checks what only it knows
 * (the school and the student are the district's) and streams a finished
 * export's file chunk by chunk, so neither side holds the whole file.
 */
@Injectable()
export class StateExportsService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  async start(actor: Actor, body: StartExportBody): Promise<ExportReply> {
    if (body.schoolId) await this.requireExisting(actor, School, 'school', body.schoolId);
    return this.bus.send(START_EXPORT, { actor: actor.snapshot(), body });
  }

  list(actor: Actor, query: SyncPageQuery): Promise<ExportPageReply> {
    return this.bus.send(LIST_EXPORTS, { actor: actor.snapshot(), updatedSince: query.updatedSince, page: query.page, pageSize: query.pageSize });
  }

  get(actor: Actor, exportId: string): Promise<ExportReply> {
    return this.bus.send(GET_EXPORT, { actor: actor.snapshot(), exportId });
  }

  /** The first chunk is fetched before answering, so a missing or unfinished export is a 404 or 409, not a broken stream. */
  async download(actor: Actor, exportId: string): Promise<ExportDownload> {
    const snapshot = actor.snapshot();
    const first = await this.bus.send(GET_EXPORT_CHUNK, { actor: snapshot, exportId, seq: 0 });
    // Which students the file holds is state reporting's to say (the export's disclosures): the entry names the export.
    await this.audit.recordApart(actor, [{ action: 'export.download', subjectType: 'state-export', subjectId: exportId, detail: { format: first.format } }]);
    const bus = this.bus;
    async function* chunks(): AsyncGenerator<string> {
      yield first.content;
      for (let seq = first.next; seq !== null; ) {
        const chunk = await bus.send(GET_EXPORT_CHUNK, { actor: snapshot, exportId, seq });
        yield chunk.content;
        seq = chunk.next;
      }
    }
    return { format: first.format, filename: `state-export-${exportId}.${first.format === 'csv' ? 'csv' : 'json'}`, body: Readable.from(chunks()) };
  }

  async disclosures(actor: Actor, studentId: string, query: SyncPageQuery): Promise<Page<DisclosureReply>> {
    await this.requireExisting(actor, Student, 'student', studentId);
    return this.bus.send(LIST_DISCLOSURES, {
      actor: actor.snapshot(),
      studentId,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  /** Another district's school or student is 404. */
  private async requireExisting(actor: Actor, entity: typeof School | typeof Student, name: string, id: string): Promise<void> {
    const exists = await this.transactions.run(actor.districtId, (em) => em.count(entity, { id }));
    if (!exists) throw new NotFound(name, id);
  }
}
