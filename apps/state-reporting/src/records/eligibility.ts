import { Delivery, PostedSessionSnapshot } from '@sessionledger/contracts';
import { CAREER_LADDER } from '@sessionledger/session-rules';

export const INELIGIBLE = {
  noWorkOrder: 'No work order',
  attendanceMissing: 'Attendance not given for every participant',
  careerLadderUntagged: 'Career Ladder session not tagged with a goal',
  noStudents: 'No students took part',
} as const;

/** Eligible, yet no export can carry it until its school's state code reaches this service. */
export const NO_SCHOOL_CODE = 'The school has no state school code';

/**
 * Why a posted version of a student session is left out of the state export
 * (DESIGN.md, "Export to the state"): it needs a work order, attendance for
 * every participant, and under a Career Ladder work order a Career Ladder
 * goal tag. Every reason that applies is given, so an admin fixes them all
 * in one amendment. Empty: the version is reportable.
 */
export function ineligibilityReasons(snapshot: Pick<PostedSessionSnapshot, 'workOrderId' | 'workOrderType' | 'careerLadderGoalTagged' | 'participants'>): string[] {
  const reasons: string[] = [];
  if (!snapshot.workOrderId) reasons.push(INELIGIBLE.noWorkOrder);
  if (snapshot.participants.some((p) => !p.attendanceStatus)) reasons.push(INELIGIBLE.attendanceMissing);
  if (snapshot.workOrderType === CAREER_LADDER && !snapshot.careerLadderGoalTagged) reasons.push(INELIGIBLE.careerLadderUntagged);
  if (!snapshot.participants.some((p) => p.kind === 'student')) reasons.push(INELIGIBLE.noStudents);
  return reasons;
}

/** One student in the session: individual; more: small group. */
export function deliveryOf(snapshot: Pick<PostedSessionSnapshot, 'participants'>): Delivery {
  return snapshot.participants.filter((p) => p.kind === 'student').length === 1 ? 'individual' : 'small_group';
}
