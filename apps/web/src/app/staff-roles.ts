/* Who the session screens are for, as the API decides it: payroll alone reads pay periods, not sessions, calendars or series. */
import type { Role } from '../admin/roles';

/** Sessions, the calendar and series: providers and the admins of their schools. */
const SESSION_STAFF: readonly Role[] = ['provider', 'school_admin', 'district_admin'];

export function worksWithSessions(roles: readonly Role[]): boolean {
  return roles.some((role) => SESSION_STAFF.includes(role));
}

/** Bulk posting signs the provider's own sessions: providers only. */
export function postsSessions(roles: readonly Role[]): boolean {
  return roles.includes('provider');
}
