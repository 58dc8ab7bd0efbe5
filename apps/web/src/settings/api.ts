/*
 * The settings screen's server state, every call through the generated
 * client. Each save answers the stored record, which replaces what the
 * screen read (and what other screens cached: the district in the frame,
 * the catalog of the session screens).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';
import { currentUserKeys } from '../auth/SignedInShell';

export const settingsKeys = {
  district: currentUserKeys.district,
  catalog: ['settings', 'session-catalog'] as const,
  bellSchedule: (schoolId: string) => ['settings', 'bell-schedule', schoolId] as const,
  closureDays: ['settings', 'closure-days'] as const,
};

/** The district as stored now: the frame's copy may be minutes old, and its version is what a save is checked against. */
export function useDistrict() {
  const api = useApi();
  return useQuery({ queryKey: settingsKeys.district, queryFn: async () => call(api.GET('/api/district')), refetchOnMount: 'always' });
}

export function useSaveDistrict() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Schemas['DistrictResponse'], Error, Schemas['UpdateDistrictRequest']>({
    mutationFn: async (body) => call(api.PATCH('/api/district', { body })),
    onSuccess: (district) => queryClient.setQueryData(settingsKeys.district, district),
  });
}

export function useCatalog() {
  const api = useApi();
  return useQuery({ queryKey: settingsKeys.catalog, queryFn: async () => call(api.GET('/api/session-catalog')), refetchOnMount: 'always' });
}

export function useSaveCatalog() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Schemas['CatalogReply'], Error, Schemas['UpdateSessionCatalogRequest']>({
    mutationFn: async (body) => call(api.PUT('/api/session-catalog', { body })),
    onSuccess: (reply) => {
      queryClient.setQueryData(settingsKeys.catalog, reply);
      // The session, series and admin screens read the catalog under their own keys.
      void queryClient.invalidateQueries({ queryKey: ['session-catalog'] });
      void queryClient.invalidateQueries({ queryKey: ['admin', 'catalog'] });
    },
  });
}

export function useBellSchedule(schoolId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: settingsKeys.bellSchedule(schoolId ?? ''),
    enabled: Boolean(schoolId),
    refetchOnMount: 'always',
    queryFn: async () => call(api.GET('/api/schools/{id}/bell-schedule', { params: { path: { id: schoolId ?? '' } } })),
  });
}

export function useSaveBellSchedule(schoolId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Schemas['BellScheduleReply'], Error, Schemas['BellScheduleBody']>({
    mutationFn: async (body) => call(api.PUT('/api/schools/{id}/bell-schedule', { params: { path: { id: schoolId } }, body })),
    onSuccess: (reply) => queryClient.setQueryData(settingsKeys.bellSchedule(schoolId), reply),
  });
}

export function useClosureDays() {
  const api = useApi();
  return useQuery({ queryKey: settingsKeys.closureDays, queryFn: async () => call(api.GET('/api/closure-days')), refetchOnMount: 'always' });
}

export function useSaveClosureDays() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Schemas['ClosureDaysReply'], Error, Schemas['ClosureDaysBody']>({
    mutationFn: async (body) => call(api.PUT('/api/closure-days', { body })),
    onSuccess: (reply) => queryClient.setQueryData(settingsKeys.closureDays, reply),
  });
}
