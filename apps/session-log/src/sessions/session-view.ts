import { FamilySessionReply, ParticipantReply, SessionAudience, SessionReply, SessionView, StaffAudience } from '@sessionledger/contracts';
import { rawMinutes } from '@sessionledger/session-rules';
import { Participant, Session } from './session.entities';

/**
 * Cuts a session for its reader. Note audiences (DESIGN.md "Notes") are
 * applied here and nowhere else, for every route that returns a session:
 *
 * | note         | admin | provider | guardian | student |
 * | student note |  yes  |   yes    |   yes    |   yes   |
 * | client note  |  yes  |   yes    |   yes    |   no    |
 * | admin note   |  yes  |   yes    |   no     |   no    |
 *
 * Guardians and students get another shape altogether (`toFamilyReply`),
 * built field by field from what DESIGN.md "What families see" allows, so a
 * field added to the staff view never reaches them by default. A note a
 * reader may not see is left out of the reply, not blanked.
 */
export function toSessionView(
  session: Session,
  participants: Participant[],
  audience: SessionAudience,
  viewerStudentIds: readonly string[],
  noteTemplate: string | null = null,
): SessionView {
  if (audience === 'guardian' || audience === 'student') return toFamilyReply(session, participants, audience, viewerStudentIds);
  return toSessionReply(session, participants, audience, noteTemplate);
}

/** Date, time, provider, and per own child (or self) the subject tutored and the notes of the audience; nothing else. */
function toFamilyReply(session: Session, participants: Participant[], audience: 'guardian' | 'student', viewerStudentIds: readonly string[]): FamilySessionReply {
  const own = participants.filter((p) => p.kind === 'student' && viewerStudentIds.includes(p.personId)).sort(byArrival);
  return {
    id: session.id,
    audience,
    sessionDate: session.sessionDate,
    startedAt: session.startedAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    providerName: session.providerName,
    participants: own.map((p) => ({
      personId: p.personId,
      name: p.name,
      subject: p.subject,
      studentNote: p.studentNote,
      ...(audience === 'guardian' ? { clientNote: p.clientNote } : {}),
    })),
  };
}

export function toSessionReply(session: Session, participants: Participant[], audience: StaffAudience, noteTemplate: string | null = null): SessionReply {
  return {
    id: session.id,
    audience,
    providerId: session.providerId,
    providerName: session.providerName,
    schoolId: session.schoolId,
    service: session.service,
    participantKind: session.participantKind,
    group: session.groupId ? { id: session.groupId, name: session.groupName ?? '' } : null,
    workOrder:
      session.workOrderId && session.workOrderType
        ? { id: session.workOrderId, type: session.workOrderType, assignedAt: (session.workOrderAssignedAt ?? session.createdAt).toISOString() }
        : null,
    description: session.description,
    familyInvolvement: session.familyInvolvement,
    activitiesDescription: session.activitiesDescription,
    state: session.state,
    posted: session.postedVersion !== null ? { version: session.postedVersion, at: (session.postedAt ?? session.createdAt).toISOString() } : null,
    sessionDate: session.sessionDate,
    startedAt: session.startedAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    rawMinutes: session.endedAt ? rawMinutes(session.startedAt, session.endedAt) : null,
    plannedMinutes: session.plannedMinutes,
    ...(session.occurrenceSeriesId && session.occurrenceStart
      ? { occurrence: { seriesId: session.occurrenceSeriesId, occurrenceStart: session.occurrenceStart.toISOString() } }
      : {}),
    adjustedMinutes: session.adjustedMinutes,
    durationOverride:
      session.durationOverrideReason && session.adjustedMinutes !== null
        ? {
            minutes: session.adjustedMinutes,
            reason: session.durationOverrideReason,
            by: session.durationOverrideBy ?? '',
            at: (session.durationOverrideAt ?? session.createdAt).toISOString(),
          }
        : null,
    cancelledAt: session.cancelledAt?.toISOString() ?? null,
    cancelReason: session.cancelReason,
    needsAttention: session.needsAttention,
    noteTemplate,
    tags: session.tags,
    coachingLog: session.coachingLog,
    participants: [...participants].sort(byArrival).map(toParticipantReply),
    version: session.version,
    createdAt: session.createdAt.toISOString(),
  };
}

function byArrival(a: Participant, b: Participant): number {
  return a.addedAt.getTime() - b.addedAt.getTime() || a.id.localeCompare(b.id);
}

function toParticipantReply(p: Participant): ParticipantReply {
  return {
    id: p.id,
    kind: p.kind,
    personId: p.personId,
    name: p.name,
    schoolId: p.schoolId,
    timeIn: p.timeIn?.toISOString() ?? null,
    timeOut: p.timeOut?.toISOString() ?? null,
    timeAwayMinutes: p.timeAwayMinutes,
    present: p.present,
    attendanceStatus: p.attendanceStatus,
    qualifiers: {
      homebound: p.homebound,
      detention: p.detention,
      creditRecovery: p.creditRecovery,
      remedial: p.remedial,
      remedialCriteria: p.remedialCriteria,
      subject: p.subject,
    },
    activities: p.activities,
    accommodations: p.accommodations,
    studentNote: p.studentNote,
    clientNote: p.clientNote,
    adminNote: p.adminNote,
    version: p.version,
  };
}
