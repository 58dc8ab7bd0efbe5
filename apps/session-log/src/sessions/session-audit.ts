import { AuditProblem } from '@sessionledger/contracts';
import { CAREER_LADDER, durationRangeProblem, findWorkOrderType, payability, Payability, rawMinutes, defaultAdjustedMinutes, MIN_DURATION_MINUTES, PROVIDER_PAID, SessionCatalogDocument } from '@sessionledger/session-rules';
import { coachingLogProblems } from './coaching-log';
import { descriptionProblem } from './session-rules';
import { Participant, Session } from './session.entities';

/** The duration the rule's ceiling counts from: the plan, or the session as run when nothing was planned. */
export function plannedMinutesOf(session: Session): number | null {
  if (session.plannedMinutes !== null) return session.plannedMinutes;
  return session.endedAt ? defaultAdjustedMinutes(rawMinutes(session.startedAt, session.endedAt)) : null;
}

/**
 * The minutes pay and billing count: the adjusted duration of a session that
 * ran; for a cancelled one, the planned duration (a late cancellation pays
 * the provider for the time that was booked), in 5-minute steps, at least 15.
 */
export function payableMinutes(session: Session): number | null {
  if (session.state !== 'cancelled') return session.adjustedMinutes;
  return session.plannedMinutes === null ? null : Math.max(MIN_DURATION_MINUTES, defaultAdjustedMinutes(session.plannedMinutes));
}

export function careerLadderGoalTagged(session: Session, catalog: SessionCatalogDocument): boolean {
  return session.tags.some((tag) => catalog.careerLadderGoals.some((goal) => goal.code === tag));
}

export function paymentOf(session: Session, participants: Participant[], catalog: SessionCatalogDocument): Payability {
  return payability({
    districtId: session.districtId,
    workOrderType: session.workOrderType,
    description: session.description,
    careerLadderGoalTagged: careerLadderGoalTagged(session, catalog),
    participants: participants.map((p) => ({
      attendanceStatus: p.attendanceStatus,
      qualifiers: { homebound: p.homebound, detention: p.detention, creditRecovery: p.creditRecovery, remedial: p.remedial },
    })),
  });
}

/**
 * Everything that stands between a session and posting, each named so the
 * provider can fix it. An empty list means the session may be posted.
 */
export function auditProblems(session: Session, participants: Participant[], catalog: SessionCatalogDocument): AuditProblem[] {
  const problems: AuditProblem[] = [];
  if (session.state === 'active') problems.push({ code: 'SESSION.NOT_ENDED', message: 'The session has not ended' });
  if (participants.length === 0) problems.push({ code: 'SESSION.NO_PARTICIPANTS', message: 'Nobody took part in the session' });

  const description = descriptionProblem(session, catalog);
  if (description) problems.push({ code: description.code, message: description.message });

  for (const p of participants) {
    if (!p.attendanceStatus) problems.push({ code: 'PARTICIPANT.NO_ATTENDANCE', message: `${p.name} has no attendance status`, participantId: p.id });
    if (p.attendanceStatus === 'attended' && p.kind === 'student' && !p.studentNote?.trim()) {
      problems.push({ code: 'PARTICIPANT.NO_STUDENT_NOTE', message: `${p.name} has no student note`, participantId: p.id });
    }
    if (p.attendanceStatus === 'attended' && (!p.timeIn || !p.timeOut)) {
      problems.push({ code: 'PARTICIPANT.TIMES_MISSING', message: `${p.name} has no time in or time out`, participantId: p.id });
    }
  }

  const somebodyAttended = participants.some((p) => p.attendanceStatus === 'attended' || p.attendanceStatus === 'missed_billable');
  if (session.state === 'ended' && somebodyAttended) {
    const planned = plannedMinutesOf(session);
    if (session.adjustedMinutes === null) {
      problems.push({ code: 'SESSION.DURATION_MISSING', message: 'The session has no duration' });
    } else if (planned !== null && !session.durationOverrideReason) {
      const range = durationRangeProblem(session.adjustedMinutes, planned);
      if (range) problems.push({ code: 'SESSION.DURATION_OUT_OF_RANGE', message: `The duration ${range}` });
    }
  }

  const lateCancellation = session.state === 'cancelled' && participants.some((p) => p.attendanceStatus && PROVIDER_PAID[p.attendanceStatus]);
  if (lateCancellation && payableMinutes(session) === null) {
    problems.push({ code: 'SESSION.PLANNED_MINUTES_MISSING', message: 'A late cancellation is paid for the planned duration: set plannedMinutes' });
  }

  if (session.participantKind === 'staff' && session.state === 'ended') {
    for (const problem of coachingLogProblems(session.coachingLog ?? {}, catalog.coachingFields, { requireAll: true })) {
      problems.push({ code: 'SESSION.COACHING_LOG_INCOMPLETE', message: `Coaching log: ${problem.field.replace(/^values\./, '')} ${problem.problems.join(', ')}` });
    }
  }
  return problems;
}

/**
 * What does not stop posting but keeps the session out of pay or the state
 * export. An untagged Career Ladder session is the seeds' case: it "will not be
 * eligible for export" (and is not paid), yet it is a true record of a
 * session that happened, so it is posted and can be tagged by amendment.
 */
export function auditWarnings(session: Session, catalog: SessionCatalogDocument): AuditProblem[] {
  const warnings: AuditProblem[] = [];
  if (session.workOrderType === CAREER_LADDER && session.state !== 'cancelled' && !careerLadderGoalTagged(session, catalog)) {
    warnings.push({
      code: 'SESSION.CAREER_LADDER_GOAL_MISSING',
      message: `${findWorkOrderType(session.districtId, CAREER_LADDER)?.name} sessions not tagged with a Career Ladder goal are neither paid nor exported to the state`,
    });
  }
  return warnings;
}
