/* Who the admin screens are for: the API opens the Needs Attention queue and the tasks of schools to district and school admins only. */
import type { Schemas } from '@sessionledger/api-client';

export type Role = Schemas['MeResponse']['roles'][number];

export const ADMIN_ROLES: readonly Role[] = ['district_admin', 'school_admin'];

export function administers(roles: readonly Role[]): boolean {
  return roles.some((role) => ADMIN_ROLES.includes(role));
}
