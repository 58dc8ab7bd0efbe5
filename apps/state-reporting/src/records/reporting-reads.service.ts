import { Injectable } from '@nestjs/common';
import { FilterQuery } from '@mikro-orm/postgresql';
import { invalid, pageOf } from '@sessionledger/common';
import {
  IneligibleSessionPageReply,
  IneligibleSessionReply,
  ListIneligibleSessionsCommand,
  ListReportableRecordsCommand,
  ReportableRecordPageReply,
  ReportableRecordReply,
  ReportingListCommand,
} from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { reportingScope, requireSchoolInScope } from '../reporting-access';
import { ReportableRecord, ReportedSession } from './reporting.entities';
import { NO_SCHOOL_CODE } from './eligibility';

function toRecordReply(record: ReportableRecord): ReportableRecordReply {
  return {
    id: record.id,
    sessionId: record.sessionId,
    sessionVersion: record.sessionVersion,
    sessionDate: record.sessionDate,
    studentId: record.studentId,
    studentName: record.studentName,
    stateId: record.stateId,
    schoolId: record.schoolId,
    schoolCode: record.schoolCode,
    studentSchoolId: record.studentSchoolId,
    studentSchoolCode: record.studentSchoolCode,
    attendanceStatus: record.attendanceStatus,
    minutes: record.minutes,
    minutesOutsideSchoolDay: record.minutesOutsideSchoolDay,
    qualifiers: {
      homebound: record.homebound,
      detention: record.detention,
      creditRecovery: record.creditRecovery,
      remedial: record.remedial,
      remedialCriteria: [...record.remedialCriteria],
    },
    subject: record.subject,
    service: record.service,
    delivery: record.delivery,
    providerId: record.providerId,
    providerName: record.providerName,
    workOrderId: record.workOrderId,
    workOrderType: record.workOrderType,
    tags: [...record.tags],
    eligible: record.eligible,
    updatedAt: record.updatedAt.toISOString(),
  };
}

function toIneligibleReply(session: ReportedSession): IneligibleSessionReply {
  return {
    sessionId: session.sessionId,
    sessionVersion: session.sessionVersion,
    sessionDate: session.sessionDate,
    schoolId: session.schoolId,
    schoolCode: session.schoolCode,
    providerId: session.providerId,
    providerName: session.providerName,
    service: session.service,
    workOrderId: session.workOrderId,
    workOrderType: session.workOrderType,
    students: session.students,
    reasons: [...session.ineligibleReasons, ...(session.schoolCode === null ? [NO_SCHOOL_CODE] : [])],
    updatedAt: session.updatedAt.toISOString(),
  };
}

/** Current versions only, of the dates and the school asked for, within the admin's schools (by the school the session was held at). */
function listFilter(command: ReportingListCommand): FilterQuery<ReportableRecord & ReportedSession> {
  const { actor, from, to, schoolId } = command;
  if (from && to && to < from) throw invalid('to', `must be on or after from (${from})`);
  const scope = reportingScope(actor);
  if (schoolId) requireSchoolInScope(actor, schoolId);
  const where: Record<string, unknown> = { current: true };
  if (from || to) where.sessionDate = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
  if (schoolId) where.schoolId = schoolId;
  else if (scope !== 'all') where.schoolId = { $in: scope };
  if (command.updatedSince) where.updatedAt = { $gte: new Date(command.updatedSince) };
  return where;
}

/** What state reporting holds, for admins: the records the export will report and the sessions it will leave out. */
@Injectable()
export class ReportingReadsService {
  constructor(private readonly transactions: TenantTransactions) {}

  listRecords(command: ListReportableRecordsCommand): Promise<ReportableRecordPageReply> {
    const where = listFilter(command) as FilterQuery<ReportableRecord>;
    if (command.eligible !== undefined) (where as Record<string, unknown>).eligible = command.eligible;
    return this.transactions.run(command.actor.districtId, async (em) => {
      const [records, total] = await em.findAndCount(ReportableRecord, where, {
        orderBy: { sessionDate: 'asc', sessionId: 'asc', studentName: 'asc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return pageOf(records.map(toRecordReply), total, command);
    });
  }

  /**
   * Student sessions whose current version the export leaves out, each with every reason, oldest first (the ones nearest the deadline):
   * the ineligible, and those no export can carry yet for want of their school's state code.
   */
  listIneligible(command: ListIneligibleSessionsCommand): Promise<IneligibleSessionPageReply> {
    const where = { ...(listFilter(command) as object), $or: [{ eligible: false }, { schoolCode: null }] } as FilterQuery<ReportedSession>;
    return this.transactions.run(command.actor.districtId, async (em) => {
      const [sessions, total] = await em.findAndCount(ReportedSession, where, {
        orderBy: { sessionDate: 'asc', startedAt: 'asc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return pageOf(sessions.map(toIneligibleReply), total, command);
    });
  }
}
