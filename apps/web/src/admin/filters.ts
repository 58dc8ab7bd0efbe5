/*
 * The admin session list's filters as they live in the address bar, so a
 * filtered list survives a reload and can be linked to. Anything the API
 * would refuse (a malformed id or day, an unknown state) is dropped on the
 * way in rather than shown as a refusal for a hand-edited URL.
 */
import type { Schemas } from '@sessionledger/api-client';

export type SessionState = Schemas['SessionReply']['state'];

export const SESSION_STATES: readonly SessionState[] = ['active', 'ended', 'cancelled'];

export interface SessionFilters {
  schoolId: string | null;
  providerId: string | null;
  from: string | null;
  to: string | null;
  state: SessionState | null;
  /** Only sessions flagged for the admins' attention. */
  flagged: boolean;
  page: number;
}

export const NO_FILTERS: SessionFilters = { schoolId: null, providerId: null, from: null, to: null, state: null, flagged: false, page: 1 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(value: string | null): string | null {
  if (!value || !DAY.test(value)) return null;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? value : null;
}

export function pageNumber(value: string | null): number {
  const page = Number.parseInt(value ?? '', 10);
  return Number.isFinite(page) && page >= 1 ? page : 1;
}

export function readFilters(search: URLSearchParams): SessionFilters {
  const school = search.get('school');
  const provider = search.get('provider');
  const state = search.get('state') as SessionState | null;
  return {
    schoolId: school && UUID.test(school) ? school : null,
    providerId: provider && UUID.test(provider) ? provider : null,
    from: validDay(search.get('from')),
    to: validDay(search.get('to')),
    state: state && SESSION_STATES.includes(state) ? state : null,
    flagged: search.get('flagged') === '1',
    page: pageNumber(search.get('page')),
  };
}

/** Only what is set, so an unfiltered list is plain `/admin/sessions`. */
export function writeFilters(filters: SessionFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.schoolId) search.set('school', filters.schoolId);
  if (filters.providerId) search.set('provider', filters.providerId);
  if (filters.from) search.set('from', filters.from);
  if (filters.to) search.set('to', filters.to);
  if (filters.state) search.set('state', filters.state);
  if (filters.flagged) search.set('flagged', '1');
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

/**
 * A filter changed: back to the first page, since the page the reader was on
 * may not exist in the narrower list.
 */
export function changeFilter(filters: SessionFilters, change: Partial<Omit<SessionFilters, 'page'>>): SessionFilters {
  return { ...filters, ...change, page: 1 };
}

/** A range that can hold no session: said beside the inputs instead of listing nothing. */
export function rangeProblem(filters: Pick<SessionFilters, 'from' | 'to'>): string | null {
  return filters.from && filters.to && filters.to < filters.from ? 'The last day is before the first day' : null;
}

/** The list's query for the API; undefined leaves a filter out. */
export function sessionQuery(filters: SessionFilters, pageSize: number) {
  return {
    schoolId: filters.schoolId ?? undefined,
    providerId: filters.providerId ?? undefined,
    from: filters.from ?? undefined,
    to: filters.to ?? undefined,
    state: filters.state ?? undefined,
    needsAttention: filters.flagged ? true : undefined,
    page: filters.page,
    pageSize,
  };
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
