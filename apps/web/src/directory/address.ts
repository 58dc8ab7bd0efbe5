/*
 * A directory list's search, status and page as they live in the address
 * (`?q=&status=&page=`), so a searched list reloads, links and goes back as
 * it was. Active records are the default view: deactivated ones are kept
 * for history, rarely looked for.
 */
import { pageNumber } from '../admin/filters';

export type Status = 'active' | 'inactive' | 'all';

export const STATUSES: readonly Status[] = ['active', 'inactive', 'all'];

export interface ListParams {
  q: string;
  status: Status;
  page: number;
}

export function readListParams(search: URLSearchParams): ListParams {
  const status = search.get('status') as Status | null;
  return {
    q: (search.get('q') ?? '').trim(),
    status: status && STATUSES.includes(status) ? status : 'active',
    page: pageNumber(search.get('page')),
  };
}

/** Only what differs from the default, so the plain list is the bare path. */
export function writeListParams(params: ListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.q.trim()) search.set('q', params.q.trim());
  if (params.status !== 'active') search.set('status', params.status);
  if (params.page > 1) search.set('page', String(params.page));
  return search;
}

/** A new search or status starts again at the first page: the page the reader was on may not exist in the new list. */
export function changeListParams(params: ListParams, change: Partial<Omit<ListParams, 'page'>>): ListParams {
  return { ...params, ...change, page: 1 };
}

/** The API's `active` filter: left out to list both. */
export function activeFilter(status: Status): boolean | undefined {
  return status === 'all' ? undefined : status === 'active';
}
