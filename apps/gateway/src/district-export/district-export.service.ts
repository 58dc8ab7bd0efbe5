import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Actor } from '@sessionledger/auth';
import { Conflict, NotFound, ServiceUnavailable } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { Student } from '../directory/directory.entities';
import { DistrictExportReply, StartRecordsRequestBody } from './district-export.dto';
import { DistrictExportQueue } from './district-export.queue';
import { DistrictExportRow, DistrictExportStore, toDistrictExportReply } from './district-export.store';

export interface DistrictExportDownload {
  filename: string;
  body: Readable;
}

@Injectable()
export class DistrictExportsService {
  constructor(
    private readonly store: DistrictExportStore,
    private readonly queue: DistrictExportQueue,
    private readonly transactions: TenantTransactions,
  ) {}

  startDistrict(actor: Actor): Promise<DistrictExportReply> {
    return this.start(actor, () => this.store.create(actor, { scope: 'district' }));
  }

  /** Another district's student (or a missing one) is 404, before anything is queued. */
  async startRecordsRequest(actor: Actor, studentId: string, body: StartRecordsRequestBody): Promise<DistrictExportReply> {
    const exists = await this.transactions.run(actor.districtId, (em) => em.count(Student, { id: studentId }));
    if (!exists) throw new NotFound('student', studentId);
    return this.start(actor, () => this.store.create(actor, { scope: 'student', studentId, recipient: body.recipient, purpose: body.purpose }));
  }

  async get(actor: Actor, id: string): Promise<DistrictExportReply> {
    return toDistrictExportReply(await this.store.get(actor.districtId, id));
  }

  /** The first piece is read before answering, so a missing or unfinished export is a 404 or 409, not a broken stream. */
  async download(actor: Actor, id: string): Promise<DistrictExportDownload> {
    const row = await this.store.get(actor.districtId, id);
    if (row.status !== 'done') throw new Conflict('DISTRICT_EXPORT.NOT_READY', `The export is ${row.status}; download it once its status is done`);
    const store = this.store;
    const districtId = actor.districtId;
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let seq = 0; seq < row.chunks; seq += 1) {
        const piece = await store.chunk(districtId, id, seq);
        if (piece) yield piece;
      }
    }
    return { filename: fileName(row), body: Readable.from(pieces()) };
  }

  private async start(actor: Actor, create: () => Promise<DistrictExportRow>): Promise<DistrictExportReply> {
    const row = await create();
    try {
      await this.queue.enqueue({ districtId: actor.districtId, exportId: row.id });
    } catch (error) {
      await this.store.markFailed(actor.districtId, row.id, 'The export could not be queued');
      throw new ServiceUnavailable('district export queue', (error as Error).message);
    }
    return toDistrictExportReply(row);
  }
}

function fileName(row: DistrictExportRow): string {
  const day = new Date(row.created_at).toISOString().slice(0, 10);
  return row.scope === 'student' ? `records-request-${row.student_id}-${day}.zip` : `district-export-${day}-${row.id}.zip`;
}
