/*
 * Compile-only examples: a district admin searches the access and change log
 * (who read a student's records, who changed them) and downloads it as CSV.
 */
import type { SessionledgerClient } from '@sessionledger/api-client';

export async function whoSawThisStudent(admin: SessionledgerClient, studentId: string): Promise<void> {
  const { data } = await admin.GET('/api/audit-events', {
    params: { query: { studentId, from: '2026-09-01T00:00:00Z', page: 1, pageSize: 100 } },
  });
  for (const event of data?.items ?? []) console.log(event.occurredAt, event.action, event.actorName, event.before, event.after);
  const { data: failures } = await admin.GET('/api/audit-events', { params: { query: { action: 'auth.sign-in.failed' } } });
  console.log(failures?.total);
}

export async function auditCsv(admin: SessionledgerClient, studentId: string): Promise<string | undefined> {
  const { data } = await admin.GET('/api/audit-events.csv', { params: { query: { studentId } }, parseAs: 'text' });
  return data;
}
