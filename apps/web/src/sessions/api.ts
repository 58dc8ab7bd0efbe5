/*
 * The session screens' server state: reads as TanStack queries, writes as
 * mutations, every call through the generated client. Types come from the
 * OpenAPI schema, never copied.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { ApiError, call, useApi } from '../api/useApi';

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

/** One key per user action, so a retried POST is answered once (README: Idempotency). */
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
    queryFn: async (): Promise<SessionView> => {
      const data = (await call(api.GET('/api/sessions/{id}', { params: { path: { id } } })));
      if (data.audience !== 'admin' && data.audience !== 'provider') throw new ApiError(403, { code: 'SESSION.NOT_YOURS', message: 'This session is not one you log' });
      return data;
    },
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
    queryFn: async () => (await call(api.GET('/api/session-catalog'))).catalog,
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
 */
export function useSessionWrite<V>(id: string, write: (vars: V) => Promise<SessionView>) {
  const queryClient = useQueryClient();
  return useMutation<SessionView, Error, V>({
    mutationFn: write,
    onSuccess: (session) => {
      queryClient.setQueryData(sessionKeys.one(id), session);
      void queryClient.invalidateQueries({ queryKey: sessionKeys.audit(id) });
    },
  });
}

export function useSessionActions(id: string) {
  const api = useApi();
  const path = { id };
  const addParticipant = useSessionWrite(id, async (vars: { studentId?: string; staffId?: string; timeIn?: string; key: string }) => {
    const { key, ...body } = vars;
    return (await call(api.POST('/api/sessions/{id}/participants', { params: { path }, body, headers: { 'Idempotency-Key': key } })));
  });
  const updateParticipant = useSessionWrite(id, async (vars: { participantId: string; version: number; changes: ParticipantChanges }) =>
    call(
      api.PATCH('/api/sessions/{id}/participants/{participantId}', {
        params: { path: { id, participantId: vars.participantId } },
        body: { ...vars.changes, version: vars.version },
      }),
    ),
  );
  const removeParticipant = useSessionWrite(id, async (participantId: string) =>
    (await call(api.DELETE('/api/sessions/{id}/participants/{participantId}', { params: { path: { id, participantId } } }))),
  );
  const updateSession = useSessionWrite(id, async (body: Schemas['UpdateSessionBody']) => (await call(api.PATCH('/api/sessions/{id}', { params: { path }, body }))));
  const end = useSessionWrite(id, async (vars: { version: number; endedAt: string; key: string }) =>
    (await call(api.POST('/api/sessions/{id}/end', { params: { path }, body: { version: vars.version, endedAt: vars.endedAt }, headers: { 'Idempotency-Key': vars.key } }))),
  );
  const setTags = useSessionWrite(id, async (body: Schemas['TagsBody']) => (await call(api.PUT('/api/sessions/{id}/tags', { params: { path }, body }))));
  const saveCoachingLog = useSessionWrite(id, async (body: Schemas['CoachingLogBody']) => (await call(api.PUT('/api/sessions/{id}/coaching-log', { params: { path }, body }))));
  const setDuration = useSessionWrite(id, async (body: Schemas['DurationBody']) => (await call(api.PUT('/api/sessions/{id}/duration', { params: { path }, body }))));
  const assignWorkOrder = useSessionWrite(id, async (body: Schemas['AssignWorkOrderBody']) => (await call(api.PUT('/api/sessions/{id}/work-order', { params: { path }, body }))));
  return { addParticipant, updateParticipant, removeParticipant, updateSession, end, setTags, saveCoachingLog, setDuration, assignWorkOrder };
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
