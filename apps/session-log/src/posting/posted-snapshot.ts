import { EntityManager } from '@mikro-orm/postgresql';
import { PostedSessionSnapshot } from '@sessionledger/contracts';
import { postedContentHash, rawMinutes } from '@sessionledger/session-rules';
import { SchoolReplica } from '@sessionledger/district-replica';
import { careerLadderGoalTagged, payableMinutes } from '../sessions/session-audit';
import { Participant } from '../sessions/session.entities';
import { SessionUnit } from '../sessions/session-writes';

/** Minutes of service a participant received: time present less time away; none when absent. */
export function serviceMinutes(p: Participant): number {
  if (p.attendanceStatus !== 'attended' || !p.timeIn || !p.timeOut) return 0;
  return Math.max(0, rawMinutes(p.timeIn, p.timeOut) - p.timeAwayMinutes);
}

/**
 * The session exactly as signed — what payroll and state reporting receive,
 * never notes — with the SHA-256 of its canonical JSON.
 */
export async function postedSnapshot(
  unit: Pick<SessionUnit, 'em' | 'session' | 'participants' | 'catalog'>,
  version: number,
  signedAt: Date,
  signedBy: string,
): Promise<PostedSessionSnapshot> {
  const { session, participants } = unit;
  const codes = await schoolCodes(unit.em, [session.schoolId, ...participants.map((p) => p.schoolId)]);
  const content: Omit<PostedSessionSnapshot, 'contentHash' | 'signedAt' | 'signedBy'> = {
    sessionId: session.id,
    version,
    providerId: session.providerId,
    providerName: session.providerName,
    schoolId: session.schoolId,
    schoolCode: codes.get(session.schoolId) ?? null,
    service: session.service,
    participantKind: session.participantKind,
    workOrderId: session.workOrderId,
    workOrderType: session.workOrderType,
    sessionDate: session.sessionDate,
    startedAt: session.startedAt.toISOString(),
    endedAt: (session.endedAt ?? session.startedAt).toISOString(),
    state: session.state === 'cancelled' ? 'cancelled' : 'ended',
    rawMinutes: session.endedAt ? rawMinutes(session.startedAt, session.endedAt) : 0,
    adjustedMinutes: payableMinutes(session),
    plannedMinutes: session.plannedMinutes,
    description: session.description,
    familyInvolvement: session.familyInvolvement,
    tags: [...session.tags],
    careerLadderGoalTagged: careerLadderGoalTagged(session, unit.catalog),
    coachingLog: session.participantKind === 'staff' ? (session.coachingLog ?? null) : null,
    participants: participants.map((p) => ({
      participantId: p.id,
      kind: p.kind,
      personId: p.personId,
      name: p.name,
      stateId: p.stateId,
      schoolId: p.schoolId,
      schoolCode: p.schoolId ? (codes.get(p.schoolId) ?? null) : null,
      // Only when recorded, so snapshots (and their hashes) of sessions without them are unchanged.
      ...(p.teacherGroups ? { teacherGroups: p.teacherGroups.map((g) => ({ id: g.id, name: g.name })) } : {}),
      attendanceStatus: p.attendanceStatus!,
      timeIn: p.timeIn?.toISOString() ?? null,
      timeOut: p.timeOut?.toISOString() ?? null,
      timeAwayMinutes: p.timeAwayMinutes,
      minutes: serviceMinutes(p),
      qualifiers: {
        homebound: p.homebound,
        detention: p.detention,
        creditRecovery: p.creditRecovery,
        remedial: p.remedial,
        remedialCriteria: [...p.remedialCriteria],
        subject: p.subject,
      },
      activities: [...p.activities],
    })),
  };
  return { ...content, contentHash: postedContentHash(content), signedAt: signedAt.toISOString(), signedBy };
}

/** State school codes from this service's school replica (absent until the school's first change arrives). */
async function schoolCodes(em: EntityManager, schoolIds: (string | null)[]): Promise<Map<string, string>> {
  const ids = [...new Set(schoolIds.filter((id): id is string => id !== null))];
  const schools = ids.length ? await em.find(SchoolReplica, { id: { $in: ids } }) : [];
  return new Map(schools.map((school) => [school.id, school.stateSchoolCode]));
}
