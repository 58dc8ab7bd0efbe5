import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addStudent, addWorkOrder, guardianOf } from './support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, startSession, startSessionPlatform } from './support/session-harness';

const GOOD_NOTE = 'Sam, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';
const FROM = '2026-10-19T00:00:00Z';
const TO = '2026-11-25T00:00:00Z';

interface ParticipantBody {
  id: string;
  personId: string;
  activities: string[];
  accommodations: string[];
}

interface OccurrenceBody {
  occurrenceStart: string;
  description: string | null;
  sessionDefaults: { activitiesDescription: string | null } | null;
}

describe('Update future sessions (gateway → session-log → scheduling)', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string }[];
  let workOrder: { id: string };

  const gateway = (session: Session) => as(platform.gateway, session);

  async function createSeries() {
    const response = await gateway(tutorSession)
      .post('/api/series')
      .send({
        service: 'tutoring',
        type: 'group',
        studentIds: students.map((s) => s.id),
        description: 'Reading block',
        start: '2026-10-20T16:00',
        durationMinutes: 50,
        rrule: 'FREQ=WEEKLY;BYDAY=TU',
        workOrderId: workOrder.id,
      })
      .expect(201);
    return response.body as { id: string; version: number };
  }

  async function occurrences(seriesId: string): Promise<OccurrenceBody[]> {
    return (await gateway(tutorSession).get(`/api/series/${seriesId}/occurrences?from=${FROM}&to=${TO}&pageSize=200`).expect(200)).body.items;
  }

  async function startFrom(seriesId: string, occurrenceStart: string, startedAt: string, extra: Record<string, unknown> = {}) {
    const response = await gateway(tutorSession).post('/api/sessions').send({ startedAt, occurrence: { seriesId, occurrenceStart }, ...extra });
    if (response.status !== 201) throw new Error(`start answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as { id: string; version: number; activitiesDescription: string | null; description: string | null; participants: ParticipantBody[] };
  }

  const end = (session: { id: string; version: number }) =>
    gateway(tutorSession).post(`/api/sessions/${session.id}/end`).send({ version: session.version, endedAt: minutesAgo(1) }).expect(200);

  const byStudent = (participants: ParticipantBody[], studentId: string) => participants.find((p) => p.personId === studentId)!;

  /** Occurrence 1 run, recorded, ended and posted with activities for the first student. */
  async function postedFirstOccurrence(seriesId: string, occurrenceStart: string) {
    const startedAt = new Date(Date.now() - 50 * 60_000);
    const started = await startFrom(seriesId, occurrenceStart, startedAt.toISOString());
    const patched = await gateway(tutorSession)
      .patch(`/api/sessions/${started.id}`)
      .send({ version: started.version, description: 'Reading block: chapter 3', activitiesDescription: 'Read chapter 3 aloud, then practised fluency' })
      .expect(200);
    for (const p of started.participants) {
      await gateway(tutorSession)
        .patch(`/api/sessions/${started.id}/participants/${p.id}`)
        .send({
          version: 1,
          present: true,
          qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
          studentNote: GOOD_NOTE,
          ...(p.personId === students[0].id ? { activities: ['Reading fluency', 'Guided practice'], accommodations: ['Read aloud'] } : {}),
        })
        .expect(200);
    }
    await gateway(tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: patched.body.version, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    await gateway(tutorSession).post(`/api/sessions/${started.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    return started;
  }

  function schedulingRows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return scheduling.get(TenantTransactions).run(district.id, (em) => em.execute(sql, params));
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    district = await platform.district(1);
    await replicated(scheduling, district.id, 1);
    admin = await signIn(platform.gateway, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
  });

  afterAll(async () => {
    await scheduling?.close();
    await platform?.stop();
  });

  it('keeps a posted session’s description and activities for the occurrences after it, and only those', async () => {
    const series = await createSeries();
    const [first, second, third] = await occurrences(series.id);
    const posted = await postedFirstOccurrence(series.id, first.occurrenceStart);

    const updated = await gateway(tutorSession).post(`/api/sessions/${posted.id}/update-future-sessions`).expect(200);
    expect(updated.body).toMatchObject({
      id: series.id,
      version: series.version + 1,
      defaultsFrom: first.occurrenceStart,
      sessionDefaults: { description: 'Reading block: chapter 3', activitiesDescription: 'Read chapter 3 aloud, then practised fluency' },
    });
    const [row] = await schedulingRows('select defaults_from, session_defaults from scheduling.series where id = ?', [series.id]);
    expect(new Date(row.defaults_from as string).toISOString()).toBe(first.occurrenceStart);
    expect((row.session_defaults as { participants: unknown[] }).participants).toEqual(
      expect.arrayContaining([{ studentId: students[0].id, activities: ['Reading fluency', 'Guided practice'], accommodations: ['Read aloud'] }]),
    );

    const listed = await occurrences(series.id);
    expect(listed[0]).toMatchObject({ occurrenceStart: first.occurrenceStart, description: 'Reading block', sessionDefaults: null });
    expect(listed[2]).toMatchObject({ description: 'Reading block: chapter 3', sessionDefaults: { activitiesDescription: 'Read chapter 3 aloud, then practised fluency' } });

    const later = await startFrom(series.id, third.occurrenceStart, minutesAgo(10));
    expect(later).toMatchObject({ description: 'Reading block: chapter 3', activitiesDescription: 'Read chapter 3 aloud, then practised fluency' });
    expect(byStudent(later.participants, students[0].id)).toMatchObject({ activities: ['Reading fluency', 'Guided practice'], accommodations: ['Read aloud'] });
    expect(byStudent(later.participants, students[1].id)).toMatchObject({ activities: [], accommodations: [] });
    await end(later);

    const explicit = await startFrom(series.id, second.occurrenceStart, minutesAgo(8), { activitiesDescription: 'Spelling games' });
    expect(explicit.activitiesDescription).toBe('Spelling games');
    await end(explicit);

    // The session's own occurrence keeps no defaults (listed[0] above), and it gave its one session.
    const again = await gateway(tutorSession)
      .post('/api/sessions')
      .send({ startedAt: minutesAgo(5), occurrence: { seriesId: series.id, occurrenceStart: first.occurrenceStart } })
      .expect(409);
    expect(again.body).toMatchObject({ code: 'OCCURRENCE.ALREADY_STARTED', details: { sessionId: posted.id } });

    const stale = await gateway(tutorSession).post(`/api/sessions/${posted.id}/update-future-sessions`).send({ version: series.version }).expect(409);
    expect(stale.body.code).toBe('SERIES.STALE');
    await gateway(admin).post(`/api/sessions/${posted.id}/update-future-sessions`).send({ version: updated.body.version }).expect(200);
  });

  it('keeps the defaults through a "this and following" split, and drops codes the catalog no longer has', async () => {
    const series = await createSeries();
    const [first, second] = await occurrences(series.id);
    const posted = await postedFirstOccurrence(series.id, first.occurrenceStart);
    const updated = await gateway(tutorSession).post(`/api/sessions/${posted.id}/update-future-sessions`).send({}).expect(200);

    const split = await gateway(tutorSession)
      .patch(`/api/series/${series.id}`)
      .send({ version: updated.body.version, scope: 'following', occurrenceStart: second.occurrenceStart, durationMinutes: 55 })
      .expect(200);
    expect(split.body).toMatchObject({ splitFrom: series.id, defaultsFrom: first.occurrenceStart, sessionDefaults: updated.body.sessionDefaults });

    const current = (await gateway(admin).get('/api/session-catalog').expect(200)).body as {
      version: number;
      catalog: { services: { code: string; activities: string[] }[] };
    };
    const tutoring = current.catalog.services.find((service) => service.code === 'tutoring')!;
    tutoring.activities = tutoring.activities.filter((activity) => activity !== 'Guided practice');
    await gateway(admin).put('/api/session-catalog').send({ version: current.version, catalog: current.catalog }).expect(200);

    const [next] = await occurrences(split.body.id);
    const started = await startFrom(split.body.id, next.occurrenceStart, minutesAgo(3));
    expect(byStudent(started.participants, students[0].id)).toMatchObject({ activities: ['Reading fluency'], accommodations: ['Read aloud'] });
    await end(started);
  });

  it('refuses an ad hoc session (409), another provider’s session (404) and a guardian (403)', async () => {
    const adHoc = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(5) });
    const refused = await gateway(tutorSession).post(`/api/sessions/${adHoc.id}/update-future-sessions`).expect(409);
    expect(refused.body.code).toBe('SESSION.NOT_SCHEDULED');
    await end(adHoc);

    const series = await createSeries();
    const [first] = await occurrences(series.id);
    const scheduled = await startFrom(series.id, first.occurrenceStart, minutesAgo(4));
    await end(scheduled);
    const other = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    await gateway(await signIn(platform.gateway, other.email)).post(`/api/sessions/${scheduled.id}/update-future-sessions`).expect(404);
    const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [students[0].id])).email);
    await gateway(guardian).post(`/api/sessions/${scheduled.id}/update-future-sessions`).expect(403);
    const [row] = await schedulingRows('select session_defaults from scheduling.series where id = ?', [series.id]);
    expect(row.session_defaults).toBeNull();
  });
});
