/*
 * The directory's server state: lists and records as TanStack queries, every
 * write as a mutation whose answer (the record as it now is) replaces the
 * cached record, so the screen shows the server's word and its new version.
 */
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas, SessionledgerClient } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';
import { activeFilter, type ListParams } from './address';

export type StaffMember = Schemas['StaffResponse'];
export type StudentRecord = Schemas['StudentResponse'];
export type Guardian = Schemas['GuardianResponse'];
export type Group = Schemas['GroupResponse'];
export type GroupDetail = Schemas['GroupDetailResponse'];
export type StaffGroup = Schemas['StaffGroupResponse'];
export type Grade = StudentRecord['grade'];

export type DirectoryKind = 'staff' | 'students' | 'guardians' | 'groups' | 'staff-groups';

export const DIRECTORY_PAGE_SIZE = 20;
/** How many matches a search for someone to add offers at once: a few more letters narrow it. */
const MATCHES = 8;

export const directoryKeys = {
  lists: (kind: DirectoryKind) => ['directory', kind, 'list'] as const,
  list: (kind: DirectoryKind, params: ListParams) => ['directory', kind, 'list', params] as const,
  record: (kind: DirectoryKind, id: string) => ['directory', kind, 'record', id] as const,
  studentGuardians: (id: string) => ['directory', 'students', 'guardians', id] as const,
  matches: (kind: DirectoryKind, q: string, schoolId?: string) => ['directory', kind, 'matches', q, schoolId ?? null] as const,
};

function listQuery(params: ListParams) {
  return { q: params.q || undefined, active: activeFilter(params.status), page: params.page, pageSize: DIRECTORY_PAGE_SIZE };
}

export function useStaffList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.list('staff', params),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/staff', { params: { query: listQuery(params) } })),
  });
}

export function useStudentList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.list('students', params),
    placeholderData: keepPreviousData,
    // Admins are answered full records; the search shape is for providers, who never reach this screen.
    queryFn: async () => (await call(api.GET('/api/students', { params: { query: listQuery(params) } }))) as { items: StudentRecord[]; total: number },
  });
}

export function useGuardianList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.list('guardians', params),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/guardians', { params: { query: listQuery(params) } })),
  });
}

export function useGroupList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.list('groups', params),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/groups', { params: { query: listQuery(params) } })),
  });
}

/** Staff groups are few and the API filters them by page only. */
export function useStaffGroupList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.list('staff-groups', params),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/staff-groups', { params: { query: { page: params.page, pageSize: DIRECTORY_PAGE_SIZE } } })),
  });
}

export function useStaffMember(id: string) {
  const api = useApi();
  return useQuery({ queryKey: directoryKeys.record('staff', id), queryFn: async () => call(api.GET('/api/staff/{id}', { params: { path: { id } } })) });
}

export function useStudent(id: string) {
  const api = useApi();
  return useQuery({ queryKey: directoryKeys.record('students', id), queryFn: async () => call(api.GET('/api/students/{id}', { params: { path: { id } } })) });
}

export function useStudentGuardians(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.studentGuardians(id),
    queryFn: async () => (await call(api.GET('/api/students/{id}/guardians', { params: { path: { id }, query: { pageSize: 200 } } }))).items,
  });
}

export function useGuardian(id: string) {
  const api = useApi();
  return useQuery({ queryKey: directoryKeys.record('guardians', id), queryFn: async () => call(api.GET('/api/guardians/{id}', { params: { path: { id } } })) });
}

export function useGroup(id: string) {
  const api = useApi();
  return useQuery({ queryKey: directoryKeys.record('groups', id), queryFn: async () => call(api.GET('/api/groups/{id}', { params: { path: { id } } })) });
}

export function useStaffGroup(id: string) {
  const api = useApi();
  return useQuery({ queryKey: directoryKeys.record('staff-groups', id), queryFn: async () => call(api.GET('/api/staff-groups/{id}', { params: { path: { id } } })) });
}

/** Students' names by id (a guardian's links carry only the id); those the reader may not see are left out. */
export function useStudentNames(ids: readonly string[]) {
  const api = useApi();
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: directoryKeys.record('students', id),
      staleTime: 60_000,
      queryFn: async () => call(api.GET('/api/students/{id}', { params: { path: { id } } })),
    })),
    combine: (results) => new Map(results.flatMap((result, i) => (result.data ? [[ids[i], `${result.data.firstName} ${result.data.lastName}`] as const] : []))),
  });
}

export interface Match {
  id: string;
  name: string;
  detail: string;
}

/** Active students the admin administers whose names start with the letters typed; only of one school when given (a group's). */
export function useStudentMatches(q: string, schoolId?: string) {
  const api = useApi();
  const term = q.trim();
  return useQuery({
    queryKey: directoryKeys.matches('students', term, schoolId),
    enabled: term.length >= 2,
    queryFn: async (): Promise<Match[]> => {
      const reply = await call(api.GET('/api/students', { params: { query: { q: term, active: true, schoolId, pageSize: MATCHES } } }));
      return reply.items.map((student) => ({ id: student.id, name: `${student.firstName} ${student.lastName}`, detail: `Grade ${student.grade} · ${student.localId}` }));
    },
  });
}

export function useStaffMatches(q: string) {
  const api = useApi();
  const term = q.trim();
  return useQuery({
    queryKey: directoryKeys.matches('staff', term),
    enabled: term.length >= 2,
    queryFn: async (): Promise<Match[]> => {
      const reply = await call(api.GET('/api/staff', { params: { query: { q: term, active: true, pageSize: MATCHES } } }));
      return reply.items.map((staff) => ({ id: staff.id, name: `${staff.firstName} ${staff.lastName}`, detail: staff.email }));
    },
  });
}

/** A write answered with the record as it now is: cached as the record, and every list of its kind read again. */
function useRecordWrite<Reply extends { id: string }, Variables>(kind: DirectoryKind, write: (api: SessionledgerClient, variables: Variables) => Promise<Reply>) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Reply, Error, Variables>({
    mutationFn: (variables) => write(api, variables),
    onSuccess: (record) => {
      queryClient.setQueryData(directoryKeys.record(kind, record.id), record);
      void queryClient.invalidateQueries({ queryKey: directoryKeys.lists(kind) });
    },
  });
}

export const useSetStaffActive = (id: string) =>
  useRecordWrite('staff', (api, active: boolean) =>
    call(active ? api.POST('/api/staff/{id}/reactivate', { params: { path: { id } } }) : api.POST('/api/staff/{id}/deactivate', { params: { path: { id } } })),
  );
export const useSetStudentActive = (id: string) =>
  useRecordWrite('students', (api, active: boolean) =>
    call(active ? api.POST('/api/students/{id}/reactivate', { params: { path: { id } } }) : api.POST('/api/students/{id}/deactivate', { params: { path: { id } } })),
  );
export const useSetGuardianActive = (id: string) =>
  useRecordWrite('guardians', (api, active: boolean) =>
    call(active ? api.POST('/api/guardians/{id}/reactivate', { params: { path: { id } } }) : api.POST('/api/guardians/{id}/deactivate', { params: { path: { id } } })),
  );
export const useSetGroupActive = (id: string) =>
  useRecordWrite('groups', (api, active: boolean) =>
    call(active ? api.POST('/api/groups/{id}/reactivate', { params: { path: { id } } }) : api.POST('/api/groups/{id}/deactivate', { params: { path: { id } } })),
  );

export const useSetApprovals = (id: string) =>
  useRecordWrite('staff', (api, schoolIds: string[]) => call(api.PUT('/api/staff/{id}/approvals', { params: { path: { id } }, body: { schoolIds } })));

export const useUpdateStudent = (id: string) =>
  useRecordWrite('students', (api, body: Schemas['UpdateStudentRequest']) => call(api.PATCH('/api/students/{id}', { params: { path: { id } }, body })));

export const useUpdateGuardian = (id: string) =>
  useRecordWrite('guardians', (api, body: Schemas['UpdateGuardianRequest']) => call(api.PATCH('/api/guardians/{id}', { params: { path: { id } }, body })));

export function useSetGuardianStudents(id: string) {
  const queryClient = useQueryClient();
  return useRecordWrite('guardians', async (api, studentIds: string[]) => {
    const guardian = await call(api.PUT('/api/guardians/{id}/students', { params: { path: { id } }, body: { studentIds } }));
    // Each student's own list of guardians changed with the links.
    void queryClient.invalidateQueries({ queryKey: ['directory', 'students', 'guardians'] });
    return guardian;
  });
}

export const useUpdateGroup = (id: string) =>
  useRecordWrite('groups', (api, body: Schemas['UpdateGroupRequest']) => call(api.PATCH('/api/groups/{id}', { params: { path: { id } }, body })));

export const useSetGroupMembers = (id: string) =>
  useRecordWrite('groups', (api, studentIds: string[]) => call(api.PUT('/api/groups/{id}/members', { params: { path: { id } }, body: { studentIds } })));

export const useSetStaffGroupMembers = (id: string) =>
  useRecordWrite('staff-groups', (api, body: Schemas['StaffGroupMembersRequest']) => call(api.PUT('/api/staff-groups/{id}/members', { params: { path: { id } }, body })));

/** The invitation (one person's; the API answers a roster batch with another shape, never asked for here). */
export type Invitation = Schemas['InvitationResponse'];

export function useInviteStaff(staffId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<Invitation, Error, void>({
    mutationFn: async () => (await call(api.POST('/api/invitations', { body: { staffId } }))) as Invitation,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: directoryKeys.record('staff', staffId) }),
  });
}
export const useCreateStaff = () => useRecordWrite('staff', (api, body: Schemas['CreateStaffRequest']) => call(api.POST('/api/staff', { body })));
export const useCreateStudent = () => useRecordWrite('students', (api, body: Schemas['CreateStudentRequest']) => call(api.POST('/api/students', { body })));
export const useCreateGuardian = () => useRecordWrite('guardians', (api, body: Schemas['CreateGuardianRequest']) => call(api.POST('/api/guardians', { body })));
export const useCreateGroup = () => useRecordWrite('groups', (api, body: Schemas['CreateGroupRequest']) => call(api.POST('/api/groups', { body })));
export const useCreateStaffGroup = () => useRecordWrite('staff-groups', (api, body: Schemas['CreateStaffGroupRequest']) => call(api.POST('/api/staff-groups', { body })));
