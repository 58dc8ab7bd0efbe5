/* Who is offered the roster import and state reporting screens: the API opens imports and exports to district admins only, the sessions left out to school admins too. */
import type { Role } from '../admin/roles';

export function runsDistrict(roles: readonly Role[]): boolean {
  return roles.includes('district_admin');
}
