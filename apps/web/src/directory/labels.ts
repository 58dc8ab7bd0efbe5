/* Words for the directory's records. */
import type { StaffMember } from './api';

const ROLE_WORDS: Record<StaffMember['roles'][number], string> = {
  district_admin: 'District admin',
  school_admin: 'School admin',
  provider: 'Provider',
  payroll: 'Payroll',
  guardian: 'Guardian',
  student: 'Student',
};

/** "Provider (tutor), School admin": the provider's kind said with the role it qualifies. */
export function roleWords(staff: Pick<StaffMember, 'roles' | 'providerKind'>): string {
  return staff.roles.map((role) => (role === 'provider' && staff.providerKind ? `Provider (${staff.providerKind})` : ROLE_WORDS[role])).join(', ');
}

export function fullName(person: { firstName: string; lastName: string }): string {
  return `${person.firstName} ${person.lastName}`;
}

/** Names of the schools in the list, in the district's order; those the reader cannot list are counted, not named. */
export function schoolList(ids: readonly string[], names: ReadonlyMap<string, string>): string {
  const known = ids.flatMap((id) => (names.has(id) ? [names.get(id) as string] : []));
  const others = ids.length - known.length;
  if (others > 0) known.push(`${others} other ${others === 1 ? 'school' : 'schools'}`);
  return known.length ? known.join(', ') : 'None';
}
