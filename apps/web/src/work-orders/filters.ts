/*
 * The work order list's filters as they live in the address bar
 * (`?school=&provider=&type=&active=yes|no&page=`), so a filtered list
 * reloads and links as it is. A value the API would refuse is dropped on the
 * way in.
 */
import { pageNumber } from '../admin/filters';

export const WORK_ORDER_TYPES = ['career_ladder', 'homebound', 'detention', 'credit_recovery', 'tutoring', 'club'] as const;

export interface WorkOrderFilters {
  schoolId: string | null;
  providerId: string | null;
  type: string | null;
  /** true: only active ones; false: only deactivated ones; null: both. */
  active: boolean | null;
  page: number;
}

export const NO_FILTERS: WorkOrderFilters = { schoolId: null, providerId: null, type: null, active: null, page: 1 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readFilters(search: URLSearchParams): WorkOrderFilters {
  const school = search.get('school');
  const provider = search.get('provider');
  const type = search.get('type');
  const active = search.get('active');
  return {
    schoolId: school && UUID.test(school) ? school : null,
    providerId: provider && UUID.test(provider) ? provider : null,
    type: type && (WORK_ORDER_TYPES as readonly string[]).includes(type) ? type : null,
    active: active === 'yes' ? true : active === 'no' ? false : null,
    page: pageNumber(search.get('page')),
  };
}

/** Only what is set, so the unfiltered list is plain `/admin/work-orders`. */
export function writeFilters(filters: WorkOrderFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.schoolId) search.set('school', filters.schoolId);
  if (filters.providerId) search.set('provider', filters.providerId);
  if (filters.type) search.set('type', filters.type);
  if (filters.active !== null) search.set('active', filters.active ? 'yes' : 'no');
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

/** A filter changed: back to the first page, which always exists. */
export function changeFilter(filters: WorkOrderFilters, change: Partial<Omit<WorkOrderFilters, 'page'>>): WorkOrderFilters {
  return { ...filters, ...change, page: 1 };
}

export function workOrderQuery(filters: WorkOrderFilters, pageSize: number) {
  return {
    schoolId: filters.schoolId ?? undefined,
    providerId: filters.providerId ?? undefined,
    type: filters.type ?? undefined,
    active: filters.active ?? undefined,
    page: filters.page,
    pageSize,
  };
}
