import { Forbidden, NotFound } from '@sessionledger/common';
import { ActorSnapshot } from '@sessionledger/contracts';

/**
 * Who reads state reporting: district admins, every school of the district;
 * school admins, their own schools. The gateway checks roles too; a command
 * is a trust boundary, so they are checked again here.
 */
export function reportingScope(actor: ActorSnapshot): 'all' | string[] {
  if (actor.roles.includes('district_admin')) return 'all';
  if (actor.roles.includes('school_admin')) return actor.schoolIds;
  throw new Forbidden('REPORTING.FORBIDDEN', 'Only district and school admins may read state reporting');
}

export function requireDistrictAdmin(actor: ActorSnapshot): void {
  if (!actor.roles.includes('district_admin')) throw new Forbidden('REPORTING.FORBIDDEN', 'Only district admins may do this');
}

/** A school outside the admin's scope is not theirs to see: 404, as for another district's. */
export function requireSchoolInScope(actor: ActorSnapshot, schoolId: string): void {
  const scope = reportingScope(actor);
  if (scope !== 'all' && !scope.includes(schoolId)) throw new NotFound('school', schoolId);
}
