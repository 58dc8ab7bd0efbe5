/*
 * The payroll screens' server state: reads as TanStack queries, writes and
 * downloads as mutations, every call through the generated client.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, useApi } from '../api/useApi';
import { attachmentName } from './format';
import type { PayDecision, PayLine, PayPeriod } from './period';

/** The API's largest page. */
const MAX_PAGE_SIZE = 200;

export const PERIODS_PAGE_SIZE = 20;

export const payKeys = {
  all: ['payroll'] as const,
  periods: (page: number) => ['payroll', 'periods', 'page', page] as const,
  period: (id: string) => ['payroll', 'periods', id] as const,
  lines: (id: string) => ['payroll', 'periods', id, 'lines'] as const,
  sessionPay: (sessionId: string) => ['payroll', 'session-pay', sessionId] as const,
};

/** One key per user action, so a retried POST is answered once (docs/api/README.md: Idempotency). */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

export function usePayPeriods(page: number) {
  const api = useApi();
  return useQuery({
    queryKey: payKeys.periods(page),
    // The page shown stays on screen while the next one loads.
    placeholderData: (previous) => previous,
    queryFn: async () => call(api.GET('/api/pay-periods', { params: { query: { page, pageSize: PERIODS_PAGE_SIZE } } })),
  });
}

export function usePayPeriod(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: payKeys.period(id),
    queryFn: async () => call(api.GET('/api/pay-periods/{id}', { params: { path: { id } } })),
  });
}

/** Every line of the period: totals per provider need them all, so pages are read until the total is reached. */
export function usePeriodLines(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: payKeys.lines(id),
    queryFn: async () => {
      const lines: PayLine[] = [];
      for (let page = 1; ; page += 1) {
        const reply = await call(api.GET('/api/pay-periods/{id}/lines', { params: { path: { id }, query: { page, pageSize: MAX_PAGE_SIZE } } }));
        lines.push(...reply.items);
        if (reply.items.length === 0 || lines.length >= reply.total) return lines;
      }
    },
  });
}

/**
 * Payroll's decisions for the given sessions (their reasons, paid or not),
 * keyed by session; sessions still loading or refused are left out.
 */
export function useSessionDecisions(sessionIds: readonly string[]) {
  const api = useApi();
  return useQueries({
    queries: sessionIds.map((id) => ({
      queryKey: payKeys.sessionPay(id),
      staleTime: 60_000,
      queryFn: async () => call(api.GET('/api/sessions/{id}/pay', { params: { path: { id } } })),
    })),
    combine: (results) => ({
      decisions: new Map<string, PayDecision[]>(results.flatMap((r, i) => (r.data ? [[sessionIds[i], r.data.decisions]] : []))),
      error: results.find((r) => r.error)?.error ?? null,
      isPending: results.some((r) => r.isPending),
    }),
  });
}

export function useClosePeriod(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation<PayPeriod, Error, { key: string }>({
    mutationFn: async ({ key }) => call(api.POST('/api/pay-periods/{id}/close', { params: { path: { id } }, headers: { 'Idempotency-Key': key } })),
    onSuccess: (period) => {
      queryClient.setQueryData(payKeys.period(id), period);
      void queryClient.invalidateQueries({ queryKey: ['payroll', 'periods', 'page'] });
    },
  });
}

export interface DownloadedFile {
  text: string;
  filename: string;
}

/** The period's payroll CSV, named as the API names it (provisional while the period is open). */
export function usePayrollCsv(period: Pick<PayPeriod, 'id' | 'startsOn' | 'endsOn'>) {
  const api = useApi();
  return useMutation<DownloadedFile, Error, void>({
    mutationFn: async () => {
      const pending = api.GET('/api/pay-periods/{id}/export.csv', { params: { path: { id: period.id } }, parseAs: 'text' });
      const text = await call(pending);
      const { response } = await pending;
      return { text, filename: attachmentName(response.headers.get('Content-Disposition'), `pay-period-${period.startsOn}-to-${period.endsOn}.csv`) };
    },
    onSuccess: saveCsv,
  });
}

/** The period's billable lines as the billing CSV (837P map). */
export function useBillingCsv(period: Pick<PayPeriod, 'id' | 'startsOn' | 'endsOn'>) {
  const api = useApi();
  return useMutation<DownloadedFile, Error, void>({
    mutationFn: async () => {
      const pending = api.POST('/api/billing/exports', { body: { periodId: period.id }, parseAs: 'text' });
      const text = await call(pending);
      const { response } = await pending;
      return { text, filename: attachmentName(response.headers.get('Content-Disposition'), `billing-${period.startsOn}-to-${period.endsOn}.csv`) };
    },
    onSuccess: saveCsv,
  });
}

/** Hands the file to the browser's downloads through an object URL: the API needs the bearer token, which a plain link cannot send. */
export function saveCsv({ text, filename }: DownloadedFile): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
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
