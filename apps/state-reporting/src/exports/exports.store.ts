import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { newId, Page, pageOf } from '@sessionledger/common';
import { ActorSnapshot, DisclosureKind, DisclosureReply, ExportFormat, ExportReply, ExportStatus, StartExportBody, STATE_EXPORT_FINISHED } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';

const S = 'state_reporting';

export interface ExportRow {
  id: string;
  district_id: string;
  requested_by: string;
  requested_by_name: string;
  format: ExportFormat;
  from_date: string;
  to_date: string;
  school_id: string | null;
  recipient: string;
  purpose: string;
  status: ExportStatus;
  progress: number;
  records: number;
  added: number;
  corrected: number;
  unchanged: number;
  deleted: number;
  skipped: number;
  skipped_reasons: { reason: string; count: number }[];
  students: number;
  ineligible_sessions: number;
  chunks: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

const COLUMNS = `id, district_id, requested_by, requested_by_name, format, from_date::text AS from_date, to_date::text AS to_date, school_id, recipient, purpose,
  status, progress, records, added, corrected, unchanged, deleted, skipped, skipped_reasons, students, ineligible_sessions, chunks, error, created_at, started_at, finished_at, updated_at`;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toExportReply(row: ExportRow): ExportReply {
  return {
    id: row.id,
    format: row.format,
    from: row.from_date,
    to: row.to_date,
    schoolId: row.school_id,
    recipient: row.recipient,
    purpose: row.purpose,
    status: row.status,
    progress: row.progress,
    counts: {
      records: row.records,
      added: row.added,
      corrected: row.corrected,
      unchanged: row.unchanged,
      deleted: row.deleted,
      skipped: row.skipped,
      skippedReasons: row.skipped_reasons,
      students: row.students,
      ineligibleSessions: row.ineligible_sessions,
    },
    requestedBy: row.requested_by,
    requestedByName: row.requested_by_name,
    error: row.error,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    updatedAt: iso(row.updated_at) as string,
  };
}

/** The export tables, always under the district's row-level security. */
@Injectable()
export class ExportsStore {
  constructor(readonly transactions: TenantTransactions) {}

  async create(actor: ActorSnapshot, body: StartExportBody): Promise<ExportRow> {
    const id = newId();
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = (await em.execute(
        `INSERT INTO ${S}.state_export (id, district_id, requested_by, requested_by_name, format, from_date, to_date, school_id, recipient, purpose, status)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued') RETURNING ${COLUMNS}`,
        [id, actor.districtId, actor.userId, actor.displayName, body.format, body.from, body.to, body.schoolId ?? null, body.recipient, body.purpose],
      )) as ExportRow[];
      return row;
    });
  }

  find(districtId: string, id: string, em?: EntityManager): Promise<ExportRow | undefined> {
    const read = async (tx: EntityManager) => ((await tx.execute(`SELECT ${COLUMNS} FROM ${S}.state_export WHERE id = ?`, [id])) as ExportRow[])[0];
    return em ? read(em) : this.transactions.run(districtId, read);
  }

  list(districtId: string, page: number, pageSize: number, updatedSince?: string): Promise<{ rows: ExportRow[]; total: number }> {
    const since = updatedSince ?? null;
    const where = `(?::timestamptz IS NULL OR updated_at >= ?::timestamptz)`;
    return this.transactions.run(districtId, async (em) => {
      const rows = (await em.execute(`SELECT ${COLUMNS} FROM ${S}.state_export WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, [
        since,
        since,
        pageSize,
        (page - 1) * pageSize,
      ])) as ExportRow[];
      const [{ total }] = (await em.execute(`SELECT count(*)::int AS total FROM ${S}.state_export WHERE ${where}`, [since, since])) as { total: number }[];
      return { rows, total };
    });
  }

  async chunk(districtId: string, exportId: string, seq: number): Promise<string | undefined> {
    return this.transactions.run(districtId, async (em) => {
      const [row] = (await em.execute(`SELECT content FROM ${S}.export_chunk WHERE export_id = ? AND seq = ?`, [exportId, seq])) as { content: string }[];
      return row?.content;
    });
  }

  /** A short transaction of its own, so the progress shows while the export's long transaction runs. */
  async setProgress(districtId: string, id: string, progress: number): Promise<void> {
    await this.transactions.run(districtId, (em) => em.execute(`UPDATE ${S}.state_export SET progress = ? WHERE id = ? AND status = 'running'`, [progress, id]));
  }

  async markRunning(districtId: string, id: string): Promise<void> {
    await this.transactions.run(districtId, (em) =>
      em.execute(`UPDATE ${S}.state_export SET status = 'running', progress = 0, error = NULL, started_at = now() WHERE id = ? AND status <> 'done'`, [id]),
    );
  }

  async markFailed(districtId: string, id: string, error: string): Promise<void> {
    await this.transactions.run(districtId, async (em) => {
      const [before] = (await em.execute(`SELECT status FROM ${S}.state_export WHERE id = ? FOR UPDATE`, [id])) as { status: ExportStatus }[];
      const failed = (await em.execute(
        `UPDATE ${S}.state_export SET status = 'failed', error = ?, finished_at = now() WHERE id = ? AND status <> 'done' RETURNING format, finished_at, requested_by`,
        [error, id],
      )) as { format: ExportFormat; finished_at: Date; requested_by: string }[];
      // Announced once: a second failure report (the job's own, then the queue's) only rewords the error.
      if (before?.status === 'failed') return;
      for (const row of failed) {
        recordEvent(em, STATE_EXPORT_FINISHED, { districtId, exportId: id, format: row.format, status: 'failed', records: null, requestedBy: row.requested_by, finishedAt: new Date(row.finished_at).toISOString() });
      }
    });
  }

  /** A disclosure never changes: "changed since" is "made since". */
  disclosures(districtId: string, studentId: string, page: number, pageSize: number, updatedSince?: string): Promise<Page<DisclosureReply>> {
    const since = updatedSince ?? null;
    const where = `student_id = ? AND (?::timestamptz IS NULL OR disclosed_at >= ?::timestamptz)`;
    return this.transactions.run(districtId, async (em) => {
      const [{ total }] = (await em.execute(`SELECT count(*)::int AS total FROM ${S}.disclosure WHERE ${where}`, [studentId, since, since])) as { total: number }[];
      const rows = (await em.execute(
        `SELECT export_id, student_id, recipient, purpose, format, kind, records, disclosed_at, disclosed_by, disclosed_by_name
          FROM ${S}.disclosure WHERE ${where} ORDER BY disclosed_at DESC, export_id LIMIT ? OFFSET ?`,
        [studentId, since, since, pageSize, (page - 1) * pageSize],
      )) as { export_id: string; student_id: string; recipient: string; purpose: string; format: ExportFormat | 'zip'; kind: DisclosureKind; records: number; disclosed_at: Date; disclosed_by: string; disclosed_by_name: string }[];
      const items = rows.map((row) => ({
        exportId: row.export_id,
        studentId: row.student_id,
        recipient: row.recipient,
        purpose: row.purpose,
        format: row.format,
        kind: row.kind,
        records: row.records,
        disclosedAt: new Date(row.disclosed_at).toISOString(),
        disclosedBy: row.disclosed_by,
        disclosedByName: row.disclosed_by_name,
      }));
      return pageOf(items, total, { page, pageSize });
    });
  }
}
