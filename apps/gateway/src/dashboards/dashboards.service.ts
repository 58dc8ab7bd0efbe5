import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { NotFound } from '@sessionledger/common';
import {
  COACHING_DASHBOARD,
  CoachingDashboardReply,
  DOSAGE_DASHBOARD,
  DosageDashboardReply,
  MINUTES_DASHBOARD,
  MinutesDashboardReply,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog } from '../audit/audit-log';
import { School } from '../directory/directory.entities';
import { CoachingDashboardQuery, DashboardQuery, DosageDashboardQuery, MinutesDashboardQuery } from './dashboards.dto';

/** Dashboards are state reporting's aggregates; the gateway checks the school named is the admin's and sends the query. */
@Injectable()
export class DashboardsService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  async minutes(actor: Actor, query: MinutesDashboardQuery): Promise<MinutesDashboardReply> {
    await this.requireAdministeredSchool(actor, query.schoolId);
    return this.bus.send(MINUTES_DASHBOARD, { actor: actor.snapshot(), ...filters(query), groupBy: query.groupBy });
  }

  async dosage(actor: Actor, query: DosageDashboardQuery): Promise<DosageDashboardReply> {
    await this.requireAdministeredSchool(actor, query.schoolId);
    const reply = await this.bus.send(DOSAGE_DASHBOARD, { actor: actor.snapshot(), ...filters(query), page: query.page, pageSize: query.pageSize });
    // The one dashboard that shows students by name: an entry per student on the page shown. The grouped ones show no one student.
    await this.audit.recordApart(
      actor,
      reply.items.map((item) => ({ action: 'dashboard.student.read' as const, subjectType: 'dashboard', studentId: item.studentId, detail: { dashboard: 'dosage', from: query.from ?? null, to: query.to ?? null } })),
    );
    return reply;
  }

  async coaching(actor: Actor, query: CoachingDashboardQuery): Promise<CoachingDashboardReply> {
    await this.requireAdministeredSchool(actor, query.schoolId);
    return this.bus.send(COACHING_DASHBOARD, { actor: actor.snapshot(), ...filters(query), groupBy: query.groupBy });
  }

  /** Another district's school, and for a school admin a school not theirs, is 404. */
  private async requireAdministeredSchool(actor: Actor, schoolId: string | undefined): Promise<void> {
    if (!schoolId) return;
    const exists = await this.transactions.run(actor.districtId, (em) => em.count(School, { id: schoolId }));
    if (!exists || !actor.canAdministerSchool(schoolId)) throw new NotFound('school', schoolId);
  }
}

function filters(query: DashboardQuery) {
  return { from: query.from, to: query.to, schoolId: query.schoolId, anonymized: query.anonymized };
}
