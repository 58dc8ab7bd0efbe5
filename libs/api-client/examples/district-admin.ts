/*
 * Compile-only examples: a district admin's set-up and oversight routes
 * (single sign-on, roster import, system status, dashboards, calendar).
 */
import type { SessionledgerClient } from '@sessionledger/api-client';

export async function configureSingleSignOn(api: SessionledgerClient): Promise<void> {
  const { data: current } = await api.GET('/api/district/sso');
  await api.PUT('/api/district/sso', {
    body: { issuer: 'https://accounts.google.com', clientId: current?.clientId ?? 'client-id', allowedDomains: ['lincoln.k12.example.us'], slug: 'lincoln' },
  });
}

/** The zip goes as it is; the JSON form carries the CSV texts. Then poll until it has run. */
export async function importRoster(api: SessionledgerClient, zip: Blob, usersCsv: string): Promise<void> {
  const { data: queued } = await api.POST('/api/roster/imports', {
    params: { query: { dryRun: true } },
    body: zip,
    headers: { 'Content-Type': 'application/zip' },
    bodySerializer: (body) => body,
  });
  await api.POST('/api/roster/imports', { body: { files: { 'users.csv': usersCsv } } });
  if (!queued) return;
  const { data: done } = await api.GET('/api/roster/imports/{id}', { params: { path: { id: queued.id } } });
  console.log(done?.status, done?.counts.students?.created, done?.errors.length);
}

/** Incremental sync: everything changed since the last run, page by page. */
export async function rosterImportsSince(api: SessionledgerClient, updatedSince: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const { data } = await api.GET('/api/roster/imports', { params: { query: { page, pageSize: 200, updatedSince } } });
    if (!data) break;
    ids.push(...data.items.map((item) => item.id));
    if (page * data.pageSize >= data.total) break;
  }
  return ids;
}

export async function systemStatus(api: SessionledgerClient): Promise<boolean> {
  const { data } = await api.GET('/api/system/services');
  const { data: one } = await api.GET('/api/system/services/{service}', { params: { path: { service: 'payroll' } } });
  return (data ?? []).every((service) => service.status === 'up') && one?.status === 'up';
}

export async function dashboards(api: SessionledgerClient, schoolId: string): Promise<void> {
  const window = { from: '2026-09-01', to: '2026-12-18', schoolId };
  const { data: minutes } = await api.GET('/api/dashboards/minutes', { params: { query: { ...window, groupBy: 'service' } } });
  const { data: dosage } = await api.GET('/api/dashboards/dosage', { params: { query: { ...window, page: 1, pageSize: 50, anonymized: true } } });
  const { data: coaching } = await api.GET('/api/dashboards/coaching', { params: { query: { ...window, groupBy: 'teacher' } } });
  console.log(minutes?.groups[0]?.students, dosage?.totals?.dosagePercent, coaching?.groups.length);
}

export async function calendar(api: SessionledgerClient, providerId: string): Promise<void> {
  const { data } = await api.GET('/api/calendar', { params: { query: { from: '2026-09-07T00:00:00-05:00', to: '2026-09-14T00:00:00-05:00', providerId } } });
  console.log(data?.entries.map((entry) => `${entry.startsAt} ${entry.service} ${entry.state}`), data?.warnings);
  const { data: feed } = await api.POST('/api/me/calendar-feed');
  if (feed) await api.DELETE('/api/me/calendar-feed');
}
