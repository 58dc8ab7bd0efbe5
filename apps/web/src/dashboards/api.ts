/* The dashboards' reads, every call through the generated client; a filter change keeps the previous chart until the new one arrives. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { call, useApi } from '../api/useApi';
import { scopeQuery, type DashboardFilters } from './filters';

export const DOSAGE_PAGE_SIZE = 20;

type Scope = Pick<DashboardFilters, 'schoolId' | 'from' | 'to' | 'anonymized'>;
const scopeOf = ({ schoolId, from, to, anonymized }: DashboardFilters): Scope => ({ schoolId, from, to, anonymized });

export const dashboardKeys = {
  minutes: (filters: DashboardFilters) => ['dashboards', 'minutes', filters.minutesBy, scopeOf(filters)] as const,
  coaching: (filters: DashboardFilters) => ['dashboards', 'coaching', filters.coachingBy, scopeOf(filters)] as const,
  dosage: (filters: DashboardFilters) => ['dashboards', 'dosage', filters.dosagePage, scopeOf(filters)] as const,
};

export function useMinutesDashboard(filters: DashboardFilters, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: dashboardKeys.minutes(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/dashboards/minutes', { params: { query: { ...scopeQuery(filters), groupBy: filters.minutesBy } } })),
  });
}

export function useCoachingDashboard(filters: DashboardFilters, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: dashboardKeys.coaching(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/dashboards/coaching', { params: { query: { ...scopeQuery(filters), groupBy: filters.coachingBy } } })),
  });
}

export function useDosageDashboard(filters: DashboardFilters, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: dashboardKeys.dosage(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/dashboards/dosage', { params: { query: { ...scopeQuery(filters), page: filters.dosagePage, pageSize: DOSAGE_PAGE_SIZE } } })),
  });
}
