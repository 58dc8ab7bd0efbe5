import { Injectable } from '@nestjs/common';
import { Conflict, invalid, NotFound, Page } from '@sessionledger/common';
import {
  DisclosureReply,
  ExportChunkReply,
  ExportPageReply,
  ExportReply,
  GetExportChunkCommand,
  GetExportCommand,
  ListDisclosuresCommand,
  ListExportsCommand,
  StartExportCommand,
} from '@sessionledger/contracts';
import { requireDistrictAdmin } from '../reporting-access';
import { StateExportQueue } from './export.queue';
import { ExportsStore, toExportReply } from './exports.store';

/** State exports and disclosures: district admins only (an export sends students' data out of the district). */
@Injectable()
export class ExportsService {
  constructor(
    private readonly store: ExportsStore,
    private readonly queue: StateExportQueue,
  ) {}

  async start({ actor, body }: StartExportCommand): Promise<ExportReply> {
    requireDistrictAdmin(actor);
    if (body.to < body.from) throw invalid('to', `must be on or after from (${body.from})`);
    const row = await this.store.create(actor, body);
    await this.queue.enqueue({ districtId: actor.districtId, exportId: row.id });
    return toExportReply(row);
  }

  async get({ actor, exportId }: GetExportCommand): Promise<ExportReply> {
    requireDistrictAdmin(actor);
    const row = await this.store.find(actor.districtId, exportId);
    if (!row) throw new NotFound('export', exportId);
    return toExportReply(row);
  }

  async list({ actor, page, pageSize, updatedSince }: ListExportsCommand): Promise<ExportPageReply> {
    requireDistrictAdmin(actor);
    const { rows, total } = await this.store.list(actor.districtId, page, pageSize, updatedSince);
    return { items: rows.map(toExportReply), page, pageSize, total };
  }

  async chunk({ actor, exportId, seq }: GetExportChunkCommand): Promise<ExportChunkReply> {
    requireDistrictAdmin(actor);
    const row = await this.store.find(actor.districtId, exportId);
    if (!row) throw new NotFound('export', exportId);
    if (row.status !== 'done') throw new Conflict('EXPORT.NOT_READY', `The export is ${row.status}; download it once it is done`, { status: row.status });
    const content = await this.store.chunk(actor.districtId, exportId, seq);
    if (content === undefined) throw new NotFound('export chunk', `${exportId}/${seq}`);
    return { format: row.format, content, next: seq + 1 < row.chunks ? seq + 1 : null };
  }

  disclosures({ actor, studentId, page, pageSize, updatedSince }: ListDisclosuresCommand): Promise<Page<DisclosureReply>> {
    requireDistrictAdmin(actor);
    return this.store.disclosures(actor.districtId, studentId, page, pageSize, updatedSince);
  }
}
