import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ActorSnapshot, BACKEND_SERVICES, READ_RECORDS, RECORD_DISCLOSURE, RECORD_TABLES, RECORDS_PAGE_ROWS, RecordsPageReply, ServiceName } from '@sessionledger/contracts';
import { readRecordsPage, ServiceBus, StudentScope } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { DIRECTORY_RECORD_TABLES } from './directory-record-tables';
import { DistrictExportFile } from './district-export.dto';
import { DistrictExportRow, DistrictExportStore } from './district-export.store';
import { ZipEntries, ZipEntryWriter } from './zip-entries';

/** Bytes per stored piece of the zip (one database row, one read of the download). */
const CHUNK_BYTES = 1024 * 1024;
export const MANIFEST_FILE = 'manifest.json';

interface Source {
  service: ServiceName;
  table: string;
}

/** Every table of the export in order: the gateway's directory, then each back-end service's records. */
export const EXPORT_SOURCES: Source[] = [
  ...Object.keys(DIRECTORY_RECORD_TABLES.tables).map((table) => ({ service: 'gateway' as const, table })),
  ...BACKEND_SERVICES.flatMap((service) => RECORD_TABLES[service].map((table) => ({ service, table }))),
];

/** Appends bytes and stores them in pieces of CHUNK_BYTES, in order, hashing the whole as it goes. */
class ChunkSink {
  private pending: Buffer[] = [];
  private size = 0;
  private readonly hash = createHash('sha256');
  seq = 0;
  total = 0;

  constructor(private readonly store: (seq: number, content: Buffer) => Promise<void>) {}

  async write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    this.total += bytes.length;
    this.pending.push(bytes);
    this.size += bytes.length;
    while (this.size >= CHUNK_BYTES) {
      const all = Buffer.concat(this.pending);
      await this.store(this.seq++, all.subarray(0, CHUNK_BYTES));
      this.pending = [all.subarray(CHUNK_BYTES)];
      this.size = all.length - CHUNK_BYTES;
    }
  }

  async close(): Promise<string> {
    if (this.size > 0 || this.seq === 0) await this.store(this.seq++, Buffer.concat(this.pending));
    this.pending = [];
    this.size = 0;
    return this.hash.digest('hex');
  }
}

/**
 * Runs one export or records request: reads every table page by page (the
 * gateway's own in its database, the others' through READ_RECORDS), writes
 * each as a JSON Lines file of the zip with its count and SHA-256, then the
 * manifest; a records request is then recorded as a disclosure of the
 * student's data. Each page is deflated into the zip and the zip goes to
 * PostgreSQL as it is written, so memory holds a page, not the district.
 */
@Injectable()
export class RunDistrictExport {
  /** Rows asked for per message; smaller in tests, so a handful of rows crosses pages. */
  pageRows = RECORDS_PAGE_ROWS;

  constructor(
    private readonly store: DistrictExportStore,
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  async execute(districtId: string, exportId: string, reportProgress: (percent: number) => Promise<unknown> = async () => undefined): Promise<void> {
    const request = await this.store.find(districtId, exportId);
    if (!request || request.status === 'done') return;
    await this.store.markRunning(districtId, exportId);
    const actor: ActorSnapshot = { userId: request.requested_by, districtId, roles: ['district_admin'], schoolIds: [], displayName: request.requested_by_name };
    const scope = request.student_id ? await this.studentScope(districtId, request.student_id) : undefined;
    const zip = new ZipEntries();
    const sink = new ChunkSink((seq, content) => this.store.appendChunk(districtId, exportId, seq, content));
    const files: DistrictExportFile[] = [];
    for (const [index, source] of EXPORT_SOURCES.entries()) {
      const name = `${source.service}/${source.table}.jsonl`;
      const hash = createHash('sha256');
      let entry: ZipEntryWriter | undefined;
      let rows = 0;
      let bytes = 0;
      // Page by page into the zip: memory holds one page of rows, whatever the table's size.
      for (let offset: number | null = 0; offset !== null; ) {
        const page: RecordsPageReply = await this.page(actor, source, scope, offset);
        offset = page.next;
        // A family receives the tables that hold something about the student; the district, every table, empty or not.
        if (!page.rows.length && (scope || entry)) continue;
        if (!entry) {
          entry = zip.entry(name);
          await sink.write(entry.header());
        }
        const data = Buffer.from(page.rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
        hash.update(data);
        rows += page.rows.length;
        bytes += data.length;
        await sink.write(await entry.write(data));
      }
      if (entry) {
        await sink.write(await entry.end());
        files.push({ name, rows, bytes, sha256: hash.digest('hex') });
      }
      const percent = Math.floor(((index + 1) * 99) / EXPORT_SOURCES.length);
      await this.store.setProgress(districtId, exportId, percent, files);
      await reportProgress(percent);
    }
    const rows = files.reduce((sum, file) => sum + file.rows, 0);
    const manifest = zip.entry(MANIFEST_FILE);
    await sink.write(manifest.header());
    await sink.write(await manifest.write(Buffer.from(`${JSON.stringify(await this.manifest(request, files), null, 2)}\n`, 'utf8')));
    await sink.write(await manifest.end());
    await sink.write(zip.end());
    const sha256 = await sink.close();
    if (request.scope === 'student' && request.student_id) {
      await this.bus.send(RECORD_DISCLOSURE, {
        actor,
        requestId: exportId,
        studentId: request.student_id,
        records: Math.max(rows, 1),
        recipient: request.recipient ?? '',
        purpose: request.purpose ?? '',
      });
    }
    await this.store.markDone(districtId, exportId, { files, sizeBytes: sink.total, sha256, chunks: sink.seq });
  }

  private page(actor: ActorSnapshot, source: Source, scope: StudentScope | undefined, offset: number): Promise<RecordsPageReply> {
    if (source.service === 'gateway') {
      return this.transactions.run(actor.districtId, (em) => readRecordsPage(em, DIRECTORY_RECORD_TABLES, source.table, scope, offset, this.pageRows));
    }
    return this.bus.send(READ_RECORDS[source.service], {
      actor,
      table: source.table,
      ...(scope ? { studentId: scope.studentId, groupIds: scope.groupIds } : {}),
      offset,
      limit: this.pageRows,
    });
  }

  private studentScope(districtId: string, studentId: string): Promise<StudentScope> {
    return this.transactions.run(districtId, async (em) => {
      const groups = (await em.execute(`SELECT group_id FROM gateway.group_member WHERE student_id = ?`, [studentId])) as { group_id: string }[];
      return { studentId, groupIds: groups.map((group) => group.group_id) };
    });
  }

  private async manifest(request: DistrictExportRow, files: DistrictExportFile[]): Promise<Record<string, unknown>> {
    const district = await this.transactions.run(request.district_id, async (em) => ((await em.execute(`SELECT id, name FROM gateway.district`)) as { id: string; name: string }[])[0]);
    return {
      format: 'sessionledger-district-export/1',
      district: { id: request.district_id, name: district?.name ?? null },
      scope: request.scope,
      ...(request.scope === 'student' ? { studentId: request.student_id, recipient: request.recipient, purpose: request.purpose } : {}),
      exportId: request.id,
      createdAt: new Date(request.created_at).toISOString(),
      createdBy: { id: request.requested_by, name: request.requested_by_name },
      fileFormat: 'JSON Lines (UTF-8): one JSON object per row, the table’s columns by name',
      ...(request.scope === 'student'
        ? { redaction: 'Other participants of the student’s sessions are left out of every list; their ids and names are replaced by "[redacted]" in the text that stays (group notes, change trail).' }
        : {}),
      files,
    };
  }
}
