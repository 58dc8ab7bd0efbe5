import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { NotFound } from '@sessionledger/common';
import {
  BellScheduleBody,
  BellScheduleReply,
  GET_BELL_SCHEDULE,
  IneligibleSessionPageReply,
  LIST_INELIGIBLE_SESSIONS,
  LIST_REPORTABLE_RECORDS,
  ReportableRecordPageReply,
  SET_BELL_SCHEDULE,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { School } from '../directory/directory.entities';
import { ReportableRecordListQuery, ReportingListQuery } from './state-reporting.dto';

/**
 * State reporting lives in its own service; the gateway checks what only it
 * knows (that the school is one of the district's, and the admin's) and sends
 * the commands. State reporting applies the actor's scope again.
 */
@Injectable()
export class StateReportingService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  async getBellSchedule(actor: Actor, schoolId: string): Promise<BellScheduleReply> {
    await this.requireAdministeredSchool(actor, schoolId);
    return this.bus.send(GET_BELL_SCHEDULE, { actor: actor.snapshot(), schoolId });
  }

  async setBellSchedule(actor: Actor, schoolId: string, body: BellScheduleBody): Promise<BellScheduleReply> {
    await this.requireAdministeredSchool(actor, schoolId);
    return this.bus.send(SET_BELL_SCHEDULE, { actor: actor.snapshot(), schoolId, body });
  }

  async listRecords(actor: Actor, query: ReportableRecordListQuery): Promise<ReportableRecordPageReply> {
    if (query.schoolId) await this.requireAdministeredSchool(actor, query.schoolId);
    return this.bus.send(LIST_REPORTABLE_RECORDS, {
      actor: actor.snapshot(),
      from: query.from,
      to: query.to,
      schoolId: query.schoolId,
      eligible: query.eligible,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  async listIneligible(actor: Actor, query: ReportingListQuery): Promise<IneligibleSessionPageReply> {
    if (query.schoolId) await this.requireAdministeredSchool(actor, query.schoolId);
    return this.bus.send(LIST_INELIGIBLE_SESSIONS, {
      actor: actor.snapshot(),
      from: query.from,
      to: query.to,
      schoolId: query.schoolId,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  /** Another district's school, and for a school admin a school not theirs, is 404. */
  private async requireAdministeredSchool(actor: Actor, schoolId: string): Promise<void> {
    const exists = await this.transactions.run(actor.districtId, (em) => em.count(School, { id: schoolId }));
    if (!exists || !actor.canAdministerSchool(schoolId)) throw new NotFound('school', schoolId);
  }
}
