import { Injectable } from '@nestjs/common';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { newId, NotFound } from '@sessionledger/common';
import { GATEWAY_JOB_FINISHED } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { DistrictExportFile, DistrictExportReply, DistrictExportScope, DistrictExportStatus } from './district-export.dto';

const S = 'gateway';

export interface DistrictExportRow {
  id: string;
  district_id: string;
  scope: DistrictExportScope;
  student_id: string | null;
  recipient: string | null;
  purpose: string | null;
  status: DistrictExportStatus;
  progress: number;
  files: DistrictExportFile[];
  size_bytes: string | null;
  sha256: string | null;
  chunks: number;
  error: string | null;
  requested_by: string;
  requested_by_name: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

export function toDistrictExportReply(row: DistrictExportRow): DistrictExportReply {
  return {
    id: row.id,
    scope: row.scope,
    studentId: row.student_id,
    recipient: row.recipient,
    purpose: row.purpose,
    status: row.status,
    progress: row.progress,
    files: row.files,
    rows: row.files.reduce((sum, file) => sum + file.rows, 0),
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    sha256: row.sha256,
    error: row.error,
    requestedBy: row.requested_by,
    requestedByName: row.requested_by_name,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** The export tables, always under the district's row-level security. */
@Injectable()
export class DistrictExportStore {
  constructor(readonly transactions: TenantTransactions) {}

  async create(actor: Actor, request: { scope: 'district' } | { scope: 'student'; studentId: string; recipient: string; purpose: string }): Promise<DistrictExportRow> {
    const student = request.scope === 'student' ? request : undefined;
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = (await em.execute(
        `INSERT INTO ${S}.district_export (id, district_id, scope, student_id, recipient, purpose, requested_by, requested_by_name)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [newId(), actor.districtId, request.scope, student?.studentId ?? null, student?.recipient ?? null, student?.purpose ?? null, actor.userId, actor.displayName],
      )) as DistrictExportRow[];
      return row;
    });
  }

  /** Another district's export answers 404, like a missing one. */
  async get(districtId: string, id: string): Promise<DistrictExportRow> {
    const row = await this.find(districtId, id);
    if (!row) throw new NotFound('district export', id);
    return row;
  }

  find(districtId: string, id: string): Promise<DistrictExportRow | undefined> {
    return this.transactions.run(districtId, async (em) => ((await em.execute(`SELECT * FROM ${S}.district_export WHERE id = ?`, [id])) as DistrictExportRow[])[0]);
  }

  /** A retry starts from nothing: the pieces a dead attempt stored are dropped. */
  async markRunning(districtId: string, id: string): Promise<void> {
    await this.transactions.run(districtId, async (em) => {
      await em.execute(`DELETE FROM ${S}.district_export_chunk WHERE export_id = ?`, [id]);
      await em.execute(
        `UPDATE ${S}.district_export SET status = 'running', progress = 0, files = '[]', chunks = 0, error = NULL, started_at = now() WHERE id = ? AND status <> 'done'`,
        [id],
      );
    });
  }

  /** A short transaction of its own per table, so the progress shows while the export runs. */
  async setProgress(districtId: string, id: string, progress: number, files: DistrictExportFile[]): Promise<void> {
    await this.transactions.run(districtId, (em) =>
      em.execute(`UPDATE ${S}.district_export SET progress = ?, files = ?::jsonb WHERE id = ? AND status = 'running'`, [progress, JSON.stringify(files), id]),
    );
  }

  async appendChunk(districtId: string, id: string, seq: number, content: Buffer): Promise<void> {
    await this.transactions.run(districtId, async (em) => {
      // Through knex: the bytes travel as a bound parameter instead of being escaped into the SQL text.
      const connection = em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
      await connection.raw(`INSERT INTO ${S}.district_export_chunk (district_id, export_id, seq, content) VALUES (?, ?, ?, ?)`, [districtId, id, seq, content]);
    });
  }

  async markDone(districtId: string, id: string, result: { files: DistrictExportFile[]; sizeBytes: number; sha256: string; chunks: number }): Promise<void> {
    await this.transactions.run(districtId, async (em) => {
      const finished = await em.execute<FinishedRow[]>(
        `UPDATE ${S}.district_export SET status = 'done', progress = 100, files = ?::jsonb, size_bytes = ?, sha256 = ?, chunks = ?, error = NULL, finished_at = clock_timestamp() WHERE id = ?
         RETURNING requested_by, finished_at`,
        [JSON.stringify(result.files), result.sizeBytes, result.sha256, result.chunks, id],
      );
      announceFinished(em, districtId, id, 'succeeded', finished);
    });
  }

  async markFailed(districtId: string, id: string, error: string): Promise<void> {
    await this.transactions.run(districtId, async (em) => {
      const finished = await em.execute<FinishedRow[]>(
        `UPDATE ${S}.district_export SET status = 'failed', error = ?, finished_at = now() WHERE id = ? AND status <> 'done' RETURNING requested_by, finished_at`,
        [error, id],
      );
      announceFinished(em, districtId, id, 'failed', finished);
    });
  }

  async chunk(districtId: string, id: string, seq: number): Promise<Buffer | undefined> {
    return this.transactions.run(districtId, async (em) => {
      const connection = em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
      const result = (await connection.raw(`SELECT content FROM ${S}.district_export_chunk WHERE export_id = ? AND seq = ?`, [id, seq])) as { rows: { content: Buffer }[] };
      return result.rows[0]?.content;
    });
  }
}

interface FinishedRow {
  requested_by: string;
  finished_at: Date;
}

/** In the transaction that finished the export, so its starter is told exactly when it finished (once: see JobAnnouncements). */
function announceFinished(em: EntityManager, districtId: string, exportId: string, status: 'succeeded' | 'failed', finished: FinishedRow[]): void {
  const [row] = finished;
  if (!row) return;
  recordEvent(em, GATEWAY_JOB_FINISHED, {
    districtId,
    kind: 'district-export',
    jobId: exportId,
    status,
    startedBy: row.requested_by,
    finishedAt: new Date(row.finished_at).toISOString(),
  });
}
