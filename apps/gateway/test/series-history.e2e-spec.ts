import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import ICAL from 'ical.js';
import { messagingTransport } from '@sessionledger/messaging';
import { startApp } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { as, Session, signIn, TestDistrict, TestUser } from './support/gateway-harness';
import { ICalComponent, only, parseICalendar, text } from './support/icalendar-parser';
import { addStudent } from './support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

const DAY = 86_400_000;
const ZONE = 'America/Chicago';

interface Occurrence {
  seriesId: string;
  occurrenceStart: string;
  startsAt: string;
  endsAt: string;
  localStart: string;
  localDate: string;
  overridden: boolean;
  description: string | null;
  cancellation: { attendance: string } | null;
  sequence: number;
}

interface Entry {
  kind: string;
  id: string;
  sessionId: string | null;
  occurrence: { seriesId: string; occurrenceStart: string } | null;
  startsAt: string;
  state: string;
}

/** The district's local date `days` from now. */
function localDate(days: number, from = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(from + days * DAY));
}

/** The district's local date and time of an instant, 'YYYY-MM-DDTHH:MM'. */
function localOf(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(iso),
  );
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

const at = (ms: number) => new Date(ms).toISOString();
const compact = (iso: string) => `${new Date(iso).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
const isoOf = (stamp: string) => `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.000Z`;

describe('Series edits keep history; one session per occurrence; the feed’s privacy and validity (gateway → scheduling + session-log)', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let school: string;

  async function provider(name?: string): Promise<{ user: TestUser; session: Session }> {
    const user = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name });
    return { user, session: await signIn(platform.gateway, user.email) };
  }

  async function individualSeries(session: Session, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
    const student = await addStudent(platform.gateway, admin, school);
    const response = await as(platform.gateway, session)
      .post('/api/series')
      .send({ service: 'tutoring', type: 'individual', studentIds: [student.id], durationMinutes: 60, ...body });
    if (response.status !== 201) throw new Error(`series answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function occurrences(session: Session, seriesId: string, from = at(Date.now() - 6 * DAY), to = at(Date.now() + 10 * DAY)): Promise<Occurrence[]> {
    return (await as(platform.gateway, session).get(`/api/series/${seriesId}/occurrences?from=${from}&to=${to}&pageSize=200`).expect(200)).body.items;
  }

  async function version(session: Session, seriesId: string): Promise<number> {
    return (await as(platform.gateway, session).get(`/api/series/${seriesId}`).expect(200)).body.version;
  }

  async function calendar(session: Session, providerId: string): Promise<Entry[]> {
    const from = encodeURIComponent(at(Date.now() - 6 * DAY));
    const to = encodeURIComponent(at(Date.now() + 10 * DAY));
    return (await as(platform.gateway, session).get(`/api/calendar?from=${from}&to=${to}&providerId=${providerId}`).expect(200)).body.entries;
  }

  /** The provider's feed, read through its secret URL and checked by the strict reader and by ical.js. */
  async function feed(session: Session): Promise<{ calendar: ICalComponent; events: ICalComponent[]; document: string }> {
    const created = await as(platform.gateway, session).post('/api/me/calendar-feed').expect(201);
    const response = await request(platform.gateway.getHttpServer()).get(new URL(created.body.url).pathname).buffer(true).parse(textParser).expect(200);
    const document = response.body as string;
    const vcalendar = parseICalendar(document);
    new ICAL.Component(ICAL.parse(document));
    return { calendar: vcalendar, events: vcalendar.components.filter((c) => c.name === 'VEVENT'), document };
  }

  const onDay = (list: Occurrence[], days: number) => list.find((o) => o.localDate === localDate(days))!;
  const entriesOn = (entries: Entry[], days: number) => entries.filter((e) => localOf(e.startsAt).startsWith(localDate(days)));
  const eventsOn = (events: ICalComponent[], days: number) => events.filter((e) => localOf(isoOf(only(e, 'DTSTART'))).startsWith(localDate(days)));

  beforeAll(async () => {
    platform = await startSessionPlatform();
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    district = await platform.district(1);
    await replicated(scheduling, district.id, 1);
    admin = await signIn(platform.gateway, district.admin.email);
    school = district.schools[0].id;
  });

  afterAll(async () => {
    await scheduling?.close();
    await platform?.stop();
  });

  it('an "all" edit leaves the past, occurrences with a session, cancellations and moved occurrences as they were (occurrences, calendar, feed, start)', async () => {
    const tutor = await provider();
    const series = await individualSeries(tutor.session, { start: `${localDate(-4)}T16:00`, rrule: 'FREQ=DAILY;COUNT=10' });
    const before = await occurrences(tutor.session, series.id);
    expect(before.map((o) => o.localDate)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4, 5].map((days) => localDate(days)));

    // A session that ran two days ago, and one started a minute ago from tomorrow's occurrence (a provider may start early).
    const ran = await startSession(platform.gateway, tutor.session, { startedAt: onDay(before, -2).startsAt, occurrence: { seriesId: series.id, occurrenceStart: onDay(before, -2).occurrenceStart } });
    await as(platform.gateway, tutor.session).post(`/api/sessions/${ran.id}/end`).send({ version: ran.version, endedAt: onDay(before, -2).endsAt }).expect(200);
    const early = await startSession(platform.gateway, tutor.session, { startedAt: minutesAgo(1), occurrence: { seriesId: series.id, occurrenceStart: onDay(before, 1).occurrenceStart } });
    await as(platform.gateway, tutor.session).post(`/api/sessions/${early.id}/end`).send({ version: early.version, endedAt: at(Date.now()) }).expect(200);

    for (const days of [2, 3]) {
      await as(platform.gateway, tutor.session).post(`/api/series/${series.id}/occurrences/cancel`).send({ occurrenceStart: onDay(before, days).occurrenceStart }).expect(200);
    }
    await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: await version(tutor.session, series.id), scope: 'this', occurrenceStart: onDay(before, 4).occurrenceStart, startTime: '09:00' })
      .expect(200);

    const edited = await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: await version(tutor.session, series.id), scope: 'all', startTime: '14:00' })
      .expect(200);
    // Everything up to the day of the last occurrence with a session keeps its definition.
    expect(localOf(edited.body.effectiveFrom)).toBe(`${localDate(2)}T00:00`);

    const after = await occurrences(tutor.session, series.id);
    expect(after.map((o) => [o.localDate, o.localStart.slice(11, 16), o.cancellation !== null])).toEqual([
      [localDate(-4), '16:00', false],
      [localDate(-3), '16:00', false],
      [localDate(-2), '16:00', false],
      [localDate(-1), '16:00', false],
      [localDate(0), '16:00', false],
      [localDate(1), '16:00', false],
      [localDate(2), '14:00', true],
      [localDate(3), '14:00', true],
      [localDate(4), '09:00', false],
      [localDate(5), '14:00', false],
    ]);
    for (const days of [-4, -3, -2, -1, 0, 1]) expect(onDay(after, days).occurrenceStart).toBe(onDay(before, days).occurrenceStart);
    expect(onDay(after, 4)).toMatchObject({ overridden: true });

    // The calendar puts each session in its occurrence's place (no planned copy beside it); the cancellations stay cancelled.
    const entries = await calendar(tutor.session, tutor.user.id);
    expect(entriesOn(entries, -2).map((e) => [e.kind, e.sessionId])).toEqual([['session', ran.id]]);
    // Sessions are placed by when they started: tomorrow's occurrence shows as today's session, and not as planned tomorrow.
    expect(entries.filter((e) => e.sessionId === early.id).map((e) => e.occurrence)).toEqual([{ seriesId: series.id, occurrenceStart: onDay(before, 1).occurrenceStart }]);
    expect(entriesOn(entries, 1)).toEqual([]);
    expect(entriesOn(entries, 2).map((e) => e.state)).toEqual(['cancelled_nonbillable']);
    expect(entriesOn(entries, 3).map((e) => e.state)).toEqual(['cancelled_nonbillable']);
    expect(entriesOn(entries, -3).map((e) => [e.kind, localOf(e.startsAt).slice(11)])).toEqual([['occurrence', '16:00']]);
    expect(entriesOn(entries, 5).map((e) => [e.kind, localOf(e.startsAt).slice(11)])).toEqual([['occurrence', '14:00']]);

    const { events } = await feed(tutor.session);
    const statusOn = (days: number) => eventsOn(events, days).map((e) => only(e, 'STATUS'));
    expect(statusOn(2)).toEqual(['CANCELLED']);
    expect(statusOn(3)).toEqual(['CANCELLED']);
    expect(eventsOn(events, -3).map((e) => [localOf(isoOf(only(e, 'DTSTART'))).slice(11), only(e, 'SEQUENCE')])).toEqual([['16:00', '0']]);
    expect(eventsOn(events, 5).map((e) => [localOf(isoOf(only(e, 'DTSTART'))).slice(11), only(e, 'SEQUENCE')])).toEqual([['14:00', '1']]);

    // The sessions still name occurrences the series gives; the moved day starts at its new key.
    const [stored] = await sessionLogRows(platform.sessionLog, district.id, 'select occurrence_start from session_log.session where id = ?', [ran.id]);
    expect(after.map((o) => o.occurrenceStart)).toContain(new Date(stored.occurrence_start as string).toISOString());
    const fromNew = await startSession(platform.gateway, tutor.session, { startedAt: minutesAgo(1), occurrence: { seriesId: series.id, occurrenceStart: onDay(after, 5).occurrenceStart } });
    expect(fromNew).toMatchObject({ plannedMinutes: 60, occurrence: { seriesId: series.id, occurrenceStart: onDay(after, 5).occurrenceStart } });
    await as(platform.gateway, tutor.session).delete(`/api/sessions/${fromNew.id}`).expect(200);

    // A new rule that no longer gives a cancelled day: refused, listing it, unless the caller drops it.
    const excluding = { scope: 'all', exdates: [localDate(3)] };
    const refused = await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: await version(tutor.session, series.id), ...excluding })
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'SERIES.OVERRIDES_WOULD_BE_LOST',
      details: { occurrences: [{ occurrenceStart: onDay(after, 3).occurrenceStart, cancelled: true, edited: false }] },
    });
    await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: await version(tutor.session, series.id), ...excluding, dropOverrides: true })
      .expect(200);
    const dropped = await occurrences(tutor.session, series.id);
    expect(dropped.map((o) => o.localDate)).not.toContain(localDate(3));
    expect(onDay(dropped, 2).cancellation).not.toBeNull();
  });

  it('an "all" edit of a split series never reaches the split day again, whatever its time or rule (calendar, feed)', async () => {
    const tutor = await provider();
    const series = await individualSeries(tutor.session, { start: `${localDate(1)}T16:00`, rrule: 'FREQ=DAILY' });
    const planned = await occurrences(tutor.session, series.id);
    const split = await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: 1, scope: 'following', occurrenceStart: onDay(planned, 3).occurrenceStart, description: 'Later block' })
      .expect(200);
    expect(split.body.start).toBe(`${localDate(3)}T16:00:00`);

    await as(platform.gateway, tutor.session).patch(`/api/series/${series.id}`).send({ version: 2, scope: 'all', startTime: '14:00' }).expect(200);
    const once = await calendar(tutor.session, tutor.user.id);
    expect(entriesOn(once, 2).map((e) => localOf(e.startsAt).slice(11))).toEqual(['14:00']);
    expect(entriesOn(once, 3).map((e) => [e.id.split('/')[0], localOf(e.startsAt).slice(11)])).toEqual([[split.body.id, '16:00']]);
    expect(eventsOn((await feed(tutor.session)).events, 3)).toHaveLength(1);

    // A rule without its UNTIL does not bring the successor's days back either.
    await as(platform.gateway, tutor.session).patch(`/api/series/${series.id}`).send({ version: 3, scope: 'all', rrule: 'FREQ=DAILY' }).expect(200);
    const again = await calendar(tutor.session, tutor.user.id);
    for (const days of [3, 4, 5]) expect(entriesOn(again, days).map((e) => e.id.split('/')[0])).toEqual([split.body.id]);
    expect(entriesOn(again, 1).map((e) => e.id.split('/')[0])).toEqual([series.id]);
    const { events } = await feed(tutor.session);
    for (const days of [3, 4, 5]) expect(eventsOn(events, days)).toHaveLength(1);
  });

  it('one occurrence gives one session: a second start is 409 naming the first, concurrent starts have one winner, a deleted start frees it', async () => {
    const tutor = await provider();
    const series = await individualSeries(tutor.session, { start: `${localDate(-3)}T10:00`, rrule: 'FREQ=DAILY;COUNT=3' });
    const [first, second, third] = await occurrences(tutor.session, series.id);
    const start = (occurrence: Occurrence, startedAt: string) =>
      as(platform.gateway, tutor.session).post('/api/sessions').send({ startedAt, occurrence: { seriesId: series.id, occurrenceStart: occurrence.occurrenceStart } });

    const ran = await startSession(platform.gateway, tutor.session, { startedAt: first.startsAt, occurrence: { seriesId: series.id, occurrenceStart: first.occurrenceStart } });
    await as(platform.gateway, tutor.session).post(`/api/sessions/${ran.id}/end`).send({ version: ran.version, endedAt: first.endsAt }).expect(200);
    const twice = await start(first, first.startsAt).expect(409);
    expect(twice.body).toMatchObject({ code: 'OCCURRENCE.ALREADY_STARTED', details: { sessionId: ran.id } });
    expect(twice.body.message).toContain(ran.id);

    const raced = await Promise.all([start(second, second.startsAt), start(second, second.startsAt), start(second, second.startsAt)]);
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const winner = raced.find((r) => r.status === 201)!.body;
    await as(platform.gateway, tutor.session).post(`/api/sessions/${winner.id}/end`).send({ version: winner.version, endedAt: second.endsAt }).expect(200);
    expect((await start(second, second.startsAt).expect(409)).body.details).toEqual({ sessionId: winner.id });
    const rows = await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.session where occurrence_series_id = ? and occurrence_start = ?', [
      series.id,
      second.occurrenceStart,
    ]);
    expect(rows).toEqual([{ id: winner.id }]);

    const mistaken = await startSession(platform.gateway, tutor.session, { startedAt: third.startsAt, occurrence: { seriesId: series.id, occurrenceStart: third.occurrenceStart } });
    await as(platform.gateway, tutor.session).delete(`/api/sessions/${mistaken.id}`).expect(200);
    const restarted = await start(third, third.startsAt).expect(201);
    expect(restarted.body.occurrence).toEqual({ seriesId: series.id, occurrenceStart: third.occurrenceStart });

    const entries = await calendar(tutor.session, tutor.user.id);
    expect(entries.filter((e) => e.occurrence?.seriesId === series.id).map((e) => e.sessionId)).toEqual([ran.id, winner.id, restarted.body.id]);
  });

  it('takes exdates as HH:MM like start; the feed names the school, not the typed place, has no control characters, carries SEQUENCE, and is valid when empty', async () => {
    const tutor = await provider('Ann\u0007\u001b[2J\u007f Ledger');
    const empty = await feed(tutor.session);
    expect(empty.events).toEqual([]);
    expect(only(empty.calendar, 'VERSION')).toBe('2.0');
    expect(text(empty.calendar, 'X-WR-CALNAME')).toContain('Ann[2J Ledger');
    expect(empty.document).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);

    const series = await individualSeries(tutor.session, {
      start: `${localDate(1)}T16:00`,
      rrule: 'FREQ=DAILY;COUNT=4',
      exdates: [`${localDate(2)}T16:00`],
      placeOfService: 'Home of Zebulon Quixotic,\u0007 12 Elm Street',
    });
    const [first, second, third] = await occurrences(tutor.session, series.id);
    expect([first, second, third].map((o) => o.localDate)).toEqual([localDate(1), localDate(3), localDate(4)]);
    await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: 1, scope: 'all', exdates: [`${localDate(2)}T16:00`, `${localDate(3)}T16:00:00`] })
      .expect(200);
    expect((await as(platform.gateway, tutor.session).get(`/api/series/${series.id}`).expect(200)).body.exdates).toEqual([`${localDate(2)}T16:00:00`, `${localDate(3)}T16:00:00`]);
    expect((await occurrences(tutor.session, series.id)).map((o) => o.localDate)).toEqual([localDate(1), localDate(4)]);

    const sequences = async () => new Map((await feed(tutor.session)).events.map((e) => [only(e, 'DTSTART'), Number(only(e, 'SEQUENCE'))]));
    const initial = await sequences();
    await as(platform.gateway, tutor.session)
      .patch(`/api/series/${series.id}`)
      .send({ version: 2, scope: 'this', occurrenceStart: third.occurrenceStart, durationMinutes: 45 })
      .expect(200);
    await as(platform.gateway, tutor.session).post(`/api/series/${series.id}/occurrences/cancel`).send({ occurrenceStart: third.occurrenceStart }).expect(200);
    const changed = await sequences();
    expect(changed.get(compact(first.startsAt))).toBe(initial.get(compact(first.startsAt)));
    expect(changed.get(compact(third.startsAt))).toBe(initial.get(compact(third.startsAt))! + 2);
    await as(platform.gateway, tutor.session).patch(`/api/series/${series.id}`).send({ version: 4, scope: 'all', durationMinutes: 50 }).expect(200);
    const all = await sequences();
    expect(all.get(compact(first.startsAt))).toBeGreaterThan(changed.get(compact(first.startsAt))!);
    expect(all.get(compact(third.startsAt))).toBeGreaterThan(changed.get(compact(third.startsAt))!);

    const { events, document } = await feed(tutor.session);
    expect(document).not.toMatch(/Zebulon|Quixotic|Elm Street|Home of/);
    expect(events.map((e) => text(e, 'LOCATION'))).toEqual([district.schools[0].name, district.schools[0].name]);
  });
});

function textParser(response: request.Response, done: (error: Error | null, body: string) => void): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (body += chunk));
  response.on('end', () => done(null, body));
}
