/*
 * The signed-in admin's notices that a long job they started finished
 * (GET /api/me/notifications?kind=job-finished), read again while the app
 * is open so a job finishing on another screen shows up wherever they are.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';

export type JobNotice = Schemas['NotificationReply'] & { job: Schemas['FinishedJob'] };

/** Often enough that a notice appears soon after its job ends; each read is one small indexed query. */
export const NOTICE_POLL_MS = 10_000;
const PAGE_SIZE = 20;

export const noticeKeys = {
  unread: ['notifications', 'job-finished', 'unread'] as const,
};

export function useUnreadJobNotices(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: noticeKeys.unread,
    enabled,
    queryFn: async () => {
      const page = await call(api.GET('/api/me/notifications', { params: { query: { kind: 'job-finished', unread: true, pageSize: PAGE_SIZE } } }));
      return { total: page.total, items: page.items.filter((item): item is JobNotice => item.job !== null) };
    },
    refetchInterval: NOTICE_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

export function useMarkNoticeRead() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST('/api/me/notifications/{id}/read', { params: { path: { id } } })),
    // Every list of notifications (this one, Today's reminders) reads the change.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
}
