/* Words for the API's codes, and where on the session screen each audit item is fixed. */
import type { AttendanceStatus, Participant, RemedialCriterion } from './api';

export const ATTENDANCE_LABELS: Record<AttendanceStatus, string> = {
  attended: 'Attended',
  missed_billable: 'No-show (no notice)',
  cancelled_billable: 'Cancelled late (inside the notice window)',
  cancelled_nonbillable: 'Cancelled with notice',
};

export const REMEDIAL_CRITERIA: { value: RemedialCriterion; label: string }[] = [
  { value: 'd_or_f_grade', label: 'D or F grade in the class tutored' },
  { value: 'reading_improvement_plan', label: 'Has a reading improvement plan' },
  { value: 'below_basic_state_assessment', label: 'Below basic on a state assessment (EOC, MAP)' },
  { value: 'below_grade_level_district_assessment', label: 'Below grade level on a district assessment (STAR)' },
];

export function qualifierSummary(p: Pick<Participant, 'qualifiers'>): string {
  const q = p.qualifiers;
  const names = [
    q.homebound && 'Homebound',
    q.detention && 'Detention',
    q.creditRecovery && 'Credit recovery',
    q.remedial && `Remedial${q.subject ? ` (${q.subject})` : ''}`,
  ].filter(Boolean);
  return names.length ? names.join(', ') : 'No qualifiers';
}

const CRITERION_SHORT: Record<RemedialCriterion, string> = {
  d_or_f_grade: 'D or F grade',
  reading_improvement_plan: 'reading improvement plan',
  below_basic_state_assessment: 'below basic (state assessment)',
  below_grade_level_district_assessment: 'below grade level (district assessment)',
};

/** The reply's qualifiers, or the body's (whose subject may be left out). */
type QualifierSet = Omit<Participant['qualifiers'], 'subject'> & { subject?: string | null };

/** No qualifier at all (what a student starts with). */
export function noQualifiers(q: QualifierSet): boolean {
  return !q.homebound && !q.detention && !q.creditRecovery && !q.remedial;
}

/** Every qualifier, criterion and the subject, short: "Remedial · D or F grade · Reading". */
export function qualifierWords(q: QualifierSet): string {
  const words = [
    q.homebound && 'Homebound',
    q.detention && 'Detention',
    q.creditRecovery && 'Credit recovery',
    q.remedial && 'Remedial',
    ...(q.remedial ? q.remedialCriteria.map((c) => CRITERION_SHORT[c]) : []),
    q.subject,
  ].filter(Boolean);
  return words.length ? words.join(' · ') : 'No qualifiers';
}

export function sameQualifiers(a: QualifierSet, b: QualifierSet): boolean {
  return (
    a.homebound === b.homebound &&
    a.detention === b.detention &&
    a.creditRecovery === b.creditRecovery &&
    a.remedial === b.remedial &&
    (a.subject ?? null) === (b.subject ?? null) &&
    [...a.remedialCriteria].sort().join() === [...b.remedialCriteria].sort().join()
  );
}

/** Where a section of the session screen is: the audit's links land on these ids. */
export const SECTION_IDS = {
  details: 'session-details',
  students: 'session-students',
  notes: 'session-notes',
  end: 'session-end',
  duration: 'session-duration',
  tags: 'session-tags',
  coaching: 'session-coaching',
  workOrder: 'session-work-order',
} as const;

export interface FixLink {
  /** A path with a hash or an `encounter` query that opens the student's encounter dialog. */
  to: string;
  label: string;
}

/** The place on the session screen where an audit problem or warning is fixed. */
export function fixLink(sessionId: string, problem: { code: string; participantId?: string }): FixLink {
  const base = `/sessions/${sessionId}`;
  const encounter = (label: string) => (problem.participantId ? { to: `${base}?encounter=${problem.participantId}`, label } : { to: `${base}#${SECTION_IDS.students}`, label });
  switch (problem.code) {
    case 'SESSION.NOT_ENDED':
      return { to: `${base}#${SECTION_IDS.end}`, label: 'End the session' };
    case 'SESSION.NO_PARTICIPANTS':
      return { to: `${base}#${SECTION_IDS.students}`, label: 'Add students' };
    case 'SESSION.DESCRIPTION_REQUIRED':
    case 'SESSION.FAMILY_EVENT_NOT_APPROVED':
    case 'SESSION.PLANNED_MINUTES_MISSING':
      return { to: `${base}#${SECTION_IDS.details}`, label: 'Edit the session details' };
    case 'SESSION.DURATION_MISSING':
    case 'SESSION.DURATION_OUT_OF_RANGE':
      return { to: `${base}#${SECTION_IDS.duration}`, label: 'Set the duration' };
    case 'SESSION.COACHING_LOG_INCOMPLETE':
      return { to: `${base}#${SECTION_IDS.coaching}`, label: 'Fill in the coaching log' };
    case 'SESSION.CAREER_LADDER_GOAL_MISSING':
      return { to: `${base}#${SECTION_IDS.tags}`, label: 'Tag a Career Ladder goal' };
    case 'SESSION.NO_WORK_ORDER':
      return { to: `${base}#${SECTION_IDS.workOrder}`, label: 'Assign a work order' };
    case 'PARTICIPANT.NO_STUDENT_NOTE':
      return problem.participantId ? { to: `${base}#note-${problem.participantId}`, label: 'Write the student note' } : { to: `${base}#${SECTION_IDS.notes}`, label: 'Write the notes' };
    case 'PARTICIPANT.NO_ATTENDANCE':
      return encounter('Set attendance');
    case 'PARTICIPANT.TIMES_MISSING':
      return encounter('Set arrival and departure');
    default:
      return problem.participantId ? encounter('Open the encounter') : { to: base, label: 'Open the session' };
  }
}
