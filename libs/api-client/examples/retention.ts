/*
 * Compile-only examples: a district admin sets the district's retention,
 * places and releases a legal hold, runs a disposal and reads its reports.
 */
import type { SessionledgerClient } from '@sessionledger/api-client';

export async function keepSevenYearsAndDispose(admin: SessionledgerClient, studentId: string): Promise<void> {
  const { data: policy } = await admin.PUT('/api/retention/policy', { body: { sessions: 7, pay: 7, stateExports: 7, auditLog: 7 } });
  console.log(policy?.version);
  const { data: hold } = await admin.POST('/api/legal-holds', { body: { subjectType: 'student', subjectId: studentId, reason: 'Due-process complaint 2026-014' } });
  const { data: run } = await admin.POST('/api/retention/disposals', { body: { recordClasses: ['sessions', 'auditLog'] } });
  for (const report of run?.reports ?? []) console.log(report.recordClass, report.cutoff, report.disposed, report.heldBack);
  if (hold) await admin.POST('/api/legal-holds/{id}/release', { params: { path: { id: hold.id } }, body: { reason: 'Complaint settled' } });
  const { data: reports } = await admin.GET('/api/retention/disposals', { params: { query: { page: 1, pageSize: 50 } } });
  console.log(reports?.total);
  const { data: current } = await admin.GET('/api/retention/policy');
  console.log(current?.configured);
  const { data: holds } = await admin.GET('/api/legal-holds', { params: { query: { status: 'active' } } });
  console.log(holds?.total);
}
