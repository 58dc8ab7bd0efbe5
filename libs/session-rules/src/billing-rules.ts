import { AttendanceStatus, FAMILY_BILLED } from './session-rules';

/** What the billing rule reads of a participant. */
export interface BilledParticipant {
  kind: string;
  attendanceStatus: AttendanceStatus | null;
  /** Time present less time away. */
  minutes: number;
}

export interface BilledSession {
  /** The session's clock minutes, start to end. */
  rawMinutes: number;
  /** The minutes the provider is paid on (the adjusted duration; planned for a late cancellation). */
  paidMinutes: number | null;
}

/**
 * The minutes a student is billed, so that pay and billing agree: the paid
 * (possibly adjusted) duration for a student there for the whole session, and
 * for a billable absence (the time held for them); their own minutes when they
 * came late, left early or stepped away — never more than the paid duration.
 * Null when the family is not billed (not a student, or a status that bills nobody).
 */
export function billedMinutes(participant: BilledParticipant, session: BilledSession): number | null {
  if (participant.kind !== 'student' || !participant.attendanceStatus || !FAMILY_BILLED[participant.attendanceStatus]) return null;
  const paid = session.paidMinutes ?? 0;
  if (participant.attendanceStatus !== 'attended') return paid;
  // Present start to end, never away: they received every clock minute of the session.
  const wholeSession = participant.minutes >= session.rawMinutes;
  return wholeSession ? paid : Math.min(participant.minutes, paid);
}

/**
 * The CMS place-of-service code of a student's service (837P CLM05-01 /
 * SV105): 12 (home) for a homebound student, otherwise 03 (school). Sessions
 * carry no place of their own yet.
 */
export function placeOfServiceCode(qualifiers: { homebound: boolean }): '03' | '12' {
  return qualifiers.homebound ? '12' : '03';
}
