/**
 * The work order types a district uses and, as data, the rule that makes a
 * session under each payable (DESIGN.md, "Work orders and pay eligibility").
 * Every district gets this default catalog for now; a per-district catalog
 * table (district settings) can replace `catalogFor` later without changing
 * callers.
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
    /** The session must be tagged with this (e.g. a Career Ladder goal); `null` for none. */
    requiredTag: string | null;
  };
}

export const DEFAULT_WORK_ORDER_TYPES: readonly WorkOrderType[] = Object.freeze([
  {
    code: 'career_ladder',
    name: 'Career Ladder',
    payableRule: { minStudents: 1, requiredQualifier: 'remedial', requiresDescription: true, requiredTag: 'career_ladder_goal' },
  },
  {
    code: 'homebound',
    name: 'Homebound',
    payableRule: { minStudents: 1, requiredQualifier: 'homebound', requiresDescription: false, requiredTag: null },
  },
  {
    code: 'detention',
    name: 'Detention',
    payableRule: { minStudents: 1, requiredQualifier: 'detention', requiresDescription: false, requiredTag: null },
  },
  {
    code: 'credit_recovery',
    name: 'Credit Recovery',
    payableRule: { minStudents: 1, requiredQualifier: 'credit_recovery', requiresDescription: false, requiredTag: null },
  },
  {
    code: 'tutoring',
    name: 'Tutoring',
    payableRule: { minStudents: 4, requiredQualifier: 'any', requiresDescription: false, requiredTag: null },
  },
  {
    code: 'club',
    name: 'Club',
    payableRule: { minStudents: 6, requiredQualifier: null, requiresDescription: false, requiredTag: null },
  },
]);

/** The catalog of a district (today: the default one for every district). */
export function catalogFor(_districtId: string): readonly WorkOrderType[] {
  return DEFAULT_WORK_ORDER_TYPES;
}

export function findWorkOrderType(districtId: string, code: string): WorkOrderType | undefined {
  return catalogFor(districtId).find((type) => type.code === code);
}
