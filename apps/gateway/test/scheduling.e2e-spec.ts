import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { as, Session, signIn, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, startSessionPlatform } from './support/session-harness';

interface OccurrenceBody {
  occurrenceStart: string;
  startsAt: string;
  localStart: string;
  durationMinutes: number;
  description: string | null;
  placeOfService: string | null;
  overridden: boolean;
  cancellation: { attendance: string; cancelledBy: string; reason: string | null } | null;
}

/** The window around America/Chicago's return to standard time (2026-11-01). */
const FROM = '2026-10-19T00:00:00Z';
const TO = '2026-11-25T00:00:00Z';

describe('Scheduling: series, closure days, edits, cancellations, starting an occurrence (gateway → scheduling)', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string; firstName: string; lastName: string }[];
  let group: { id: string };

  /** A district whose settings have reached session-log and scheduling. */
  async function readyDistrict(): Promise<TestDistrict> {
    const created = await platform.district(1);
    await replicated(scheduling, created.id, 1);
    return created;
  }

  async function createSeries(session: Session, body: Record<string, unknown>) {
    const response = await as(platform.gateway, session).post('/api/series').send(body);
    if (response.status !== 201) throw new Error(`series answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as { id: string; version: number };
  }

  async function occurrences(session: Session, seriesId: string, from = FROM, to = TO): Promise<OccurrenceBody[]> {
    const response = await as(platform.gateway, session).get(`/api/series/${seriesId}/occurrences?from=${from}&to=${to}&pageSize=200`).expect(200);
    return response.body.items;
  }

  function schedulingRows(districtId: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return scheduling.get(TenantTransactions).run(districtId, (em) => em.execute(sql, params));
  }

  const weekly = () => ({ service: 'tutoring', type: 'group', groupId: group.id, start: '2026-10-20T16:00', durationMinutes: 60, rrule: 'FREQ=WEEKLY;BYDAY=TU' });

  beforeAll(async () => {
    platform = await startSessionPlatform();
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    district = await readyDistrict();
    admin = await signIn(platform.gateway, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = await Promise.all([0, 1, 2].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    group = await addGroup(platform.gateway, admin, district.schools[0].id, tutor.id, students.map((s) => s.id));
  });

  afterAll(async () => {
    await scheduling?.close();
    await platform?.stop();
  });

  it('keeps a weekly 16:00 series at 16:00 Chicago time on both sides of the end of daylight saving time', async () => {
    const series = await createSeries(tutorSession, weekly());
    const listed = await occurrences(tutorSession, series.id, FROM, '2026-11-10T00:00:00Z');
    expect(listed.map((o) => [o.localStart, o.startsAt])).toEqual([
      ['2026-10-20T16:00:00', '2026-10-20T21:00:00.000Z'],
      ['2026-10-27T16:00:00', '2026-10-27T21:00:00.000Z'],
      ['2026-11-03T16:00:00', '2026-11-03T22:00:00.000Z'],
    ]);
  });

  it('pages occurrences and series, and lists only what changed at or after updatedSince (a cancellation changes its series)', async () => {
    const quiet = await createSeries(tutorSession, weekly());
    const touched = await createSeries(tutorSession, weekly());
    const url = (seriesId: string, query: string) => `/api/series/${seriesId}/occurrences?from=${FROM}&to=${TO}&${query}`;
    const second = (await as(platform.gateway, tutorSession).get(url(quiet.id, 'pageSize=2&page=2')).expect(200)).body;
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: 6 });
    expect(second.items.map((o: OccurrenceBody) => o.localStart)).toEqual(['2026-11-03T16:00:00', '2026-11-10T16:00:00']);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = encodeURIComponent(new Date().toISOString());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [first] = await occurrences(tutorSession, touched.id);
    await as(platform.gateway, tutorSession).post(`/api/series/${touched.id}/occurrences/cancel`).send({ occurrenceStart: first.occurrenceStart }).expect(200);

    const series = (await as(platform.gateway, tutorSession).get(`/api/series?updatedSince=${since}`).expect(200)).body;
    expect(series.items.map((s: { id: string }) => s.id)).toEqual([touched.id]);
    expect((await as(platform.gateway, tutorSession).get(url(touched.id, `updatedSince=${since}`)).expect(200)).body.total).toBe(6);
    expect((await as(platform.gateway, tutorSession).get(url(quiet.id, `updatedSince=${since}`)).expect(200)).body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
    const bad = await as(platform.gateway, tutorSession).get(url(quiet.id, 'updatedSince=2026-10-19')).expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['updatedSince']);
  });

  it('skips occurrences on the district’s closure days, which only a district admin sets', async () => {
    const series = await createSeries(tutorSession, weekly());
    await as(platform.gateway, tutorSession).put('/api/closure-days').send({ days: [{ date: '2026-10-27' }] }).expect(403);
    const put = await as(platform.gateway, admin).put('/api/closure-days').send({ days: [{ date: '2026-10-27', name: 'Fall break' }] }).expect(200);
    expect(put.body).toEqual({ days: [{ date: '2026-10-27', name: 'Fall break' }] });
    const read = await as(platform.gateway, tutorSession).get('/api/closure-days').expect(200);
    expect(read.body.days).toEqual([{ date: '2026-10-27', name: 'Fall break' }]);

    const listed = await occurrences(tutorSession, series.id, FROM, '2026-11-10T00:00:00Z');
    expect(listed.map((o) => o.localStart)).toEqual(['2026-10-20T16:00:00', '2026-11-03T16:00:00']);
    await as(platform.gateway, admin).put('/api/closure-days').send({ days: [] }).expect(200);
    expect(await occurrences(tutorSession, series.id, FROM, '2026-11-10T00:00:00Z')).toHaveLength(3);
  });

  it('edits one occurrence, then this and following (the past keeps its times), then all of the new series', async () => {
    const series = await createSeries(tutorSession, weekly());
    const before = await occurrences(tutorSession, series.id);
    const nov3 = before.find((o) => o.localStart === '2026-11-03T16:00:00')!;
    const nov10 = before.find((o) => o.localStart === '2026-11-10T16:00:00')!;

    const one = await as(platform.gateway, tutorSession)
      .patch(`/api/series/${series.id}`)
      .send({ version: 1, scope: 'this', occurrenceStart: nov3.occurrenceStart, description: 'Test prep', durationMinutes: 45 })
      .expect(200);
    expect(one.body.version).toBe(2);
    const afterOne = await occurrences(tutorSession, series.id);
    expect(afterOne.find((o) => o.occurrenceStart === nov3.occurrenceStart)).toMatchObject({ description: 'Test prep', durationMinutes: 45, overridden: true });
    expect(afterOne.filter((o) => o.overridden)).toHaveLength(1);

    const stale = await as(platform.gateway, tutorSession).patch(`/api/series/${series.id}`).send({ version: 1, scope: 'all', description: 'Late' }).expect(409);
    expect(stale.body.code).toBe('SERIES.STALE');

    const split = await as(platform.gateway, tutorSession)
      .patch(`/api/series/${series.id}`)
      .send({ version: 2, scope: 'following', occurrenceStart: nov10.occurrenceStart, startTime: '17:30', description: 'Later slot' })
      .expect(200);
    expect(split.body).toMatchObject({ splitFrom: series.id, start: '2026-11-10T17:30:00', description: 'Later slot', version: 1 });
    expect(split.body.id).not.toBe(series.id);

    const [ended] = await schedulingRows(district.id, 'select rrule, version from scheduling.series where id = ?', [series.id]);
    expect(ended).toEqual({ rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T215959Z', version: 3 });
    const past = await occurrences(tutorSession, series.id);
    expect(past.map((o) => o.localStart)).toEqual(['2026-10-20T16:00:00', '2026-10-27T16:00:00', '2026-11-03T16:00:00']);
    expect(past[2]).toMatchObject({ description: 'Test prep', durationMinutes: 45 });
    expect(past[0].description).toBeNull();
    const following = await occurrences(tutorSession, split.body.id);
    expect(following.map((o) => [o.localStart, o.description])).toEqual([
      ['2026-11-10T17:30:00', 'Later slot'],
      ['2026-11-17T17:30:00', 'Later slot'],
      ['2026-11-24T17:30:00', 'Later slot'],
    ]);

    const all = await as(platform.gateway, tutorSession).patch(`/api/series/${split.body.id}`).send({ version: 1, scope: 'all', placeOfService: 'Library' }).expect(200);
    expect(all.body).toMatchObject({ placeOfService: 'Library', version: 2 });
    // These November occurrences have happened: an "all" edit keeps them as they were and applies from now on.
    expect((await occurrences(tutorSession, split.body.id)).every((o) => o.placeOfService === null)).toBe(true);
    const ahead = await occurrences(tutorSession, split.body.id, new Date().toISOString(), new Date(Date.now() + 30 * 86_400_000).toISOString());
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.every((o) => o.placeOfService === 'Library')).toBe(true);
    expect((await occurrences(tutorSession, series.id)).every((o) => o.placeOfService === null)).toBe(true);
  });

  it('splits a counted series so that both parts together keep the count', async () => {
    const series = await createSeries(tutorSession, { ...weekly(), rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=4' });
    const [, , nov3] = await occurrences(tutorSession, series.id);
    const split = await as(platform.gateway, tutorSession)
      .patch(`/api/series/${series.id}`)
      .send({ version: 1, scope: 'following', occurrenceStart: nov3.occurrenceStart, durationMinutes: 30 })
      .expect(200);
    expect(split.body.rrule).toBe('FREQ=WEEKLY;BYDAY=TU;COUNT=2');
    expect((await occurrences(tutorSession, series.id)).map((o) => [o.localStart, o.durationMinutes])).toEqual([
      ['2026-10-20T16:00:00', 60],
      ['2026-10-27T16:00:00', 60],
    ]);
    expect((await occurrences(tutorSession, split.body.id)).map((o) => [o.localStart, o.durationMinutes])).toEqual([
      ['2026-11-03T16:00:00', 30],
      ['2026-11-10T16:00:00', 30],
    ]);
  });

  it('cancels an occurrence: with the notice window it is nonbillable, later it is billable, and only once', async () => {
    const series = await createSeries(tutorSession, weekly());
    const [oct20, oct27] = await occurrences(tutorSession, series.id);
    const hoursBefore = (occurrence: OccurrenceBody, hours: number) => new Date(Date.parse(occurrence.startsAt) - hours * 3_600_000).toISOString();

    const early = await as(platform.gateway, tutorSession)
      .post(`/api/series/${series.id}/occurrences/cancel`)
      .send({ occurrenceStart: oct20.occurrenceStart, cancelledAt: hoursBefore(oct20, 30), reason: 'Family trip' })
      .expect(200);
    expect(early.body.cancellation).toMatchObject({ attendance: 'cancelled_nonbillable', cancelledBy: tutor.id, reason: 'Family trip' });
    const late = await as(platform.gateway, tutorSession)
      .post(`/api/series/${series.id}/occurrences/cancel`)
      .send({ occurrenceStart: oct27.occurrenceStart, cancelledAt: hoursBefore(oct27, 2) })
      .expect(200);
    expect(late.body.cancellation).toMatchObject({ attendance: 'cancelled_billable', cancelledBy: tutor.id });

    const listed = await occurrences(tutorSession, series.id);
    expect(listed.slice(0, 3).map((o) => o.cancellation?.attendance ?? null)).toEqual(['cancelled_nonbillable', 'cancelled_billable', null]);
    const again = await as(platform.gateway, tutorSession).post(`/api/series/${series.id}/occurrences/cancel`).send({ occurrenceStart: oct20.occurrenceStart }).expect(409);
    expect(again.body.code).toBe('OCCURRENCE.ALREADY_CANCELLED');
    await as(platform.gateway, tutorSession)
      .post(`/api/series/${series.id}/occurrences/cancel`)
      .send({ occurrenceStart: '2026-10-21T21:00:00.000Z' })
      .expect(404);
  });

  it('applies the district’s own notice window once it reaches scheduling: 30 hours is short of 48', async () => {
    const strict = await readyDistrict();
    const strictAdmin = await signIn(platform.gateway, strict.admin.email);
    const current = await as(platform.gateway, strictAdmin).get('/api/district').expect(200);
    const updated = await as(platform.gateway, strictAdmin)
      .patch('/api/district')
      .send({ version: current.body.version, settings: { cancellationNoticeHours: 48 } })
      .expect(200);
    await replicated(scheduling, strict.id, updated.body.version);
    const provider = await strict.user(['provider'], { schoolIds: [strict.schools[0].id], providerKind: 'tutor' });
    const student = await addStudent(platform.gateway, strictAdmin, strict.schools[0].id);
    const series = await createSeries(strictAdmin, { ...weekly(), groupId: undefined, type: 'individual', studentIds: [student.id], providerId: provider.id });
    const [oct20, oct27] = await occurrences(strictAdmin, series.id);
    const cancel = (occurrence: OccurrenceBody, hours: number) =>
      as(platform.gateway, strictAdmin)
        .post(`/api/series/${series.id}/occurrences/cancel`)
        .send({ occurrenceStart: occurrence.occurrenceStart, cancelledAt: new Date(Date.parse(occurrence.startsAt) - hours * 3_600_000).toISOString() })
        .expect(200);
    expect((await cancel(oct20, 30)).body.cancellation.attendance).toBe('cancelled_billable');
    expect((await cancel(oct27, 49)).body.cancellation.attendance).toBe('cancelled_nonbillable');
  });

  it('starts a session from an occurrence, pre-filled from the series, with explicit fields winning', async () => {
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
    const series = await createSeries(tutorSession, {
      service: 'tutoring',
      type: 'group',
      studentIds: [students[0].id, students[1].id],
      description: 'Reading block',
      start: '2026-10-20T16:00',
      durationMinutes: 50,
      rrule: 'FREQ=WEEKLY;BYDAY=TU,TH',
      workOrderId: workOrder.id,
    });
    const [first, second] = await occurrences(tutorSession, series.id);
    await as(platform.gateway, tutorSession).post(`/api/series/${series.id}/occurrences/cancel`).send({ occurrenceStart: second.occurrenceStart }).expect(200);
    const cancelled = await as(platform.gateway, tutorSession)
      .post('/api/sessions')
      .send({ startedAt: minutesAgo(5), occurrence: { seriesId: series.id, occurrenceStart: second.occurrenceStart } })
      .expect(409);
    expect(cancelled.body.code).toBe('OCCURRENCE.CANCELLED');

    const started = await as(platform.gateway, tutorSession)
      .post('/api/sessions')
      .send({ startedAt: minutesAgo(5), description: 'Spelling instead', occurrence: { seriesId: series.id, occurrenceStart: first.occurrenceStart } })
      .expect(201);
    expect(started.body).toMatchObject({
      service: 'tutoring',
      plannedMinutes: 50,
      description: 'Spelling instead',
      schoolId: district.schools[0].id,
      workOrder: { id: workOrder.id },
      group: null,
    });
    expect(started.body.participants.map((p: { personId: string }) => p.personId).sort()).toEqual([students[0].id, students[1].id].sort());
    await as(platform.gateway, tutorSession).post(`/api/sessions/${started.body.id}/end`).send({ version: started.body.version, endedAt: minutesAgo(1) }).expect(200);

    const grouped = await createSeries(tutorSession, weekly());
    const [groupOccurrence] = await occurrences(tutorSession, grouped.id);
    const fromGroup = await as(platform.gateway, tutorSession)
      .post('/api/sessions')
      .send({ startedAt: minutesAgo(1), occurrence: { seriesId: grouped.id, occurrenceStart: groupOccurrence.occurrenceStart } })
      .expect(201);
    expect(fromGroup.body).toMatchObject({ service: 'tutoring', plannedMinutes: 60, group: { id: group.id }, workOrder: null });
    expect(fromGroup.body.participants).toHaveLength(3);
  });

  it('refuses a bad rule naming rrule and the part, a wrong role, another provider’s series, and another district', async () => {
    const bad = await as(platform.gateway, tutorSession)
      .post('/api/series')
      .send({ ...weekly(), rrule: 'FREQ=WEEKLY;BYHOUR=9' })
      .expect(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect(bad.body.fields).toEqual([{ field: 'rrule', problems: [expect.stringContaining('BYHOUR')] }]);

    const series0 = await createSeries(tutorSession, weekly());
    const noOccurrence = await as(platform.gateway, tutorSession).patch(`/api/series/${series0.id}`).send({ version: 1, scope: 'this', description: 'x' }).expect(400);
    expect(noOccurrence.body.fields.map((f: { field: string }) => f.field)).toEqual(['occurrenceStart']);
    const [first] = await occurrences(tutorSession, series0.id);
    const ruleOnOne = await as(platform.gateway, tutorSession)
      .patch(`/api/series/${series0.id}`)
      .send({ version: 1, scope: 'this', occurrenceStart: first.occurrenceStart, rrule: 'FREQ=DAILY' })
      .expect(400);
    expect(ruleOnOne.body.fields.map((f: { field: string }) => f.field)).toEqual(['rrule']);
    const longWindow = await as(platform.gateway, tutorSession).get(`/api/series/${series0.id}/occurrences?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z`).expect(400);
    expect(longWindow.body.fields.map((f: { field: string }) => f.field)).toEqual(['to']);

    const payroll = await signIn(platform.gateway, (await district.user(['payroll'])).email);
    await as(platform.gateway, payroll).post('/api/series').send(weekly()).expect(403);
    await as(platform.gateway, payroll).get('/api/series').expect(403);

    const other = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const otherSession = await signIn(platform.gateway, other.email);
    await as(platform.gateway, otherSession).post('/api/series').send({ ...weekly(), groupId: undefined, studentIds: [students[0].id], providerId: tutor.id }).expect(403);

    const series = await createSeries(tutorSession, weekly());
    await as(platform.gateway, otherSession).get(`/api/series/${series.id}`).expect(404);
    expect((await as(platform.gateway, otherSession).get('/api/series').expect(200)).body.total).toBe(0);
    expect((await as(platform.gateway, admin).get(`/api/series/${series.id}`).expect(200)).body).toMatchObject({ providerId: tutor.id, groupId: group.id });

    const elsewhere = await readyDistrict();
    const elsewhereAdmin = await signIn(platform.gateway, elsewhere.admin.email);
    await as(platform.gateway, elsewhereAdmin).get(`/api/series/${series.id}`).expect(404);
    await as(platform.gateway, elsewhereAdmin).patch(`/api/series/${series.id}`).send({ version: 1, scope: 'all', description: 'Hijack' }).expect(404);
    await as(platform.gateway, elsewhereAdmin).get(`/api/series/${series.id}/occurrences?from=${FROM}&to=${TO}`).expect(404);
  });

  it('lets an admin schedule for a provider approved at their school, stored in scheduling', async () => {
    const created = await createSeries(admin, { ...weekly(), groupId: undefined, type: 'individual', studentIds: [students[2].id], providerId: tutor.id });
    expect(created).toMatchObject({ providerId: tutor.id, schoolId: district.schools[0].id, type: 'individual', students: [{ studentId: students[2].id }] });
    const rows = await schedulingRows(district.id, 'select provider_id, dtstart, rrule from scheduling.series where id = ?', [created.id]);
    expect(rows).toEqual([{ provider_id: tutor.id, dtstart: '2026-10-20T16:00:00', rrule: 'FREQ=WEEKLY;BYDAY=TU' }]);
  });
});
