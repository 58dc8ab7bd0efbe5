/*
 * Compile-only examples: a provider's session from start to posting, payroll
 * and state reporting.
 */
import type { SessionledgerClient } from '@sessionledger/api-client';

export async function runASession(api: SessionledgerClient, groupId: string, signingPassword: string): Promise<void> {
  const { data: started, error } = await api.POST('/api/sessions', {
    body: { service: 'tutoring', groupId, startedAt: new Date().toISOString() },
    headers: { 'Idempotency-Key': `start-${groupId}-${new Date().toISOString().slice(0, 16)}` },
  });
  if (error) {
    console.log(error.code === 'SESSION.ALREADY_ACTIVE' ? 'already running' : error.message);
    return;
  }
  const id = started.id;
  const { data: ended } = await api.POST('/api/sessions/{id}/end', { params: { path: { id } }, body: { version: started.version, endedAt: new Date().toISOString() } });
  if (!ended) return;
  const { data: posted } = await api.POST('/api/sessions/{id}/post', { params: { path: { id } }, body: { password: signingPassword } });
  console.log(posted);
  await api.GET('/api/sessions/{id}/history', { params: { path: { id } } });
}

export async function myWork(api: SessionledgerClient): Promise<void> {
  await api.GET('/api/sessions', { params: { query: { from: '2026-09-01', to: '2026-09-30', page: 1 } } });
  await api.GET('/api/me/tasks');
  await api.GET('/api/needs-attention');
  await api.GET('/api/session-catalog');
}

export async function payroll(api: SessionledgerClient): Promise<void> {
  const { data: periods } = await api.GET('/api/pay-periods', { params: { query: { page: 1 } } });
  const period = periods?.items[0];
  if (!period) return;
  await api.GET('/api/pay-periods/{id}/lines', { params: { path: { id: period.id } } });
  await api.POST('/api/pay-periods/{id}/close', { params: { path: { id: period.id } } });
  await api.GET('/api/me/pay-lines');
}

export async function stateReporting(api: SessionledgerClient): Promise<void> {
  await api.GET('/api/reporting/records', { params: { query: { from: '2026-09-01', to: '2026-12-18' } } });
  const { data: run } = await api.POST('/api/reporting/exports', {
    body: { format: 'csv', from: '2026-09-01', to: '2026-12-18', recipient: 'State Department of Education', purpose: 'Quarterly tutoring report' },
  });
  if (run) await api.GET('/api/reporting/exports/{id}', { params: { path: { id: run.id } } });
}
