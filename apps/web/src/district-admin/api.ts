/*
 * Server state of the roster import and state reporting screens: reads as
 * TanStack queries (polled while a background job runs), writes as mutations,
 * every call through the generated client.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';
import { attachmentName } from '../payroll/format';
import type { DownloadedFile } from '../payroll/api';

export type RosterImport = Schemas['RosterImportResponse'];
export type RosterImportSummary = Schemas['RosterImportSummary'];
export type InvitationBatch = Schemas['InvitationBatchResponse'];
export type StateExport = Schemas['ExportReply'];
export type IneligibleSession = Schemas['IneligibleSessionReply'];
export type Disclosure = Schemas['DisclosureReply'];
export type StartExport = Schemas['StartExportBody'];

/** How often a running job is read again. */
export const POLL_MS = 1000;
export const LIST_PAGE_SIZE = 10;
export const INELIGIBLE_PAGE_SIZE = 20;

export const adminKeys = {
  imports: (page: number) => ['roster', 'imports', 'page', page] as const,
  import: (id: string) => ['roster', 'imports', id] as const,
  batch: (id: string) => ['invitations', 'batches', id] as const,
  exports: (page: number) => ['reporting', 'exports', 'page', page] as const,
  export: (id: string) => ['reporting', 'exports', id] as const,
  ineligible: (page: number) => ['reporting', 'ineligible', page] as const,
  changedSince: (since: string) => ['reporting', 'records', 'since', since] as const,
  disclosures: (studentId: string, page: number) => ['reporting', 'disclosures', studentId, page] as const,
};

/** One key per user action, so a retried POST is answered once (docs/api/README.md: Idempotency). */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

const running = (status: string | undefined) => status === 'queued' || status === 'running';

export function useRosterImports(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.imports(page),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/roster/imports', { params: { query: { page, pageSize: LIST_PAGE_SIZE } } })),
    // A listed import still running changes status on its own: keep the list current meanwhile.
    refetchInterval: (query) => (query.state.data?.items.some((item) => running(item.status)) ? POLL_MS * 2 : false),
  });
}

/** One import, read again every second while it is queued or running. */
export function useRosterImport(id: string | null) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: adminKeys.import(id ?? ''),
    enabled: Boolean(id),
    queryFn: async () => {
      const found = await call(api.GET('/api/roster/imports/{id}', { params: { path: { id: id ?? '' } } }));
      if (!running(found.status)) void queryClient.invalidateQueries({ queryKey: ['roster', 'imports', 'page'] });
      return found;
    },
    refetchInterval: (query) => (running(query.state.data?.status) ? POLL_MS : false),
  });
}

/**
 * Sends the zip as it is (`Content-Type: application/zip`): the client would
 * otherwise write the body as JSON, so the serializer hands the file over
 * untouched, still through the client and its token renewal.
 */
export function useStartRosterImport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<RosterImport, Error, { file: Blob; dryRun: boolean; key: string }>({
    mutationFn: async ({ file, dryRun, key }) =>
      call(
        api.POST('/api/roster/imports', {
          params: { query: { dryRun } },
          headers: { 'Content-Type': 'application/zip', 'Idempotency-Key': key },
          body: file,
          bodySerializer: (body) => body,
        }),
      ),
    onSuccess: (started) => {
      queryClient.setQueryData(adminKeys.import(started.id), started);
      void queryClient.invalidateQueries({ queryKey: ['roster', 'imports', 'page'] });
    },
  });
}

/** One batch inviting everyone the import created (the API sends the e-mails in the background). */
export function useInviteImported() {
  const api = useApi();
  return useMutation<InvitationBatch, Error, { rosterImportId: string; key: string }>({
    mutationFn: async ({ rosterImportId, key }) =>
      (await call(api.POST('/api/invitations', { body: { rosterImportId }, headers: { 'Idempotency-Key': key } }))) as InvitationBatch,
  });
}

export function useInvitationBatch(id: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.batch(id ?? ''),
    enabled: Boolean(id),
    queryFn: async () => call(api.GET('/api/invitations/batches/{id}', { params: { path: { id: id ?? '' } } })),
    refetchInterval: (query) => (running(query.state.data?.status) ? POLL_MS : false),
  });
}

export function useStateExports(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.exports(page),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/reporting/exports', { params: { query: { page, pageSize: LIST_PAGE_SIZE } } })),
    refetchInterval: (query) => (query.state.data?.items.some((item) => running(item.status)) ? POLL_MS * 2 : false),
  });
}

export function useStateExport(id: string | null) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: adminKeys.export(id ?? ''),
    enabled: Boolean(id),
    queryFn: async () => {
      const found = await call(api.GET('/api/reporting/exports/{id}', { params: { path: { id: id ?? '' } } }));
      if (!running(found.status)) void queryClient.invalidateQueries({ queryKey: ['reporting', 'exports', 'page'] });
      return found;
    },
    refetchInterval: (query) => (running(query.state.data?.status) ? POLL_MS : false),
  });
}

export function useStartExport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<StateExport, Error, { body: StartExport; key: string }>({
    mutationFn: async ({ body, key }) => call(api.POST('/api/reporting/exports', { body, headers: { 'Idempotency-Key': key } })),
    onSuccess: (started) => {
      queryClient.setQueryData(adminKeys.export(started.id), started);
      void queryClient.invalidateQueries({ queryKey: ['reporting', 'exports', 'page'] });
    },
  });
}

/** The finished file, named as the API names it. */
export function useExportDownload() {
  const api = useApi();
  return useMutation<DownloadedFile & { type: string }, Error, StateExport>({
    mutationFn: async (found) => {
      const pending = api.GET('/api/reporting/exports/{id}/download', { params: { path: { id: found.id } }, parseAs: 'text' });
      const text = await call(pending);
      const { response } = await pending;
      const extension = found.format === 'csv' ? 'csv' : 'json';
      return {
        text,
        type: response.headers.get('Content-Type') ?? (found.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json'),
        filename: attachmentName(response.headers.get('Content-Disposition'), `state-export-${found.from}-to-${found.to}.${extension}`),
      };
    },
    onSuccess: saveFile,
  });
}

/** Hands the file to the browser's downloads: the API needs the bearer token, which a plain link cannot send. */
function saveFile({ text, filename, type }: DownloadedFile & { type: string }): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser may still be reading the blob when click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function useIneligible(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.ineligible(page),
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/reporting/ineligible', { params: { query: { page, pageSize: INELIGIBLE_PAGE_SIZE } } })),
  });
}

/** Records written or recomputed (amendments, new bell schedules) since an instant: what the next export corrects. */
export function useRecordsChangedSince(since: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.changedSince(since ?? ''),
    enabled: Boolean(since),
    queryFn: async () => call(api.GET('/api/reporting/records', { params: { query: { updatedSince: since ?? '', page: 1, pageSize: INELIGIBLE_PAGE_SIZE } } })),
  });
}

export function useDisclosures(studentId: string | null, page: number) {
  const api = useApi();
  return useQuery({
    queryKey: adminKeys.disclosures(studentId ?? '', page),
    enabled: Boolean(studentId),
    placeholderData: keepPreviousData,
    queryFn: async () =>
      call(api.GET('/api/students/{id}/disclosures', { params: { path: { id: studentId ?? '' }, query: { page, pageSize: LIST_PAGE_SIZE } } })),
  });
}
