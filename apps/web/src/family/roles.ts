/* Families: guardians and students who hold no staff role. Their screens speak their language; staff screens stay in English. */
import type { Role } from '../admin/roles';

const FAMILY_ROLES: readonly Role[] = ['guardian', 'student'];

export function isFamily(roles: readonly Role[]): boolean {
  return roles.length > 0 && roles.every((role) => FAMILY_ROLES.includes(role));
}
