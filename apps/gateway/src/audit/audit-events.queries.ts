import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Actor } from '@sessionledger/auth';
import { invalid, Page, pageOf } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog } from './audit-log';
import { AuditEventFilter, AuditEventQuery, AuditEventReply } from './audit-events.dto';

interface AuditEventRow {
  id: string;
  occurred_at: Date;
  action: AuditEventReply['action'];
  actor_kind: AuditEventReply['actorKind'];
  actor_id: string | null;
  actor_name: string | null;
  subject_type: string;
  subject_id: string | null;
  student_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
  correlation_id: string | null;
  client_address: string | null;
}

/** Rows per statement while streaming the CSV: memory stays flat whatever the range. */
const CSV_BATCH = 1000;

export const AUDIT_CSV_HEADER = [
  'occurredAt',
  'action',
  'actorKind',
  'actorId',
  'actorName',
  'subjectType',
  'subjectId',
  'studentId',
  'before',
  'after',
  'detail',
  'correlationId',
  'clientAddress',
  'id',
] as const;

/**
 * Searching the log, newest first (occurred at, then id). Row-level security
 * keeps it to the caller's district; the explicit district condition only
 * lets the indexes serve the search.
 */
@Injectable()
export class AuditEventQueries {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  list(actor: Actor, query: AuditEventQuery): Promise<Page<AuditEventReply>> {
    const where = conditions(actor.districtId, query);
    return this.transactions.run(actor.districtId, async (em) => {
      const [{ total }] = (await em.execute(`select count(*)::int as total from gateway.audit_event where ${where.sql}`, where.params)) as { total: number }[];
      const rows = (await em.execute(`select * from gateway.audit_event where ${where.sql} order by occurred_at desc, id desc limit ? offset ?`, [
        ...where.params,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ])) as AuditEventRow[];
      return pageOf(rows.map(toReply), total, query);
    });
  }

  /**
   * The same search as CSV, streamed batch by batch (each its own statement,
   * continuing after the last row sent). Taking the log out of the
   * application is itself logged, with the filters used.
   */
  async csv(actor: Actor, filter: AuditEventFilter): Promise<Readable> {
    const where = conditions(actor.districtId, filter);
    await this.audit.recordApart(actor, [{ action: 'audit.export', subjectType: 'audit-log', studentId: filter.studentId ?? null, detail: { filter: { ...filter } } }]);
    const transactions = this.transactions;
    async function* lines(): AsyncGenerator<string> {
      yield `${AUDIT_CSV_HEADER.join(',')}\r\n`;
      let after: { at: Date; id: string } | null = null;
      for (;;) {
        const cursor: { sql: string; params: unknown[] } = after ? { sql: ' and (occurred_at, id) < (?, ?)', params: [after.at, after.id] } : { sql: '', params: [] };
        const rows = await transactions.run(
          actor.districtId,
          (em) =>
            em.execute(`select * from gateway.audit_event where ${where.sql}${cursor.sql} order by occurred_at desc, id desc limit ?`, [
              ...where.params,
              ...cursor.params,
              CSV_BATCH,
            ]) as Promise<AuditEventRow[]>,
        );
        if (rows.length) yield rows.map((row) => csvLine(toReply(row))).join('');
        if (rows.length < CSV_BATCH) return;
        const last = rows[rows.length - 1];
        after = { at: last.occurred_at, id: last.id };
      }
    }
    return Readable.from(lines());
  }
}

function conditions(districtId: string, filter: AuditEventFilter & { updatedSince?: string }): { sql: string; params: unknown[] } {
  if (filter.from && filter.to && new Date(filter.to) <= new Date(filter.from)) {
    throw invalid('to', `must be after from (${filter.from})`);
  }
  const chosen: [string, unknown][] = [
    ['district_id = ?', districtId],
    ['student_id = ?', filter.studentId],
    ['actor_id = ?', filter.actorUserId],
    ['action = ?', filter.action],
    ['occurred_at >= ?', filter.from && new Date(filter.from)],
    ['occurred_at < ?', filter.to && new Date(filter.to)],
    ['occurred_at >= ?', filter.updatedSince && new Date(filter.updatedSince)],
  ];
  const used = chosen.filter(([, value]) => value !== undefined && value !== '');
  return { sql: used.map(([sql]) => sql).join(' and '), params: used.map(([, value]) => value) };
}

function toReply(row: AuditEventRow): AuditEventReply {
  return {
    id: row.id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    action: row.action,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    studentId: row.student_id,
    before: row.before,
    after: row.after,
    detail: row.detail,
    correlationId: row.correlation_id,
    clientAddress: row.client_address,
  };
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet shows as text and never evaluates; JSON columns hold compact JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(reply: AuditEventReply): string {
  return `${AUDIT_CSV_HEADER.map((column) => cell(reply[column])).join(',')}\r\n`;
}
