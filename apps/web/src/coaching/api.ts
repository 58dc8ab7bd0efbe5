/*
 * The coaching screens' server state, through the generated client. The
 * history is the coach's own session list read page by page: the API cannot
 * narrow it to coaching or to one teacher (no service or staff filter).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { call, useApi } from '../api/useApi';
import { idempotencyKey, sessionKeys, useCatalog, type SessionView } from '../sessions/api';
import { coachingSessionsOf, type CoachingSession } from './history';

/** The API's largest page. */
const PAGE_SIZE = 200;
/** Pages read at most: 2,000 sessions, several years of a coach's work; more is said on screen rather than read. */
const MAX_PAGES = 10;

export interface CoachingHistory {
  sessions: CoachingSession[];
  /** The coach has more sessions than were read: the oldest are missing. */
  truncated: boolean;
}

export const coachingKeys = {
  history: (providerId: string) => [...sessionKeys.all, 'coaching-history', providerId] as const,
};

export function useCoachingHistory(providerId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: coachingKeys.history(providerId ?? ''),
    enabled: Boolean(providerId),
    queryFn: async (): Promise<CoachingHistory> => {
      const read: Parameters<typeof coachingSessionsOf>[0][number][] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const reply = await call(api.GET('/api/sessions', { params: { query: { providerId, page, pageSize: PAGE_SIZE } } }));
        read.push(...reply.items);
        if (reply.items.length < PAGE_SIZE || read.length >= reply.total) return { sessions: coachingSessionsOf(read), truncated: false };
      }
      return { sessions: coachingSessionsOf(read), truncated: true };
    },
  });
}

/** The district's coaching service (the one whose participants are staff): what a coaching session is started as. */
export function useCoachingService(): string | null {
  const catalog = useCatalog();
  return catalog.data?.services.find((s) => s.participantKind === 'staff')?.code ?? null;
}

/**
 * Starts a coaching session now with one teacher, timed in and present, and
 * opens it: the three writes a coach would otherwise make one screen at a
 * time (start, add the teacher, mark them present).
 */
export function useStartCoaching() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (vars: { service: string; staffId: string; schoolId?: string; workOrderId?: string; startedAt: string }) => {
      const { staffId, ...start } = vars;
      const session = await call(api.POST('/api/sessions', { body: start, headers: { 'Idempotency-Key': idempotencyKey() } }));
      // Shown at once, so a refusal below still leaves the coach on the session that was started.
      queryClient.setQueryData(sessionKeys.one(session.id), session);
      try {
        const added = await call(api.POST('/api/sessions/{id}/participants', { params: { path: { id: session.id } }, body: { staffId }, headers: { 'Idempotency-Key': idempotencyKey() } }));
        const teacher = added.participants.find((p) => p.personId === staffId);
        if (!teacher || teacher.present !== null) return added;
        return await call(
          api.PATCH('/api/sessions/{id}/participants/{participantId}', { params: { path: { id: session.id, participantId: teacher.id } }, body: { version: teacher.version, present: true } }),
        );
      } catch {
        // The session exists: the coach is better on it (where the teacher can be added again) than on an error here.
        return session as SessionView;
      }
    },
    onSuccess: (session) => {
      queryClient.setQueryData(sessionKeys.one(session.id), session);
      void queryClient.invalidateQueries({ queryKey: sessionKeys.all });
      navigate(`/sessions/${session.id}`);
    },
  });
}

/** Active staff whose names start with the typed words (the API folds accents and case); nothing is asked for an empty box. */
export function useStaffSearch(q: string) {
  const api = useApi();
  const typed = q.trim();
  return useQuery({
    queryKey: ['staff-search', typed] as const,
    enabled: typed.length > 0,
    queryFn: () => call(api.GET('/api/staff/search', { params: { query: { q: typed, pageSize: 10 } } })),
  });
}
