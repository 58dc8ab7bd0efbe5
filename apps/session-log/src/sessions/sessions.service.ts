import { Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Conflict, Forbidden, invalid, ValidationFailed } from '@sessionledger/common';
import { AssignWorkOrderCommand, CancelSessionCommand, CoachingLogCommand, DurationCommand, EndSessionCommand, ListOccurrenceSessionsCommand, NoShowCommand, OccurrenceSessionsReply, SessionRef, SessionWriteReply, StartSessionCommand, TagsCommand, UpdateSessionCommand } from '@sessionledger/contracts';
import { cancellationStatus, defaultAdjustedMinutes, localDate, MIN_DURATION_MINUTES, rawMinutes } from '@sessionledger/session-rules';
import { TenantTransactions } from '@sessionledger/persistence';
import { serviceOf } from '../catalog/session-catalog.service';
import { writeFacts } from '../district-context';
import { coachingLogProblems } from './coaching-log';
import { createTasks } from './post-session-tasks';
import { assertDescription, CLOCK_SKEW_MS, startTimeProblem } from './session-rules';
import { applyDuration, applySessionFields, applyTags, applyWorkOrder } from './session-changes';
import { recordChange, SessionWrites } from './session-writes';
import { OccurrenceClaim, Participant, Session } from './session.entities';

function emptyToNull(text: string | null | undefined): string | null {
  return text?.trim() || null;
}


/** Everyone still in the room leaves when the session ends. */
function timeEveryoneOut(participants: Participant[], endedAt: Date): void {
  for (const p of participants) {
    if (p.timeIn && !p.timeOut) p.timeOut = endedAt < p.timeIn ? p.timeIn : endedAt;
    // Clocked out (while running) later than the end entered: times stay inside the session, as they must once it has ended.
    else if (p.timeIn && p.timeOut && p.timeOut > endedAt) p.timeOut = endedAt < p.timeIn ? p.timeIn : endedAt;
  }
}

/**
 * A session's life as a whole: start, edit, end, cancel, no-show, duration,
 * tags, work order, coaching log, delete. Participants have their own service.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly writes: SessionWrites,
  ) {}

  async start(command: StartSessionCommand): Promise<SessionWriteReply> {
    const { actor, body } = command;
    if (!actor.roles.includes('provider')) throw new Forbidden('SESSION.PROVIDERS_ONLY', 'Only providers run sessions');
    try {
      return await this.transactions.run(actor.districtId, async (em) => {
        const { catalog, district } = await writeFacts(em, actor.districtId);
        const now = new Date();
        const service = serviceOf(catalog, body.service);
        if (!service) throw invalid('service', `${body.service} is not a service of the district (${catalog.services.map((s) => s.code).join(', ')})`);
        if (service.participantKind === 'staff' && command.group) throw invalid('groupId', `${service.name} sessions coach staff, not a group of students`);
        const startedAt = new Date(body.startedAt);
        const startProblem = startTimeProblem(startedAt, now, district);
        if (startProblem) throw invalid('startedAt', startProblem);

        const session = new Session({
          districtId: actor.districtId,
          providerId: actor.userId,
          providerName: actor.displayName,
          schoolId: command.schoolId,
          service: service.code,
          participantKind: service.participantKind,
          sessionDate: localDate(startedAt, district.timeZone),
          startedAt,
          createdBy: actor.userId,
        });
        session.description = emptyToNull(body.description);
        session.familyInvolvement = body.familyInvolvement ?? false;
        session.plannedMinutes = body.plannedMinutes ?? null;
        session.activitiesDescription = emptyToNull(body.activitiesDescription);
        if (body.occurrence) [session.occurrenceSeriesId, session.occurrenceStart] = [body.occurrence.seriesId, new Date(body.occurrence.occurrenceStart)];
        if (command.group) [session.groupId, session.groupName] = [command.group.id, command.group.name];
        if (command.workOrder) {
          [session.workOrderId, session.workOrderType, session.workOrderAssignedAt] = [command.workOrder.id, command.workOrder.type, now];
        }
        const problems = assertDescription(session, catalog);
        if (problems.length) throw new ValidationFailed(problems);

        if (session.occurrenceSeriesId && session.occurrenceStart) {
          // Fail early naming the first session; the claim's primary key is what makes it true under concurrency.
          const claim = await em.findOne(OccurrenceClaim, { seriesId: session.occurrenceSeriesId, occurrenceStart: session.occurrenceStart });
          if (claim) throw alreadyStarted(claim.sessionId);
          em.persist(new OccurrenceClaim(actor.districtId, session.occurrenceSeriesId, session.occurrenceStart, session.id));
        }

        // Fail early with the session's id; the unique index below is what makes it true under concurrency.
        const active = await em.findOne(Session, { providerId: actor.userId, state: 'active' }, { fields: ['id'] });
        if (active) throw alreadyActive(active.id);

        em.persist(session);
        // A group's students are timed in at the start (arrival defaults to the start); absent ones are marked so.
        const participants = command.participants.map(
          (snapshot) =>
            new Participant({
              districtId: actor.districtId,
              sessionId: session.id,
              kind: snapshot.kind,
              personId: snapshot.personId,
              name: snapshot.name,
              schoolId: snapshot.schoolId ?? null,
              stateId: snapshot.stateId ?? null,
              homeboundTeacherId: snapshot.homeboundTeacherId ?? null,
              timeIn: startedAt,
              addedBy: actor.userId,
            }),
        );
        // Series defaults may name codes the catalog has since dropped: those are left out, not refused.
        command.participants.forEach((snapshot, index) => {
          participants[index].activities = (snapshot.activities ?? []).filter((code) => service.activities.includes(code));
          participants[index].accommodations = (snapshot.accommodations ?? []).filter((code) => service.accommodations.includes(code));
          participants[index].teacherGroups = snapshot.teacherGroups?.map((g) => ({ id: g.id, name: g.name })) ?? null;
        });
        em.persist(participants);
        createTasks(em, session, district, command.providerEmail, command.providerLanguage);
        recordChange(em, session, actor, 'started', {
          service: session.service,
          startedAt: body.startedAt,
          workOrderId: session.workOrderId,
          groupId: session.groupId,
          participants: participants.length,
        });
        await em.flush();
        return this.writes.reply({ actor, session, participants, catalog }, []);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && /session_one_active_per_provider/.test(error.message)) {
        const active = await this.transactions.run(actor.districtId, (em) => em.findOne(Session, { providerId: actor.userId, state: 'active' }, { fields: ['id'] }));
        throw alreadyActive(active?.id ?? null);
      }
      if (error instanceof UniqueConstraintViolationException && /occurrence_claim_pkey/.test(error.message) && body.occurrence) {
        const { seriesId, occurrenceStart } = body.occurrence;
        const claim = await this.transactions.run(actor.districtId, (em) => em.findOne(OccurrenceClaim, { seriesId, occurrenceStart: new Date(occurrenceStart) }));
        throw alreadyStarted(claim?.sessionId ?? null);
      }
      throw error;
    }
  }

  /** The occurrences of a series that gave a session: an "all" edit of the series leaves them as they are. */
  occurrenceSessions(command: ListOccurrenceSessionsCommand): Promise<OccurrenceSessionsReply> {
    return this.transactions.run(command.actor.districtId, async (em) => {
      const claims = await em.find(OccurrenceClaim, { seriesId: command.seriesId }, { orderBy: { occurrenceStart: 'asc' } });
      return { items: claims.map((claim) => ({ sessionId: claim.sessionId, occurrenceStart: claim.occurrenceStart.toISOString() })) };
    });
  }

  update(command: UpdateSessionCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(command.actor, command.sessionId, { lock: 'session', expectedVersion: body.version }, async (unit) => {
      const changed = applySessionFields(unit, body);
      if (body.plannedMinutes !== undefined) unit.session.plannedMinutes = changed.plannedMinutes = body.plannedMinutes;
      if (body.needsAttention !== undefined) unit.session.needsAttention = changed.needsAttention = body.needsAttention;
      return { action: 'updated', detail: changed };
    });
  }

  end(command: EndSessionCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: body.version, states: ['active'] },
      async ({ session, participants, now }) => {
        const endedAt = new Date(body.endedAt);
        if (endedAt < session.startedAt) throw invalid('endedAt', `must not be before the start (${session.startedAt.toISOString()})`);
        if (endedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalid('endedAt', 'must not be in the future');
        const lateArrival = participants.find((p) => p.timeIn && p.timeIn > endedAt);
        if (lateArrival) throw invalid('endedAt', `must not be before ${lateArrival.name}'s time in (${lateArrival.timeIn!.toISOString()})`);
        session.state = 'ended';
        session.endedAt = endedAt;
        session.adjustedMinutes = defaultAdjustedMinutes(rawMinutes(session.startedAt, endedAt)) || null;
        timeEveryoneOut(participants, endedAt);
        return { action: 'ended', detail: { endedAt: body.endedAt, adjustedMinutes: session.adjustedMinutes } };
      },
    );
  }

  /**
   * A cancelled session: every participant's attendance follows the notice
   * the family gave (DESIGN.md "Attendance"); nobody was there.
   */
  cancel(command: CancelSessionCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: body.version, states: ['active', 'ended'] },
      async ({ session, participants, district, now }) => {
        const cancelledAt = new Date(body.cancelledAt);
        if (cancelledAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalid('cancelledAt', 'must not be in the future');
        const status = cancellationStatus(session.startedAt, cancelledAt, district.settings.cancellationNoticeHours);
        session.state = 'cancelled';
        session.endedAt ??= session.startedAt;
        session.cancelledAt = cancelledAt;
        session.cancelReason = emptyToNull(body.reason);
        session.adjustedMinutes = null;
        for (const p of participants) markAbsent(p, status);
        return {
          action: 'cancelled',
          detail: { cancelledAt: body.cancelledAt, status, noticeHours: district.settings.cancellationNoticeHours, reason: session.cancelReason },
        };
      },
    );
  }

  /** Nobody came and nobody called: everyone is missed_billable, and the session ends as planned. */
  noShow(command: NoShowCommand): Promise<SessionWriteReply> {
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: command.body.version, states: ['active', 'ended'] },
      async ({ session, participants }) => {
        if (participants.length === 0) throw new Conflict('SESSION.NO_PARTICIPANTS', 'A no-show needs the students who did not come: add them first');
        for (const p of participants) markAbsent(p, 'missed_billable');
        if (session.state === 'active') {
          session.state = 'ended';
          session.endedAt = new Date(session.startedAt.getTime() + (session.plannedMinutes ?? 0) * 60_000);
          session.adjustedMinutes = session.plannedMinutes ? Math.max(MIN_DURATION_MINUTES, defaultAdjustedMinutes(session.plannedMinutes)) : null;
        }
        return { action: 'no-show', detail: { participants: participants.length } };
      },
    );
  }

  /**
   * The adjusted duration: 5-minute steps, 15 minutes at least, the planned
   * duration plus 30 at most; outside that only an admin, with a reason, and
   * the override is kept on the session and in its trail.
   */
  setDuration(command: DurationCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: body.version, states: ['ended'] },
      async (unit) => applyDuration(unit, body.minutes, body.reason),
    );
  }

  /** Tags (today: Career Ladder goals) go on a session once it has ended. */
  setTags(command: TagsCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: body.version, states: ['ended'] },
      async (unit) => applyTags(unit, body.tags),
    );
  }

  /** A work order after the fact: only within the district's window after the session's day. */
  assignWorkOrder(command: AssignWorkOrderCommand): Promise<SessionWriteReply> {
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: command.version, states: ['active', 'ended', 'cancelled'] },
      async (unit) => applyWorkOrder(unit, command.workOrder),
    );
  }

  saveCoachingLog(command: CoachingLogCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(
      command.actor,
      command.sessionId,
      { lock: 'session', expectedVersion: body.version, states: ['active', 'ended'] },
      async ({ session, catalog }) => {
        if (session.participantKind !== 'staff') throw new Conflict('SESSION.NOT_COACHING', 'Only coaching sessions have a coaching log');
        const problems = coachingLogProblems(body.values, catalog.coachingFields, { requireAll: true });
        if (problems.length) throw new ValidationFailed(problems);
        session.coachingLog = { ...body.values };
        return { action: 'coaching-log-saved', detail: { fields: Object.keys(body.values) } };
      },
    );
  }

  /** Only a running session is deleted (a mistaken start); its tasks and its occurrence claim go with it (the occurrence can be started again), its trail stays. */
  async delete(command: SessionRef): Promise<{ deleted: true }> {
    const { actor } = command;
    await this.writes.change(actor, command.sessionId, { lock: 'session', states: ['active'] }, async ({ em, session, participants, now }) => {
      em.remove(participants);
      em.remove(session);
      participants.length = 0;
      return { action: 'deleted', detail: { at: now.toISOString() } };
    });
    return { deleted: true };
  }
}

function markAbsent(p: Participant, status: Participant['attendanceStatus']): void {
  p.present = false;
  p.attendanceStatus = status;
  p.timeIn = p.timeOut = null;
}

/** A second session of one occurrence would be paid twice for one planned slot. */
function alreadyStarted(sessionId: string | null): Conflict {
  return new Conflict(
    'OCCURRENCE.ALREADY_STARTED',
    sessionId ? `A session was already started from this occurrence (${sessionId})` : 'A session was already started from this occurrence',
    { sessionId },
  );
}

function alreadyActive(activeSessionId: string | null): Conflict {
  return new Conflict(
    'SESSION.ALREADY_ACTIVE',
    activeSessionId
      ? `You already have an active session (${activeSessionId}): end or delete it before starting another`
      : 'You already have an active session: end or delete it before starting another',
    { activeSessionId },
  );
}
