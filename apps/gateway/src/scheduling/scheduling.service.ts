import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { DomainError, Forbidden, invalid, Page, pageOf } from '@sessionledger/common';
import {
  CANCEL_OCCURRENCE,
  CancelOccurrenceBody,
  ClosureDaysBody,
  ClosureDaysReply,
  CREATE_SERIES,
  CreateSeriesBody,
  EDIT_SERIES,
  EditSeriesBody,
  GET_CLOSURE_DAYS,
  GET_SERIES,
  GET_WORK_ORDER,
  LIST_OCCURRENCE_SESSIONS,
  LIST_OCCURRENCES,
  LIST_SERIES,
  OccurrenceReply,
  SeriesPageReply,
  SeriesReply,
  SeriesStudent,
  SET_CLOSURE_DAYS,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { StaffApproval, Student, StudentGroup } from '../directory/directory.entities';
import { activeProviderProblem } from '../directory/staff/staff.service';
import { placeableSchoolProblem } from '../directory/students/student-scope';
import { OccurrencesQuery, SeriesListQuery } from './scheduling.dto';


/**
 * Series live in scheduling. The gateway resolves what only it knows (the
 * provider's approval at the school, the group, the students, the work
 * order in payroll) and sends the command; scheduling applies the rule.
 */
@Injectable()
export class SchedulingService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  async create(actor: Actor, body: CreateSeriesBody): Promise<SeriesReply> {
    const providerId = body.providerId ?? (actor.has('provider') ? actor.userId : undefined);
    if (!providerId) throw invalid('providerId', 'is required: name the provider the series is for');
    const ownSeries = providerId === actor.userId && actor.has('provider');
    if (!ownSeries && !actor.has('district_admin') && !actor.has('school_admin')) {
      throw new Forbidden('SERIES.NOT_ALLOWED', 'A provider schedules their own series only');
    }
    const resolved = await this.transactions.run(actor.districtId, async (em) => {
      const group = body.groupId ? await em.findOne(StudentGroup, { id: body.groupId, active: true }) : null;
      if (body.groupId && (!group || group.providerId !== providerId)) throw invalid('groupId', 'must be an active group of the provider');
      const schoolId = body.schoolId ?? group?.schoolId ?? (await this.onlySchool(em, providerId));
      if (ownSeries && !actor.canAdministerSchool(schoolId)) {
        if (!actor.schoolIds.includes(schoolId) || (await activeProviderProblem(em, providerId, schoolId))) throw invalid('schoolId', 'must be a school you are approved at');
      } else {
        const schoolProblem = await placeableSchoolProblem(em, actor, schoolId);
        if (schoolProblem) throw invalid('schoolId', schoolProblem);
        const providerProblem = await activeProviderProblem(em, providerId, schoolId);
        if (providerProblem) throw invalid('providerId', providerProblem);
      }
      if (group && group.schoolId !== schoolId) throw invalid('groupId', 'belongs to another school than the series’');
      return { schoolId, groupName: group?.name ?? null, students: await this.students(em, body) };
    });
    if (body.workOrderId) await this.assertWorkOrder(actor, body.workOrderId, providerId, resolved.schoolId);
    return this.bus.send(CREATE_SERIES, { actor: actor.snapshot(), body, providerId, ...resolved });
  }

  list(actor: Actor, query: SeriesListQuery): Promise<SeriesPageReply> {
    return this.bus.send(LIST_SERIES, {
      actor: actor.snapshot(),
      providerId: query.providerId,
      schoolId: query.schoolId,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  get(actor: Actor, seriesId: string): Promise<SeriesReply> {
    return this.bus.send(GET_SERIES, { actor: actor.snapshot(), seriesId });
  }

  /** Scheduling expands the whole window (at most 366 days: a few hundred occurrences); the page is cut from it. */
  async occurrences(actor: Actor, seriesId: string, query: OccurrencesQuery): Promise<Page<OccurrenceReply>> {
    const all = await this.bus.send(LIST_OCCURRENCES, { actor: actor.snapshot(), seriesId, from: query.from, to: query.to, updatedSince: query.updatedSince });
    // The documented order, whatever order the expansion produced; keys are unique within a series and UTC ISO strings sort as instants.
    all.sort((a, b) => a.occurrenceStart.localeCompare(b.occurrenceStart));
    const offset = (query.page - 1) * query.pageSize;
    return pageOf(all.slice(offset, offset + query.pageSize), all.length, query);
  }

  /**
   * Only session-log knows which occurrences gave a session, and an edit of
   * the whole series must leave those as they are; a "this occurrence" edit
   * changes nothing a session points at.
   */
  async edit(actor: Actor, seriesId: string, body: EditSeriesBody): Promise<SeriesReply> {
    const startedOccurrences =
      body.scope === 'this' ? undefined : (await this.bus.send(LIST_OCCURRENCE_SESSIONS, { actor: actor.snapshot(), seriesId })).items.map((item) => item.occurrenceStart);
    return this.bus.send(EDIT_SERIES, { actor: actor.snapshot(), seriesId, body, startedOccurrences });
  }

  cancel(actor: Actor, seriesId: string, body: CancelOccurrenceBody): Promise<OccurrenceReply> {
    return this.bus.send(CANCEL_OCCURRENCE, { actor: actor.snapshot(), seriesId, body });
  }

  closureDays(actor: Actor): Promise<ClosureDaysReply> {
    return this.bus.send(GET_CLOSURE_DAYS, { actor: actor.snapshot() });
  }

  setClosureDays(actor: Actor, body: ClosureDaysBody): Promise<ClosureDaysReply> {
    return this.bus.send(SET_CLOSURE_DAYS, { actor: actor.snapshot(), body });
  }

  /** Without a school named, the provider's only approved school. */
  private async onlySchool(em: EntityManager, providerId: string): Promise<string> {
    const approvals = await em.find(StaffApproval, { userId: providerId });
    if (approvals.length !== 1) {
      throw invalid('schoolId', approvals.length === 0 ? 'the provider is not approved at any school' : `is required: the provider is approved at ${approvals.length} schools`);
    }
    return approvals[0].schoolId;
  }

  /**
   * A group series takes its students from the group when each session
   * starts; an ad hoc one names them (across the district's schools, as ad
   * hoc sessions do). An individual series is for one student.
   */
  private async students(em: EntityManager, body: CreateSeriesBody): Promise<SeriesStudent[]> {
    const studentIds = body.studentIds ?? [];
    if (body.groupId && studentIds.length) throw invalid('studentIds', 'must be left out for a group series: the group gives the students');
    if (body.type === 'individual' && (body.groupId || studentIds.length !== 1)) throw invalid('studentIds', 'an individual series names exactly one student and no group');
    if (body.groupId) return [];
    if (!studentIds.length) throw invalid('studentIds', 'name at least one student, or a group');
    const students = await em.find(Student, { id: { $in: studentIds }, active: true }, { orderBy: { lastName: 'asc', firstName: 'asc' } });
    if (students.length !== studentIds.length) throw invalid('studentIds', 'must all be active students of the district');
    return students.map((student) => ({ studentId: student.id, name: `${student.firstName} ${student.lastName}` }));
  }

  /** A series' work order must be the provider's, at the series' school, and active. */
  private async assertWorkOrder(actor: Actor, workOrderId: string, providerId: string, schoolId: string): Promise<void> {
    const order = await this.bus.send(GET_WORK_ORDER, { actor: actor.snapshot(), workOrderId }).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'not_found') return null;
      throw error;
    });
    if (!order || !order.active || order.providerId !== providerId || order.schoolId !== schoolId) {
      throw invalid('workOrderId', 'must be an active work order of the provider at the series’ school');
    }
  }
}
