import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call } from '../api/errors';
import { useApi } from '../api/useApi';
import type { CalendarWindow } from './local-time';

export type CalendarEntry = Schemas['CalendarEntry'];
export type CalendarWarning = Schemas['CalendarWarning'];
export type Task = Schemas['TaskReply'];
export type Notification = Schemas['NotificationReply'];

export const todayKeys = {
  calendar: (providerId: string, window: Pick<CalendarWindow, 'from' | 'to'>) => ['calendar', providerId, window.from, window.to] as const,
  openTasks: ['tasks', 'mine', 'open'] as const,
  notifications: ['notifications', 'mine'] as const,
  // The same key and shape as the session screens' school list, so both share one cache entry.
  schools: ['schools'] as const,
};

export function useProviderCalendar(providerId: string, window: CalendarWindow) {
  const api = useApi();
  return useQuery({
    queryKey: todayKeys.calendar(providerId, window),
    queryFn: () => call(api.GET('/api/calendar', { params: { query: { providerId, from: window.from, to: window.to } } })),
  });
}

/** Open post-session tasks, soonest due first (200: more than any provider has open). */
export function useOpenTasks() {
  const api = useApi();
  return useQuery({
    queryKey: todayKeys.openTasks,
    queryFn: async () => (await call(api.GET('/api/me/tasks', { params: { query: { open: true, pageSize: 200 } } }))).items,
  });
}

/** The unread reminders and escalations: the newest 200 are more than a day's work. */
export function useNotifications() {
  const api = useApi();
  return useQuery({ queryKey: todayKeys.notifications, queryFn: () => call(api.GET('/api/me/notifications', { params: { query: { unread: true, pageSize: 200 } } })) });
}

export function useMarkNotificationRead() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST('/api/me/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: todayKeys.notifications }),
  });
}

export function useSchoolNames() {
  const api = useApi();
  const schools = useQuery({
    queryKey: todayKeys.schools,
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/schools', { params: { query: { pageSize: 200 } } }))).items,
  });
  return (schoolId: string) => schools.data?.find((school) => school.id === schoolId)?.name;
}

export function useRotateCalendarFeed() {
  const api = useApi();
  return useMutation({ mutationFn: () => call(api.POST('/api/me/calendar-feed')) });
}
