/*
 * Compile-only examples: a district's data export (everything it owns) and a
 * family's records request (everything about one student), both polled
 * until done and downloaded as a zip (docs/district-export.md).
 */
import type { SessionledgerClient } from '@sessionledger/api-client';

export async function exportTheDistrict(api: SessionledgerClient): Promise<void> {
  const { data: queued } = await api.POST('/api/district-exports', { body: { scope: 'district' } });
  if (!queued) return;
  const { data: done } = await api.GET('/api/district-exports/{id}', { params: { path: { id: queued.id } } });
  console.log(done?.status, done?.progress, done?.files.map((file) => `${file.name}: ${file.rows}`));
  if (done?.status === 'done') await api.GET('/api/district-exports/{id}/file', { params: { path: { id: done.id } }, parseAs: 'blob' });
}

export async function answerARecordsRequest(api: SessionledgerClient, studentId: string): Promise<void> {
  const { data: queued } = await api.POST('/api/students/{id}/records-requests', {
    params: { path: { id: studentId } },
    body: { recipient: 'Parent: Ana Garcia', purpose: 'FERPA request to inspect education records' },
  });
  if (!queued) return;
  const { data: done } = await api.GET('/api/district-exports/{id}', { params: { path: { id: queued.id } } });
  if (done?.status === 'done') await api.GET('/api/district-exports/{id}/file', { params: { path: { id: done.id } }, parseAs: 'blob' });
  const { data: disclosures } = await api.GET('/api/students/{id}/disclosures', { params: { path: { id: studentId }, query: { page: 1, pageSize: 50 } } });
  console.log(disclosures?.items.filter((item) => item.kind === 'records_request').length);
}
