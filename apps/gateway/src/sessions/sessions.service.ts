import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { Conflict, DomainError, invalid, NotFound, Page, SyncPageQuery } from '@sessionledger/common';
import { ADD_PARTICIPANT, AddParticipantBody, ASSIGN_WORK_ORDER, AssignWorkOrderBody, CANCEL_SESSION, CancelSessionBody, CatalogReply, CoachingLogBody, DELETE_SESSION, DurationBody, END_SESSION, EndSessionBody, GET_OCCURRENCE, GET_SESSION, GET_SESSION_AUDIT, GET_SESSION_CATALOG, GET_SESSION_HISTORY, GET_WORK_ORDER, isStaffView, LIST_SESSIONS, LIST_TASKS, MARK_NO_SHOW, ParticipantSnapshot, REMOVE_PARTICIPANT, SAVE_COACHING_LOG, SessionAuditReply, SessionDefaults, SeriesReply, SessionChangeReply, SessionPageReply, SessionReply, SessionView, SessionWriteReply, SET_DURATION, SET_TAGS, START_SESSION, StartSessionBody, TagsBody, TaskPageReply, UPDATE_PARTICIPANT, UPDATE_SESSION, UPDATE_FUTURE_SESSIONS, UPDATE_SESSION_CATALOG, UpdateParticipantBody, UpdateSessionBody, VersionedBody, WorkOrderReply, WorkOrderSnapshot } from '@sessionledger/contracts';
import { localDate, SessionCatalogDocument, workOrderCoverageProblem } from '@sessionledger/session-rules';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog } from '../audit/audit-log';
import { forReader, pageForReader } from './machine-view';
import { districtTimeZone, participantSnapshot, providerGroup, sessionSchool, viewerStudentIds } from './session-directory';
import { SessionListQuery, TaskListQuery } from './sessions.dto';

/** Each student's activities/accommodations from the series' defaults; session-log drops codes no longer in the catalog. */
function withDefaults(participants: ParticipantSnapshot[], defaults: SessionDefaults | null): ParticipantSnapshot[] {
  if (!defaults) return participants;
  const byStudent = new Map(defaults.participants.map((entry) => [entry.studentId, entry]));
  return participants.map((participant) => {
    const entry = participant.kind === 'student' ? byStudent.get(participant.personId) : undefined;
    return entry ? { ...participant, activities: entry.activities, accommodations: entry.accommodations } : participant;
  });
}

/**
 * Sessions live in session-log. The gateway resolves what only it knows
 * (schools a provider is approved at, groups, students, staff, who a
 * guardian's children are) and what payroll knows (the work order), and
 * sends the command; session-log applies the session rules.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
    private readonly auditLog: AuditLog,
  ) {}

  async start(actor: Actor, requested: StartSessionBody): Promise<SessionWriteReply> {
    const { body, studentIds, defaults } = await this.withOccurrence(actor, requested);
    const resolved = await this.transactions.run(actor.districtId, async (em) => {
      const group = body.groupId ? await providerGroup(em, actor, body.groupId) : null;
      const schoolId = await sessionSchool(em, actor, body.schoolId, group?.group ?? null);
      const sessionDate = localDate(new Date(body.startedAt), await districtTimeZone(em, actor.districtId));
      const students = group ? [] : await Promise.all(studentIds.map((studentId) => participantSnapshot(em, { studentId })));
      const [provider] = await em.execute<{ email: string; language: string }[]>(`select email, language from gateway.app_user where id = ?`, [actor.userId]);
      return { group, schoolId, sessionDate, students, providerEmail: provider?.email, providerLanguage: provider?.language };
    });
    const workOrder = body.workOrderId
      ? await this.coveringWorkOrder(actor, body.workOrderId, { providerId: actor.userId, schoolId: resolved.schoolId, sessionDate: resolved.sessionDate })
      : null;
    return this.bus.send(START_SESSION, {
      actor: actor.snapshot(),
      body,
      schoolId: resolved.schoolId,
      group: resolved.group?.snapshot ?? null,
      participants: withDefaults(resolved.group?.members ?? resolved.students, defaults),
      workOrder,
      providerEmail: resolved.providerEmail,
      providerLanguage: resolved.providerLanguage,
    });
  }

  /** A scheduled occurrence fills in what the body leaves out; a cancelled one does not start. */
  private async withOccurrence(
    actor: Actor,
    requested: StartSessionBody,
  ): Promise<{ body: StartSessionBody; studentIds: string[]; defaults: SessionDefaults | null }> {
    const { occurrence: ref, ...body } = requested;
    if (!ref) return { body, studentIds: [], defaults: null };
    const occurrence = await this.bus.send(GET_OCCURRENCE, { actor: actor.snapshot(), seriesId: ref.seriesId, occurrenceStart: ref.occurrenceStart });
    if (occurrence.providerId !== actor.userId) throw invalid('occurrence', 'must be an occurrence of one of your series');
    if (occurrence.cancellation) throw new Conflict('OCCURRENCE.CANCELLED', `This occurrence was cancelled (${occurrence.cancellation.attendance})`);
    return {
      body: {
        ...body,
        occurrence: { seriesId: occurrence.seriesId, occurrenceStart: occurrence.occurrenceStart },
        service: body.service ?? occurrence.service,
        groupId: body.groupId ?? occurrence.groupId ?? undefined,
        schoolId: body.schoolId ?? occurrence.schoolId,
        workOrderId: body.workOrderId ?? occurrence.workOrderId ?? undefined,
        description: body.description ?? occurrence.description ?? undefined,
        plannedMinutes: body.plannedMinutes ?? occurrence.durationMinutes,
        activitiesDescription: body.activitiesDescription ?? occurrence.sessionDefaults?.activitiesDescription ?? undefined,
      },
      studentIds: body.groupId ? [] : occurrence.students.map((student) => student.studentId),
      defaults: occurrence.sessionDefaults,
    };
  }

  /**
   * "Update future sessions": the session's description, activities
   * description and each student's activities/accommodations become its
   * series' defaults for the occurrences after the session's own.
   */
  async updateFutureSessions(actor: Actor, sessionId: string, version?: number): Promise<SeriesReply> {
    const session = await this.staffSession(actor, sessionId);
    if (!session.occurrence) throw new Conflict('SESSION.NOT_SCHEDULED', 'This session was not started from a scheduled occurrence');
    const defaults: SessionDefaults = {
      description: session.description,
      activitiesDescription: session.activitiesDescription,
      participants: session.participants
        .filter((participant) => participant.kind === 'student')
        .map((participant) => ({ studentId: participant.personId, activities: participant.activities, accommodations: participant.accommodations })),
    };
    return this.bus.send(UPDATE_FUTURE_SESSIONS, {
      actor: actor.snapshot(),
      seriesId: session.occurrence.seriesId,
      after: session.occurrence.occurrenceStart,
      version,
      defaults,
    });
  }

  async list(actor: Actor, query: SessionListQuery): Promise<SessionPageReply> {
    return pageForReader(actor, await this.bus.send(LIST_SESSIONS, {
      actor: actor.snapshot(),
      viewer: { studentIds: await this.viewer(actor) },
      from: query.from,
      to: query.to,
      providerId: query.providerId,
      schoolId: query.schoolId,
      studentId: query.studentId,
      state: query.state,
      needsAttention: query.needsAttention,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    }));
  }

  /** The detail view carries notes: one log entry per student in it, so "who read this student's sessions" finds it. */
  async get(actor: Actor, sessionId: string): Promise<SessionView> {
    const view = await this.bus.send(GET_SESSION, { actor: actor.snapshot(), sessionId, viewer: { studentIds: await this.viewer(actor) } });
    const studentIds = isStaffView(view) ? view.participants.filter((p) => p.kind === 'student').map((p) => p.personId) : view.participants.map((p) => p.personId);
    const detail = { audience: view.audience };
    await this.auditLog.recordApart(
      actor,
      studentIds.length
        ? studentIds.map((studentId) => ({ action: 'session.read' as const, subjectType: 'session', subjectId: view.id, studentId, detail }))
        : [{ action: 'session.read', subjectType: 'session', subjectId: view.id, detail }],
    );
    return forReader(actor, view);
  }

  /** The session as staff who may change it see it; a staff member who is also a guardian gets no family view here. */
  private async staffSession(actor: Actor, sessionId: string): Promise<SessionReply> {
    const view = await this.bus.send(GET_SESSION, { actor: actor.snapshot(), sessionId, viewer: { studentIds: [] } });
    if (!isStaffView(view)) throw new NotFound('session', sessionId);
    return view;
  }

  update(actor: Actor, sessionId: string, body: UpdateSessionBody): Promise<SessionWriteReply> {
    return this.bus.send(UPDATE_SESSION, { actor: actor.snapshot(), sessionId, body });
  }

  end(actor: Actor, sessionId: string, body: EndSessionBody): Promise<SessionWriteReply> {
    return this.bus.send(END_SESSION, { actor: actor.snapshot(), sessionId, body });
  }

  delete(actor: Actor, sessionId: string): Promise<{ deleted: true }> {
    return this.bus.send(DELETE_SESSION, { actor: actor.snapshot(), sessionId });
  }

  cancel(actor: Actor, sessionId: string, body: CancelSessionBody): Promise<SessionWriteReply> {
    return this.bus.send(CANCEL_SESSION, { actor: actor.snapshot(), sessionId, body });
  }

  noShow(actor: Actor, sessionId: string, body: VersionedBody): Promise<SessionWriteReply> {
    return this.bus.send(MARK_NO_SHOW, { actor: actor.snapshot(), sessionId, body });
  }

  setDuration(actor: Actor, sessionId: string, body: DurationBody): Promise<SessionWriteReply> {
    return this.bus.send(SET_DURATION, { actor: actor.snapshot(), sessionId, body });
  }

  setTags(actor: Actor, sessionId: string, body: TagsBody): Promise<SessionWriteReply> {
    return this.bus.send(SET_TAGS, { actor: actor.snapshot(), sessionId, body });
  }

  /** The work order must cover the session as it is (provider, school, day); session-log applies the time window. */
  async assignWorkOrder(actor: Actor, sessionId: string, body: AssignWorkOrderBody): Promise<SessionWriteReply> {
    const workOrder = await this.workOrderFor(actor, sessionId, body.workOrderId);
    return this.bus.send(ASSIGN_WORK_ORDER, { actor: actor.snapshot(), sessionId, version: body.version, workOrder });
  }

  /** A work order that can cover the session as it stands (its provider, school and day), as a snapshot for session-log. */
  async workOrderFor(actor: Actor, sessionId: string, workOrderId: string, field = 'workOrderId'): Promise<WorkOrderSnapshot> {
    const session = await this.staffSession(actor, sessionId);
    return this.coveringWorkOrder(actor, workOrderId, session, field);
  }

  saveCoachingLog(actor: Actor, sessionId: string, body: CoachingLogBody): Promise<SessionWriteReply> {
    return this.bus.send(SAVE_COACHING_LOG, { actor: actor.snapshot(), sessionId, body });
  }

  async addParticipant(actor: Actor, sessionId: string, body: AddParticipantBody): Promise<SessionWriteReply> {
    if (body.studentId && body.staffId) throw invalid('staffId', 'give either studentId or staffId, not both');
    const participant = await this.transactions.run(actor.districtId, (em) => participantSnapshot(em, body));
    return this.bus.send(ADD_PARTICIPANT, { actor: actor.snapshot(), sessionId, participant, timeIn: body.timeIn });
  }

  updateParticipant(actor: Actor, sessionId: string, participantId: string, body: UpdateParticipantBody): Promise<SessionWriteReply> {
    return this.bus.send(UPDATE_PARTICIPANT, { actor: actor.snapshot(), sessionId, participantId, body });
  }

  removeParticipant(actor: Actor, sessionId: string, participantId: string): Promise<SessionWriteReply> {
    return this.bus.send(REMOVE_PARTICIPANT, { actor: actor.snapshot(), sessionId, participantId });
  }

  audit(actor: Actor, sessionId: string): Promise<SessionAuditReply> {
    return this.bus.send(GET_SESSION_AUDIT, { actor: actor.snapshot(), sessionId });
  }

  history(actor: Actor, sessionId: string, query: SyncPageQuery): Promise<Page<SessionChangeReply>> {
    return this.bus.send(GET_SESSION_HISTORY, {
      actor: actor.snapshot(),
      sessionId,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  tasks(actor: Actor, query: TaskListQuery, mine: boolean): Promise<TaskPageReply> {
    return this.bus.send(LIST_TASKS, {
      actor: actor.snapshot(),
      mine,
      overdue: query.overdue,
      open: query.open,
      schoolId: query.schoolId,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  catalog(actor: Actor): Promise<CatalogReply> {
    return this.bus.send(GET_SESSION_CATALOG, { actor: actor.snapshot() });
  }

  updateCatalog(actor: Actor, version: number, catalog: SessionCatalogDocument): Promise<CatalogReply> {
    return this.bus.send(UPDATE_SESSION_CATALOG, { actor: actor.snapshot(), version, catalog });
  }

  /** Payroll answers with the work order only if the actor may see it; anything else is a 400 naming the field. */
  private async coveringWorkOrder(
    actor: Actor,
    workOrderId: string,
    session: { providerId: string; schoolId: string; sessionDate: string },
    field = 'workOrderId',
  ): Promise<WorkOrderSnapshot> {
    let order: WorkOrderReply;
    try {
      order = await this.bus.send(GET_WORK_ORDER, { actor: actor.snapshot(), workOrderId });
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') throw invalid(field, 'is not a work order you can use');
      throw error;
    }
    const problem = workOrderCoverageProblem(order, session);
    if (problem) throw invalid(field, problem);
    return { id: order.id, type: order.type };
  }

  /** Guardians and students read through their children / themselves; staff need no list. */
  private viewer(actor: Actor): Promise<string[]> {
    if (!actor.has('guardian') && !actor.has('student')) return Promise.resolve([]);
    return this.transactions.run(actor.districtId, (em) => viewerStudentIds(em, actor));
  }
}
