/*
 * The series screens' server state, through the generated client only; types
 * from the OpenAPI schema. Query keys for the shared lists (schools, groups,
 * work orders, the catalog) are the session screens', so both share a cache.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';

export type Series = Schemas['SeriesReply'];
export type Occurrence = Schemas['OccurrenceReply'];
export type CreateSeriesBody = Schemas['CreateSeriesBody'];
export type EditSeriesBody = Schemas['EditSeriesBody'];
export type CancelOccurrenceBody = Schemas['CancelOccurrenceBody'];
export type Cancellation = Schemas['OccurrenceCancellation'];

export const seriesKeys = {
  all: ['series'] as const,
  list: (providerId: string) => ['series', 'list', providerId] as const,
  one: (id: string) => ['series', id] as const,
  occurrences: (id: string, from: string, to: string) => ['series', id, 'occurrences', from, to] as const,
};

/** One key per user action, so a retried POST is answered once (docs/api/README.md: Idempotency). */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** The provider's series, newest first (200: more than anyone schedules). */
export function useMySeries(providerId: string) {
  const api = useApi();
  return useQuery({
    queryKey: seriesKeys.list(providerId),
    queryFn: async () => (await call(api.GET('/api/series', { params: { query: { providerId, pageSize: 200 } } }))).items,
  });
}

export function useSeries(id: string) {
  const api = useApi();
  return useQuery({ queryKey: seriesKeys.one(id), queryFn: () => call(api.GET('/api/series/{id}', { params: { path: { id } } })) });
}

/** Occurrences starting in [from, to) (at most 366 days), overrides and cancellations applied. */
export function useOccurrences(id: string, from: string, to: string) {
  const api = useApi();
  return useQuery({
    queryKey: seriesKeys.occurrences(id, from, to),
    queryFn: async () => (await call(api.GET('/api/series/{id}/occurrences', { params: { path: { id }, query: { from, to, pageSize: 200 } } }))).items,
  });
}

/** Everything of the series screens read again (the way out of a stale page). */
export function useReloadSeries() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: seriesKeys.all });
}

/** After any write: the series, its occurrences, the list and the calendar may all have changed. */
function useRefreshAfterWrite() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: seriesKeys.all }), queryClient.invalidateQueries({ queryKey: ['calendar'] })]);
}

export function useCreateSeries() {
  const api = useApi();
  const refresh = useRefreshAfterWrite();
  return useMutation({
    mutationFn: (vars: { body: CreateSeriesBody; key: string }) => call(api.POST('/api/series', { body: vars.body, headers: { 'Idempotency-Key': vars.key } })),
    onSuccess: () => refresh(),
  });
}

export function useEditSeries(id: string) {
  const api = useApi();
  const refresh = useRefreshAfterWrite();
  return useMutation({
    mutationFn: (body: EditSeriesBody) => call(api.PATCH('/api/series/{id}', { params: { path: { id } }, body })),
    onSuccess: () => refresh(),
  });
}

export function useCancelOccurrence(id: string) {
  const api = useApi();
  const refresh = useRefreshAfterWrite();
  return useMutation({
    mutationFn: (vars: { body: CancelOccurrenceBody; key: string }) =>
      call(api.POST('/api/series/{id}/occurrences/cancel', { params: { path: { id } }, body: vars.body, headers: { 'Idempotency-Key': vars.key } })),
    onSuccess: () => refresh(),
  });
}

export function useCatalogServices() {
  const api = useApi();
  return useQuery({
    queryKey: ['session-catalog'],
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/session-catalog'))).catalog,
    select: (catalog) => catalog.services,
  });
}

export function useSchoolList() {
  const api = useApi();
  return useQuery({
    queryKey: ['schools'],
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/schools', { params: { query: { pageSize: 200 } } }))).items,
  });
}

export function useMyGroupList(providerId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['groups', 'mine', providerId],
    queryFn: async () => (await call(api.GET('/api/groups', { params: { query: { providerId, active: true, pageSize: 200 } } }))).items,
  });
}

