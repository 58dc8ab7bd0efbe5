import type { Knex } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { STATE_EXPORT_FINISHED } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import {
  CANDIDATE_COUNTS,
  CANDIDATES,
  candidatesSql,
  CSV_HEADER,
  CSV_LINES,
  DISCLOSE,
  EDFI_ASSOCIATIONS,
  EDFI_DELETES,
  EDFI_EVENTS,
  EDFI_INTERVENTIONS,
  ExportScope,
  FIRST_RECORD_KEY,
  FORGET_DELETED,
  ineligibleSql,
  RECORD_SENT,
  RecordKey,
  skippedSql,
} from './export-sql';
import { ExportsStore } from './exports.store';

const S = 'state_reporting';
/** Rows fetched per statement: a few hundred kilobytes of lines, whatever the export's size. */
const BATCH_ROWS = 2_000;
/** Characters per stored chunk (one download request each). */
const CHUNK_CHARS = 1_000_000;

/** Appends text and stores it in chunks of about CHUNK_CHARS, in order. */
class ChunkWriter {
  private buffer: string[] = [];
  private size = 0;
  seq = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly districtId: string,
    private readonly exportId: string,
  ) {}

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0 && this.seq > 0) return;
    // Through knex, in the export's transaction: the chunk travels as a bound parameter. em.execute would write it
    // into the SQL text, escaping ~1 MB a character at a time (bench/state-export: 70–120 ms and the heap churn per chunk).
    const transaction = this.em.getTransactionContext<Knex.Transaction>() ?? this.em.getKnex();
    await transaction.raw(`INSERT INTO ${S}.export_chunk (district_id, export_id, seq, content) VALUES (?, ?, ?, ?)`, [
      this.districtId,
      this.exportId,
      this.seq,
      this.buffer.join(''),
    ]);
    this.seq += 1;
    this.buffer = [];
    this.size = 0;
  }
}

type Progress = (done: number) => Promise<void>;

/**
 * Runs one export: in one transaction, so a worker killed half way leaves
 * nothing and the job runs again; one export per district and format at a
 * time, so two never both send a record as new.
 */
@Injectable()
export class RunExport {
  private readonly logger = new Logger(RunExport.name);

  constructor(private readonly store: ExportsStore) {}

  async execute(districtId: string, exportId: string, reportProgress: (percent: number) => Promise<void>): Promise<void> {
    const row = await this.store.find(districtId, exportId);
    if (!row) {
      this.logger.warn({ exportId }, 'export job for an export that does not exist; dropped');
      return;
    }
    if (row.status === 'done') return;
    await this.store.markRunning(districtId, exportId);
    await this.store.transactions.run(districtId, async (em) => {
      await em.execute(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`state-export:${districtId}:${row.format}`]);
      const scope: ExportScope = { format: row.format, from: row.from_date, to: row.to_date, schoolId: row.school_id };
      const candidates = candidatesSql(scope);
      await em.execute(candidates.sql, candidates.params);
      await em.execute(`CREATE INDEX ON ${CANDIDATES} (session_date, session_id, participant_id)`);
      await em.execute(`ANALYZE ${CANDIDATES}`);
      const [counts] = (await em.execute(CANDIDATE_COUNTS)) as { records: number; added: number; corrected: number; unchanged: number; deleted: number; students: number; sessions: number }[];
      const skipped = skippedSql(scope);
      const skippedReasons = (await em.execute(skipped.sql, skipped.params)) as { reason: string; count: number }[];
      const skippedCount = skippedReasons.reduce((sum, { count }) => sum + count, 0);
      const ineligible = ineligibleSql(scope);
      const [{ count: ineligibleCount }] = (await em.execute(ineligible.sql, ineligible.params)) as { count: number }[];

      const total = row.format === 'csv' ? counts.records : counts.sessions + 2 * (counts.records - counts.deleted) + counts.deleted;
      let lastPercent = 0;
      const progress: Progress = async (done) => {
        const percent = total === 0 ? 99 : Math.min(99, Math.floor((done * 100) / total));
        if (percent <= lastPercent) return;
        lastPercent = percent;
        await this.store.setProgress(districtId, exportId, percent);
        await reportProgress(percent);
      };

      const writer = new ChunkWriter(em, districtId, exportId);
      if (row.format === 'csv') await this.writeCsv(em, writer, progress);
      else await this.writeEdfi(em, writer, progress);
      await writer.flush();

      await em.execute(RECORD_SENT, [districtId, row.format, exportId]);
      // Only when there are deletions: export_sent's statistics cannot see the rows just upserted, so the planner may nest a scan of
      // every candidate inside a scan of every sent row of the format (quadratic: a 300k-record Ed-Fi export spent minutes here).
      if (counts.deleted > 0) await em.execute(FORGET_DELETED, [row.format]);
      await em.execute(DISCLOSE, [districtId, exportId, row.recipient, row.purpose, row.format, row.requested_by, row.requested_by_name]);
      // clock_timestamp(): now() is the start of this long transaction, not when the export finished.
      const [finished] = (await em.execute(
        `UPDATE ${S}.state_export SET status = 'done', progress = 100, records = ?, added = ?, corrected = ?, unchanged = ?, deleted = ?,
          skipped = ?, skipped_reasons = ?::jsonb, students = ?, ineligible_sessions = ?, chunks = ?, error = NULL, finished_at = clock_timestamp() WHERE id = ?
          RETURNING finished_at`,
        [
          counts.records,
          counts.added,
          counts.corrected,
          counts.unchanged,
          counts.deleted,
          skippedCount,
          JSON.stringify(skippedReasons),
          counts.students,
          ineligibleCount,
          writer.seq,
          exportId,
        ],
      )) as { finished_at: Date }[];
      recordEvent(em, STATE_EXPORT_FINISHED, {
        districtId,
        exportId,
        format: row.format,
        status: 'done',
        records: counts.records,
        requestedBy: row.requested_by,
        finishedAt: new Date(finished.finished_at).toISOString(),
      });
    });
    await reportProgress(100);
  }

  private async writeCsv(em: EntityManager, writer: ChunkWriter, progress: Progress): Promise<void> {
    await writer.write(CSV_HEADER);
    await this.recordPass(em, CSV_LINES, 0, progress, async (lines) => writer.write(lines.map((line) => `${line}\r\n`).join('')));
  }

  /** One JSON object: interventions, then associations, then attendance events (Ed-Fi's load order), then deletions. */
  private async writeEdfi(em: EntityManager, writer: ChunkWriter, progress: Progress): Promise<void> {
    let done = 0;
    let first = true;
    const writeArrayItems = async (lines: string[]) => {
      await writer.write((first ? '' : ',') + lines.join(','));
      first = false;
    };

    await writer.write('{"interventions":[');
    let lastSession = FIRST_RECORD_KEY[1];
    for (;;) {
      const rows = (await em.execute(EDFI_INTERVENTIONS, [lastSession, BATCH_ROWS])) as { k1: string; line: string }[];
      if (rows.length === 0) break;
      await writeArrayItems(rows.map((r) => r.line));
      lastSession = rows[rows.length - 1].k1;
      done += rows.length;
      await progress(done);
    }
    for (const [name, sql] of [
      ['studentInterventionAssociations', EDFI_ASSOCIATIONS],
      ['studentInterventionAttendanceEvents', EDFI_EVENTS],
      ['deletes', EDFI_DELETES],
    ] as const) {
      await writer.write(`],"${name}":[`);
      first = true;
      done = await this.recordPass(em, sql, done, progress, writeArrayItems);
    }
    await writer.write(']}');
  }

  /** Reads the candidates batch after batch by key, handing each batch's lines on; returns the work done so far. */
  private async recordPass(em: EntityManager, sql: string, done: number, progress: Progress, take: (lines: string[]) => Promise<void>): Promise<number> {
    let key: RecordKey = FIRST_RECORD_KEY;
    for (;;) {
      const rows = (await em.execute(sql, [...key, BATCH_ROWS])) as { k1: string; k2: string; k3: string; line: string }[];
      if (rows.length === 0) return done;
      await take(rows.map((r) => r.line));
      const last = rows[rows.length - 1];
      key = [last.k1, last.k2, last.k3];
      done += rows.length;
      await progress(done);
    }
  }
}
