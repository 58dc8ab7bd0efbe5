import { AttendanceStatus, PROVIDER_PAID, QualifierFlags } from './session-rules';

/**
 * The work order types a district uses and, as data, the rule that makes a
 * session under each payable (DESIGN.md, "Work orders and pay eligibility").
 * Every district gets this default catalog for now; a per-district catalog
 * can replace `catalogFor` later without changing callers. The rule is
 * evaluated in one place (`payability`): session-log's audit view answers
 * "will this be paid?" with it, and payroll pays with it.
 */
export type Qualifier = 'remedial' | 'homebound' | 'detention' | 'credit_recovery';

export interface WorkOrderType {
  /** Stable identifier stored on the work order. */
  code: string;
  name: string;
  payableRule: {
    /** Fewest students a session needs to be payable. */
    minStudents: number;
    /**
     * The qualifier each counted student must have: one qualifier, `'any'`
     * (any qualifier counts), or `null` (every student counts).
     */
    requiredQualifier: Qualifier | 'any' | null;
    /** The session must carry a description. */
    requiresDescription: boolean;
    /** The session must be tagged with a Career Ladder goal. */
    requiresCareerLadderGoal: boolean;
  };
}

export const CAREER_LADDER = 'career_ladder';

export const DEFAULT_WORK_ORDER_TYPES: readonly WorkOrderType[] = Object.freeze([
  {
    code: CAREER_LADDER,
    name: 'Career Ladder',
    payableRule: { minStudents: 1, requiredQualifier: 'remedial', requiresDescription: true, requiresCareerLadderGoal: true },
  },
  {
    code: 'homebound',
    name: 'Homebound',
    payableRule: { minStudents: 1, requiredQualifier: 'homebound', requiresDescription: false, requiresCareerLadderGoal: false },
  },
  {
    code: 'detention',
    name: 'Detention',
    payableRule: { minStudents: 1, requiredQualifier: 'detention', requiresDescription: false, requiresCareerLadderGoal: false },
  },
  {
    code: 'credit_recovery',
    name: 'Credit Recovery',
    payableRule: { minStudents: 1, requiredQualifier: 'credit_recovery', requiresDescription: false, requiresCareerLadderGoal: false },
  },
  {
    code: 'tutoring',
    name: 'Tutoring',
    payableRule: { minStudents: 4, requiredQualifier: 'any', requiresDescription: false, requiresCareerLadderGoal: false },
  },
  {
    code: 'club',
    name: 'Club',
    payableRule: { minStudents: 6, requiredQualifier: null, requiresDescription: false, requiresCareerLadderGoal: false },
  },
]);

/** The catalog of a district (today: the default one for every district). */
export function catalogFor(_districtId: string): readonly WorkOrderType[] {
  return DEFAULT_WORK_ORDER_TYPES;
}

export function findWorkOrderType(districtId: string, code: string): WorkOrderType | undefined {
  return catalogFor(districtId).find((type) => type.code === code);
}

/** What the pay rule looks at: the session as logged, nothing else. */
export interface PayabilityInput {
  districtId: string;
  workOrderType: string | null;
  description: string | null;
  careerLadderGoalTagged: boolean;
  participants: { attendanceStatus: AttendanceStatus | null; qualifiers: QualifierFlags }[];
}

export interface Payability {
  payable: boolean;
  /** Always present: why it is paid, or why not. */
  reason: string;
}

function hasQualifier(flags: QualifierFlags, qualifier: Qualifier): boolean {
  switch (qualifier) {
    case 'remedial':
      return flags.remedial;
    case 'homebound':
      return flags.homebound;
    case 'detention':
      return flags.detention;
    case 'credit_recovery':
      return flags.creditRecovery;
  }
}

function qualifies(flags: QualifierFlags, required: Qualifier | 'any' | null): boolean {
  if (required === null) return true;
  if (required === 'any') return flags.remedial || flags.homebound || flags.detention || flags.creditRecovery;
  return hasQualifier(flags, required);
}

/**
 * Whether the provider is paid for a session under its work order: the
 * students counted are those whose attendance pays the provider (attended,
 * missed or cancelled late) and who carry the qualifier the type needs.
 */
export function payability(input: PayabilityInput): Payability {
  if (!input.workOrderType) return { payable: false, reason: 'No work order: time tracking only, never paid' };
  const type = findWorkOrderType(input.districtId, input.workOrderType);
  if (!type) return { payable: false, reason: `Work order type ${input.workOrderType} is not in the district's catalog` };
  const rule = type.payableRule;
  if (rule.requiresDescription && !input.description?.trim()) return { payable: false, reason: `${type.name} sessions must be described` };
  if (rule.requiresCareerLadderGoal && !input.careerLadderGoalTagged) {
    return { payable: false, reason: `${type.name} sessions must be tagged with a Career Ladder goal` };
  }
  const paying = input.participants.filter((p) => p.attendanceStatus !== null && PROVIDER_PAID[p.attendanceStatus]);
  const counted = paying.filter((p) => qualifies(p.qualifiers, rule.requiredQualifier)).length;
  const what =
    rule.requiredQualifier === null
      ? 'student'
      : rule.requiredQualifier === 'any'
        ? 'qualifying student'
        : `student with the ${rule.requiredQualifier.replace('_', ' ')} qualifier`;
  const needs = `${rule.minStudents} ${what}${rule.minStudents === 1 ? '' : 's'}`;
  if (counted < rule.minStudents) {
    return {
      payable: false,
      reason: `${type.name} needs at least ${needs} whose attendance is paid (attended, missed or cancelled late); the session has ${counted}`,
    };
  }
  return { payable: true, reason: `${type.name}: ${counted} of at least ${needs}` };
}
