/*
 * The session screens' server state: reads as TanStack queries, writes as
 * mutations, every call through the generated client. Types come from the
 * OpenAPI schema, never copied.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { ApiError, call, useApi } from '../api/useApi';
import { useKeptWrites } from '../offline/KeptWritesContext';
import { withOfflineCopy } from '../offline/offline-copies';

export type SessionView = Schemas['SessionReply'] & Partial<Pick<Schemas['SessionWriteReply'], 'noteHints'>>;
export type Participant = Schemas['ParticipantReply'];
export type Audit = Schemas['SessionAuditReply'];
export type Catalog = Schemas['SessionCatalogDocument'];
export type WorkOrder = Schemas['WorkOrderReply'];
export type Group = Schemas['GroupResponse'];
export type GroupDetail = Schemas['GroupDetailResponse'];
export type School = Schemas['SchoolResponse'];
export type StudentHit = Schemas['StudentSearchResult'];
export type Qualifiers = Schemas['QualifiersBody'];
export type RemedialCriterion = Qualifiers['remedialCriteria'][number];
export type AttendanceStatus = NonNullable<Participant['attendanceStatus']>;
export type ParticipantChanges = Omit<Schemas['UpdateParticipantBody'], 'version'>;
export type StartSessionBody = Schemas['StartSessionBody'];
export type PostReply = Schemas['PostReply'];
export type BulkPostReply = Schemas['BulkPostReply'];
export type SessionVersion = Schemas['SessionVersionReply'];
export type AmendmentChanges = Schemas['AmendmentChanges'];
export type Signature = { password: string } | { pin: string };

export { ApiError } from '../api/useApi';

/** One key per user action, so a retried POST is answered once (docs/api/README.md: Idempotency). */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

export const sessionKeys = {
  all: ['sessions'] as const,
  one: (id: string) => ['sessions', id] as const,
  audit: (id: string) => ['sessions', id, 'audit'] as const,
  versions: (id: string) => ['sessions', id, 'versions'] as const,
  pay: (id: string) => ['sessions', id, 'pay'] as const,
  active: (providerId: string) => ['sessions', 'active', providerId] as const,
};

export function useSession(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: sessionKeys.one(id),
    // The last answer is kept in the tab, so a reload without a network still shows the running session.
    queryFn: () =>
      withOfflineCopy(`session.${id}`, async (): Promise<SessionView> => {
        const data = await call(api.GET('/api/sessions/{id}', { params: { path: { id } } }));
        if (data.audience !== 'admin' && data.audience !== 'provider') throw new ApiError(403, { code: 'SESSION.NOT_YOURS', message: 'This session is not one you log' });
        return data;
      }),
  });
}

export function useAudit(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: sessionKeys.audit(id),
    enabled,
    queryFn: async () => (await call(api.GET('/api/sessions/{id}/audit', { params: { path: { id } } }))),
  });
}

export function useCatalog() {
  const api = useApi();
  return useQuery({
    queryKey: ['session-catalog'],
    staleTime: 5 * 60_000,
    queryFn: () => withOfflineCopy('catalog', async () => (await call(api.GET('/api/session-catalog'))).catalog),
  });
}

export function useSchools() {
  const api = useApi();
  return useQuery({
    queryKey: ['schools'],
    staleTime: 5 * 60_000,
    queryFn: async () => (await call(api.GET('/api/schools', { params: { query: { pageSize: 200 } } }))).items,
  });
}

export function useMyGroups(providerId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['groups', 'mine', providerId],
    enabled: Boolean(providerId),
    queryFn: async () => (await call(api.GET('/api/groups', { params: { query: { providerId, active: true, pageSize: 200 } } }))).items,
  });
}

export function useGroup(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['groups', id],
    enabled: Boolean(id),
    queryFn: async () => (await call(api.GET('/api/groups/{id}', { params: { path: { id: id as string } } }))),
  });
}

export function useMyWorkOrders(providerId: string | undefined, activeOn: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['work-orders', 'mine', providerId, activeOn],
    enabled: Boolean(providerId),
    queryFn: async () => (await call(api.GET('/api/work-orders', { params: { query: { providerId, active: true, activeOn, pageSize: 200 } } }))).items,
  });
}

/** The provider's running session, if any (at most one: the database enforces it). */
export function useActiveSession(providerId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: sessionKeys.active(providerId ?? ''),
    enabled: Boolean(providerId),
    queryFn: async () => (await call(api.GET('/api/sessions', { params: { query: { providerId, state: 'active', pageSize: 1 } } }))).items[0] ?? null,
  });
}

export function useStudentSearch(q: string) {
  const api = useApi();
  const term = q.trim();
  return useQuery({
    queryKey: ['students', 'search', term],
    enabled: term.length >= 2,
    staleTime: 30_000,
    queryFn: async () => (await call(api.GET('/api/students/search', { params: { query: { q: term, pageSize: 20 } } }))).items,
  });
}

/**
 * Every write to a session answers the session as it now is: put it in the
 * cache (so the screen shows the server's word at once) and refresh the audit.
 * A write kept offline answers nothing yet: the screen shows it from the
 * kept writes until the API has it.
 */
export function useSessionWrite<V>(id: string, write: (vars: V) => Promise<SessionView | undefined>) {
  const queryClient = useQueryClient();
  return useMutation<SessionView | undefined, Error, V>({
    mutationFn: write,
    onSuccess: (session) => {
      if (!session) return;
      queryClient.setQueryData(sessionKeys.one(id), session);
      void queryClient.invalidateQueries({ queryKey: sessionKeys.audit(id) });
    },
  });
}

export function useSessionActions(id: string) {
  const api = useApi();
  const kept = useKeptWrites();
  const queryClient = useQueryClient();
  const path = { id };
  const seenVersion = () => queryClient.getQueryData<SessionView>(sessionKeys.one(id))?.version ?? 0;
  const addParticipant = useSessionWrite(id, async (vars: { studentId?: string; staffId?: string; timeIn?: string; key: string }) => {
    const { key, ...body } = vars;
    return (await call(api.POST('/api/sessions/{id}/participants', { params: { path }, body, headers: { 'Idempotency-Key': key } })));
  });
  // Time-ins, time-outs and notes: sent, or kept while offline (see KeptWritesProvider).
  const updateParticipant = useSessionWrite(id, (vars: { participantId: string; version: number; changes: ParticipantChanges }) =>
    kept.send({ kind: 'participant', sessionId: id, participantId: vars.participantId, participantVersion: vars.version, sessionVersion: seenVersion(), changes: vars.changes, key: idempotencyKey() }),
  );
  const removeParticipant = useSessionWrite(id, async (participantId: string) =>
    (await call(api.DELETE('/api/sessions/{id}/participants/{participantId}', { params: { path: { id, participantId } } }))),
  );
  const updateSession = useSessionWrite(id, async (body: Schemas['UpdateSessionBody']) => (await call(api.PATCH('/api/sessions/{id}', { params: { path }, body }))));
  const end = useSessionWrite(id, (vars: { version: number; endedAt: string; key: string }) =>
    kept.send({ kind: 'end', sessionId: id, sessionVersion: vars.version, endedAt: vars.endedAt, key: vars.key }),
  );
  const setTags = useSessionWrite(id, async (body: Schemas['TagsBody']) => (await call(api.PUT('/api/sessions/{id}/tags', { params: { path }, body }))));
  const saveCoachingLog = useSessionWrite(id, async (body: Schemas['CoachingLogBody']) => (await call(api.PUT('/api/sessions/{id}/coaching-log', { params: { path }, body }))));
  const setDuration = useSessionWrite(id, async (body: Schemas['DurationBody']) => (await call(api.PUT('/api/sessions/{id}/duration', { params: { path }, body }))));
  const assignWorkOrder = useSessionWrite(id, async (body: Schemas['AssignWorkOrderBody']) => (await call(api.PUT('/api/sessions/{id}/work-order', { params: { path }, body }))));
  return { addParticipant, updateParticipant, removeParticipant, updateSession, end, setTags, saveCoachingLog, setDuration, assignWorkOrder };
}

/**
 * Several participants' changes at once (everyone present, qualifiers given
 * to everyone): the PATCHes go in parallel — the service locks only each
 * participant's own row — each with the participant's newest version from
 * the cache; the replies are merged into the cache (per participant, the
 * highest version wins, whatever order they arrive in) and the audit is
 * refetched once at the end. Throws the first refusal after keeping what
 * was saved.
 */
export function useParticipantsBatch(id: string) {
  const kept = useKeptWrites();
  const queryClient = useQueryClient();
  return useMutation<SessionView | undefined, Error, { participantId: string; changes: ParticipantChanges }[]>({
    mutationFn: async (writes) => {
      const cached = queryClient.getQueryData<SessionView>(sessionKeys.one(id));
      const results = await Promise.allSettled(
        writes.map(async (w) => {
          const version = cached?.participants.find((p) => p.id === w.participantId)?.version;
          if (version === undefined) throw new Error('This student is no longer in the session; reload it');
          return kept.send({ kind: 'participant', sessionId: id, participantId: w.participantId, participantVersion: version, sessionVersion: cached?.version ?? 0, changes: w.changes, key: idempotencyKey() });
        }),
      );
      // Kept offline: no answer yet, the screen shows them from the kept writes.
      const replies = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
      let merged = queryClient.getQueryData<SessionView>(sessionKeys.one(id));
      for (const reply of replies) merged = mergeSession(merged, reply);
      if (merged) queryClient.setQueryData(sessionKeys.one(id), merged);
      void queryClient.invalidateQueries({ queryKey: sessionKeys.audit(id) });
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (refused) throw refused.reason instanceof Error ? refused.reason : new Error(String(refused.reason));
      return merged;
    },
  });
}

/** Two answers of the same session, in whatever order they arrived: per participant the higher version, the session's fields from the higher session version. */
export function mergeSession(current: SessionView | undefined, reply: SessionView): SessionView {
  if (!current) return reply;
  const base = reply.version >= current.version ? reply : current;
  const other = base === reply ? current : reply;
  const newer = new Map(other.participants.map((p) => [p.id, p]));
  return {
    ...base,
    participants: base.participants.map((p) => {
      const o = newer.get(p.id);
      return o && o.version > p.version ? o : p;
    }),
  };
}

type SessionItem = Schemas['SessionReply'] | Schemas['FamilySessionReply'];
const isStaffView = (s: SessionItem): s is Schemas['SessionReply'] => s.audience === 'provider' || s.audience === 'admin';

/**
 * The provider's most recent earlier session with this student (one
 * request: the API filters by provider and student, newest first), the one
 * of the same group preferred; null when there is none. Its participants'
 * qualifiers are what "Same qualifiers as last session" offers.
 */
export function usePreviousSession(session: Pick<SessionView, 'id' | 'providerId' | 'startedAt' | 'group'>, studentId: string | undefined, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: ['previous-session', session.id, studentId],
    enabled: enabled && Boolean(studentId),
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const page = await call(api.GET('/api/sessions', { params: { query: { providerId: session.providerId, studentId, state: 'ended', pageSize: 5 } } }));
      const earlier = page.items.filter(isStaffView).filter((s) => s.id !== session.id && Date.parse(s.startedAt) < Date.parse(session.startedAt));
      return earlier.find((s) => session.group && s.group?.id === session.group.id) ?? earlier[0] ?? null;
    },
  });
}

export function useSessionVersions(id: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: sessionKeys.versions(id),
    enabled,
    queryFn: async () => (await call(api.GET('/api/sessions/{id}/versions', { params: { path: { id }, query: { pageSize: 200 } } }))).items,
  });
}

/** The catalog's name of a service code ("tutoring" → "Tutoring"); the code until the catalog is loaded. */
export function useServiceName(): (code: string) => string {
  const catalog = useCatalog();
  return (code) => catalog.data?.services.find((s) => s.code === code)?.name ?? code;
}
