import { ActorSnapshot, SessionAudience } from '@sessionledger/contracts';
import { Participant, Session } from './session.entities';

/**
 * Who may see and change a session — the one place these rules live.
 * Admins reach the sessions of their schools (district admins every school),
 * providers their own sessions, guardians and students only the posted sessions
 * their children / they took part in. Anyone else finds nothing (404, not 403).
 */
export function administers(actor: ActorSnapshot, schoolId: string): boolean {
  return actor.roles.includes('district_admin') || (actor.roles.includes('school_admin') && actor.schoolIds.includes(schoolId));
}

export function isOwnSession(actor: ActorSnapshot, session: Session): boolean {
  return actor.roles.includes('provider') && session.providerId === actor.userId;
}

export function canChange(actor: ActorSnapshot, session: Session): boolean {
  return administers(actor, session.schoolId) || isOwnSession(actor, session);
}

/** The audience a reader falls in for this session, or null when they may not see it at all. */
export function audienceFor(actor: ActorSnapshot, session: Session, participants: Participant[], viewerStudentIds: readonly string[]): SessionAudience | null {
  if (administers(actor, session.schoolId)) return 'admin';
  if (isOwnSession(actor, session)) return 'provider';
  // Families see what was signed: an unposted session can still change, and is the provider's working copy.
  if (session.postedVersion === null) return null;
  const ownChildTookPart = participants.some((p) => p.kind === 'student' && viewerStudentIds.includes(p.personId));
  if (!ownChildTookPart) return null;
  if (actor.roles.includes('guardian')) return 'guardian';
  if (actor.roles.includes('student')) return 'student';
  return null;
}
