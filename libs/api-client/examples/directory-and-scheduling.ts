/*
 * Compile-only examples: a district system keeping its copy of the directory,
 * series and work orders in step (`updatedSince`, pages in a stable order),
 * and the main writes of those areas.
 */
import type { Schemas, SessionledgerClient } from '@sessionledger/api-client';

/**
 * Every student created or changed since the last sync, page by page. Start
 * from a few minutes before the previous sync started: a write still running
 * then carries its transaction's start time.
 */
export async function studentsChangedSince(api: SessionledgerClient, updatedSince: string): Promise<Schemas['StudentResponse'][]> {
  const students: Schemas['StudentResponse'][] = [];
  for (let page = 1; ; page++) {
    const { data, error } = await api.GET('/api/students', { params: { query: { page, pageSize: 200, updatedSince } } });
    if (error) throw new Error(`${error.code}: ${error.message}`);
    // Admins get full records; a provider's answer is the narrower search result.
    for (const item of data.items) if ('hasIep' in item) students.push(item);
    if (page * data.pageSize >= data.total) break;
  }
  // Records from a roster import carry their OneRoster id, to match them in the SIS.
  console.log(students.filter((student) => student.sourcedId !== null).map((student) => `${student.sourcedId} → ${student.id}`));
  return students;
}

export async function changedSince(api: SessionledgerClient, updatedSince: string): Promise<void> {
  const query = { query: { updatedSince, pageSize: 200 } };
  const [schools, staff, guardians, groups, staffGroups] = await Promise.all([
    api.GET('/api/schools', { params: query }),
    api.GET('/api/staff', { params: query }),
    api.GET('/api/guardians', { params: query }),
    api.GET('/api/groups', { params: query }),
    api.GET('/api/staff-groups', { params: query }),
  ]);
  console.log(schools.data?.total, staff.data?.items[0]?.sourcedId, guardians.data?.items[0]?.students, groups.data?.items[0]?.memberCount, staffGroups.data?.items[0]?.userIds);
}

export async function enrolStudent(api: SessionledgerClient, schoolId: string, providerId: string): Promise<void> {
  const { data: student } = await api.POST('/api/students', { body: { localId: '100234', firstName: 'Maya', lastName: 'Garcia', grade: 'K', schoolId } });
  if (!student) return;
  await api.POST('/api/guardians', { body: { firstName: 'Rosa', lastName: 'Garcia', studentIds: [student.id], relationship: 'mother' } });
  const { data: guardians } = await api.GET('/api/students/{id}/guardians', { params: { path: { id: student.id } } });
  const { data: group } = await api.POST('/api/groups', { body: { name: 'Reading, Tuesday', schoolId, providerId, studentIds: [student.id] } });
  if (group) await api.PATCH('/api/groups/{id}', { params: { path: { id: group.id } }, body: { version: group.version, name: 'Reading, Thursday' } });
  console.log(guardians?.items.map((guardian) => guardian.relationship));
}

export async function scheduleAndPay(api: SessionledgerClient, providerId: string, schoolId: string, groupId: string): Promise<void> {
  const { data: order } = await api.POST('/api/work-orders', {
    body: { type: 'tutoring', providerId, schoolId, payRateCents: 3250, validFrom: '2026-08-17', validTo: '2027-05-28' },
  });
  const { data: series, error } = await api.POST('/api/series', {
    body: { service: 'tutoring', type: 'group', providerId, groupId, start: '2026-09-14T16:00', durationMinutes: 45, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', workOrderId: order?.id },
  });
  if (error) throw new Error(`${error.code}: ${error.message}`);
  const { data: occurrences } = await api.GET('/api/series/{id}/occurrences', {
    params: { path: { id: series.id }, query: { from: '2026-09-01T00:00:00-05:00', to: '2026-10-01T00:00:00-05:00', pageSize: 200 } },
  });
  const first = occurrences?.items[0];
  if (first) {
    await api.POST('/api/series/{id}/occurrences/cancel', { params: { path: { id: series.id } }, body: { occurrenceStart: first.occurrenceStart, reason: 'Field trip' } });
  }
  await api.PATCH('/api/series/{id}', { params: { path: { id: series.id } }, body: { version: series.version + 1, scope: 'all', durationMinutes: 60 } });
  const { data: changedOrders } = await api.GET('/api/work-orders', { params: { query: { updatedSince: '2026-09-01T00:00:00Z', activeOn: '2026-09-14' } } });
  console.log(changedOrders?.items.map((one) => one.rates));
}
