import { Controller, Injectable, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DISPOSE_STATE_EXPORTS, DisposalReply, DisposeRecordsCommand } from '@sessionledger/contracts';
import { pgArray, TenantTransactions } from '@sessionledger/persistence';

const S = 'state_reporting';

/**
 * Deletes a district's finished state exports whose last reported day is
 * before the cutoff (file, what each sent, disclosure records), and the
 * copies of sessions dated before the cutoff that state reporting keeps for
 * exports and dashboards. Held back: an export of a held school, or one that
 * disclosed or sent a held student's or a held school's records; a session
 * held at a held school or with a held (or held school's) student.
 * Nothing here refuses DELETE by trigger, so plain statements under the
 * district's row-level security do (docs/retention.md).
 */
@Injectable()
export class StateExportDisposal {
  private readonly logger = new Logger(StateExportDisposal.name);

  constructor(private readonly transactions: TenantTransactions) {}

  async dispose(command: DisposeRecordsCommand): Promise<DisposalReply> {
    const districtId = command.actor.districtId;
    const students = pgArray(command.heldStudentIds);
    const schools = pgArray(command.heldSchoolIds);
    let disposed = 0;
    let reportedSessions = 0;
    for (;;) {
      const batch = await this.transactions.run(districtId, async (em) => {
        const exports = (await em.execute(
          `SELECT e.id FROM ${S}.state_export e
            WHERE e.to_date < ?::date AND e.status IN ('done', 'failed')
              AND NOT coalesce(e.school_id = ANY(?::uuid[]), false)
              AND NOT EXISTS (SELECT 1 FROM ${S}.disclosure d WHERE d.district_id = e.district_id AND d.export_id = e.id AND d.student_id = ANY(?::uuid[]))
              AND NOT EXISTS (SELECT 1 FROM ${S}.export_sent s WHERE s.district_id = e.district_id AND s.export_id = e.id
                               AND (s.student_id = ANY(?::uuid[]) OR s.school_id = ANY(?::uuid[])))
            ORDER BY e.created_at, e.id LIMIT ? FOR UPDATE SKIP LOCKED`,
          [command.before, schools, students, students, schools, command.batchSize],
        )) as { id: string }[];
        const exportIds = pgArray(exports.map((e) => e.id));
        if (exports.length > 0) {
          await em.execute(`DELETE FROM ${S}.export_sent WHERE export_id = ANY(?::uuid[])`, [exportIds]);
          await em.execute(`DELETE FROM ${S}.disclosure WHERE export_id = ANY(?::uuid[])`, [exportIds]);
          // The file's chunks go with the export (ON DELETE CASCADE).
          await em.execute(`DELETE FROM ${S}.state_export WHERE id = ANY(?::uuid[])`, [exportIds]);
        }
        const sessions = (await em.execute(
          `SELECT r.session_id FROM ${S}.reported_session r
            WHERE r.current AND r.session_date < ?::date AND NOT r.school_id = ANY(?::uuid[])
              AND NOT EXISTS (SELECT 1 FROM ${S}.reportable_record rr WHERE rr.district_id = r.district_id AND rr.session_id = r.session_id
                               AND (rr.student_id = ANY(?::uuid[]) OR rr.student_school_id = ANY(?::uuid[])))
            ORDER BY r.session_date, r.session_id LIMIT ?`,
          [command.before, schools, students, schools, command.batchSize],
        )) as { session_id: string }[];
        const sessionIds = pgArray(sessions.map((s) => s.session_id));
        if (sessions.length > 0) {
          for (const table of ['reportable_record', 'coaching_record', 'export_sent', 'reported_session']) {
            await em.execute(`DELETE FROM ${S}.${table} WHERE session_id = ANY(?::uuid[])`, [sessionIds]);
          }
        }
        return { exports: exports.length, sessions: sessions.length };
      });
      disposed += batch.exports;
      reportedSessions += batch.sessions;
      if (batch.exports < command.batchSize && batch.sessions < command.batchSize) break;
    }
    const heldBack = await this.transactions.run(districtId, async (em) => {
      const [row] = (await em.execute(`SELECT count(*)::int AS held FROM ${S}.state_export WHERE to_date < ?::date AND status IN ('done', 'failed')`, [
        command.before,
      ])) as { held: number }[];
      return row.held;
    });
    this.logger.log({ before: command.before, disposed, reportedSessions, heldBack }, 'state exports disposed');
    return { disposed, heldBack };
  }
}

@Controller()
export class StateExportDisposalController {
  constructor(private readonly disposal: StateExportDisposal) {}

  @MessagePattern(DISPOSE_STATE_EXPORTS.pattern)
  dispose(@Payload() command: DisposeRecordsCommand): Promise<DisposalReply> {
    return this.disposal.dispose(command);
  }
}
