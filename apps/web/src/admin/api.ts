/*
 * The admin screens' server state: reads as TanStack queries, writes as
 * mutations, every call through the generated client.
 */
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';
import type { Session, SessionChange } from './attention';
import { sessionQuery, type SessionFilters } from './filters';

export const QUEUE_PAGE_SIZE = 10;
export const TASKS_PAGE_SIZE = 20;
export const NOTIFICATIONS_PAGE_SIZE = 50;
export const SESSIONS_PAGE_SIZE = 25;
/** The API's largest page. */
const MAX_PAGE_SIZE = 200;

export const adminKeys = {
  all: ['admin'] as const,
  queue: (page: number) => ['admin', 'needs-attention', page] as const,
  tasks: (page: number) => ['admin', 'tasks', 'overdue', page] as const,
  notifications: (page: number) => ['admin', 'notifications', 'unread', page] as const,
  sessions: (filters: SessionFilters) => ['admin', 'sessions', filters] as const,
  trail: (id: string) => ['admin', 'session', id, 'trail'] as const,
  audit: (id: string) => ['admin', 'session', id, 'audit'] as const,
  schools: ['admin', 'schools'] as const,
  providers: (schoolId: string | null) => ['admin', 'providers', schoolId] as const,
  staff: (id: string) => ['admin', 'staff', id] as const,
  catalog: ['admin', 'catalog'] as const,
};

export function useNeedsAttention(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.queue(page),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/needs-attention', { params: { query: { page, pageSize: QUEUE_PAGE_SIZE } } })),
  });
}

export function useOverdueTasks(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.tasks(page),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/tasks', { params: { query: { overdue: true, page, pageSize: TASKS_PAGE_SIZE } } })),
  });
}

/** Unread notifications, of which the screen shows the escalations; only asked for an admin (a provider's are their own reminders). */
export function useUnreadNotifications(page: number, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.notifications(page),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/me/notifications', { params: { query: { unread: true, page, pageSize: NOTIFICATIONS_PAGE_SIZE } } })),
  });
}

export function useAdminSessions(filters: SessionFilters, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.sessions(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/sessions', { params: { query: sessionQuery(filters, SESSIONS_PAGE_SIZE) } })),
  });
}

/**
 * The session's whole trail: oldest first, so the newest flagging is on the
 * last page; most sessions fit in one.
 */
export function useSessionTrail(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.trail(id),
    queryFn: async () => {
      const changes: SessionChange[] = [];
      for (let page = 1; ; page += 1) {
        const reply = await call(api.GET('/api/sessions/{id}/history', { params: { path: { id }, query: { page, pageSize: MAX_PAGE_SIZE } } }));
        changes.push(...reply.items);
        if (reply.items.length === 0 || changes.length >= reply.total) return changes;
      }
    },
  });
}

export function useSessionAudit(id: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.audit(id),
    enabled,
    queryFn: async () => call(api.GET('/api/sessions/{id}/audit', { params: { path: { id } } })),
  });
}

export function useAdminSchools() {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.schools,
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/schools', { params: { query: { pageSize: MAX_PAGE_SIZE } } }))).items,
  });
}

/** The providers to filter by: those approved at the chosen school, else the district's (first 200 by name). */
export function useProviders(schoolId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.providers(schoolId),
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/staff', { params: { query: { role: 'provider', schoolId: schoolId ?? undefined, pageSize: MAX_PAGE_SIZE } } }))).items,
  });
}

/** Names of the given staff members by id (tasks and escalations carry only the provider's id); unknown ones are left out. */
export function useStaffNames(ids: readonly string[]) {
  const api = useApi();
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: adminKeys.staff(id),
      staleTime: 5 * 60_000,
      queryFn: async () => call(api.GET('/api/staff/{id}', { params: { path: { id } } })),
    })),
    combine: (results) => new Map(results.flatMap((result, i) => (result.data ? [[ids[i], `${result.data.firstName} ${result.data.lastName}`] as const] : []))),
  });
}

export function useServiceNames() {
  const api = useApi();
  const catalog = useQuery({
    queryKey: adminKeys.catalog,
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/session-catalog'))).catalog,
  });
  return (code: string) => catalog.data?.services.find((service) => service.code === code)?.name ?? code;
}

/** After any action on the queue: the lists and the session's own reads show the server's word. */
function useRefreshQueue() {
  const queryClient = useQueryClient();
  return (sessionId: string) => {
    void queryClient.invalidateQueries({ queryKey: ['admin', 'needs-attention'] });
    void queryClient.invalidateQueries({ queryKey: ['admin', 'sessions'] });
    void queryClient.invalidateQueries({ queryKey: ['admin', 'session', sessionId] });
    void queryClient.invalidateQueries({ queryKey: ['sessions', sessionId] });
  };
}

/** Takes the session out of the queue; the version read guards against clearing what someone changed meanwhile (409). */
export function useClearFlag() {
  const api = useApi();
  const refresh = useRefreshQueue();
  return useMutation<Schemas['SessionWriteReply'], Error, Pick<Session, 'id' | 'version'>>({
    mutationFn: async ({ id, version }) => call(api.PATCH('/api/sessions/{id}', { params: { path: { id } }, body: { version, needsAttention: false } })),
    onSuccess: (session) => refresh(session.id),
  });
}

export interface DurationChange {
  id: string;
  version: number;
  minutes: number;
  reason?: string;
}

/** An admin's duration: inside the provider's range it is a plain change; outside it an override the API keeps with the reason. */
export function useSetDuration() {
  const api = useApi();
  const refresh = useRefreshQueue();
  return useMutation<Schemas['SessionWriteReply'], Error, DurationChange>({
    mutationFn: async ({ id, version, minutes, reason }) => call(api.PUT('/api/sessions/{id}/duration', { params: { path: { id } }, body: { version, minutes, reason } })),
    onSuccess: (session) => refresh(session.id),
  });
}

export function useMarkRead() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Schemas['NotificationReply'], Error, string>({
    mutationFn: async (id) => call(api.POST('/api/me/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'notifications'] }),
  });
}
