import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { as, Session, signIn, TestDistrict, TestUser } from './support/gateway-harness';
import ICAL from 'ical.js';
import { ICalError, only, parseICalendar, text, unfold, unescapeText } from './support/icalendar-parser';
import { addGroup, addStudent, guardianOf, linkStudentAccount } from './support/session-fixtures';
import { replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

const DAY = 86_400_000;
const ZONE = 'America/Chicago';

interface Occurrence {
  seriesId: string;
  occurrenceStart: string;
  startsAt: string;
  endsAt: string;
}

interface Entry {
  kind: string;
  id: string;
  sessionId: string | null;
  occurrence: { seriesId: string; occurrenceStart: string } | null;
  startsAt: string;
  endsAt: string | null;
  state: string;
  participantCount: number;
}

/** The district's local date `days` from now. */
function localDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * DAY));
}

const at = (ms: number) => new Date(ms).toISOString();

describe('Calendar: occurrences and sessions merged, double bookings, provider feeds (gateway → scheduling + session-log)', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let school: string;

  async function provider(): Promise<{ user: TestUser; session: Session }> {
    const user = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
    return { user, session: await signIn(platform.gateway, user.email) };
  }

  async function createSeries(session: Session, body: Record<string, unknown>): Promise<{ id: string }> {
    const response = await as(platform.gateway, session)
      .post('/api/series')
      .send({ service: 'tutoring', durationMinutes: 60, ...body });
    if (response.status !== 201) throw new Error(`series answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function occurrences(session: Session, seriesId: string): Promise<Occurrence[]> {
    const response = await as(platform.gateway, session)
      .get(`/api/series/${seriesId}/occurrences?from=${at(Date.now() - 5 * DAY)}&to=${at(Date.now() + 10 * DAY)}`)
      .expect(200);
    return response.body.items;
  }

  function calendar(session: Session, scope: string, from = at(Date.now() - 3 * DAY), to = at(Date.now() + 7 * DAY)) {
    return as(platform.gateway, session).get(`/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&${scope}`);
  }

  const occurrenceId = (o: Occurrence) => `${o.seriesId}/${o.occurrenceStart}`;

  beforeAll(async () => {
    platform = await startSessionPlatform();
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    district = await platform.district(2);
    await replicated(scheduling, district.id, 1);
    admin = await signIn(platform.gateway, district.admin.email);
    school = district.schools[0].id;
  });

  afterAll(async () => {
    await scheduling?.close();
    await platform?.stop();
  });

  it('shows planned occurrences, a session started from one in its place, and an ad hoc session, each with its state', async () => {
    const tutor = await provider();
    const students = await Promise.all([0, 1, 2].map(() => addStudent(platform.gateway, admin, school)));
    const group = await addGroup(platform.gateway, admin, school, tutor.user.id, [students[0].id, students[1].id]);
    const series = await createSeries(tutor.session, {
      type: 'group',
      groupId: group.id,
      placeOfService: 'Room 4',
      start: `${localDate(-1)}T08:00`,
      durationMinutes: 45,
      rrule: 'FREQ=DAILY;COUNT=4',
    });
    const [first, second, third, fourth] = await occurrences(tutor.session, series.id);
    await as(platform.gateway, tutor.session).post(`/api/series/${series.id}/occurrences/cancel`).send({ occurrenceStart: fourth.occurrenceStart }).expect(200);

    const fromPlan = await startSession(platform.gateway, tutor.session, { startedAt: first.startsAt, occurrence: { seriesId: series.id, occurrenceStart: first.occurrenceStart } });
    await as(platform.gateway, tutor.session).post(`/api/sessions/${fromPlan.id}/end`).send({ version: fromPlan.version, endedAt: first.endsAt }).expect(200);
    const adHocStart = Date.parse(first.startsAt) + 2 * 3_600_000;
    const adHoc = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: at(adHocStart) });
    await as(platform.gateway, tutor.session).post(`/api/sessions/${adHoc.id}/participants`).send({ studentId: students[2].id }).expect(201);
    const adHocNow = (await as(platform.gateway, tutor.session).get(`/api/sessions/${adHoc.id}`).expect(200)).body;
    await as(platform.gateway, tutor.session).post(`/api/sessions/${adHoc.id}/end`).send({ version: adHocNow.version, endedAt: at(adHocStart + 30 * 60_000) }).expect(200);

    const [stored] = await sessionLogRows(platform.sessionLog, district.id, 'select occurrence_series_id, occurrence_start from session_log.session where id = ?', [fromPlan.id]);
    expect(stored.occurrence_series_id).toBe(series.id);
    expect(new Date(stored.occurrence_start as string).toISOString()).toBe(first.occurrenceStart);

    const response = await calendar(tutor.session, `providerId=${tutor.user.id}`).expect(200);
    const entries: Entry[] = response.body.entries;
    expect(entries.map((e) => [e.kind, e.id, e.state, e.participantCount])).toEqual([
      ['session', fromPlan.id, 'ended', 2],
      ['session', adHoc.id, 'ended', 1],
      ['occurrence', occurrenceId(second), 'planned', 2],
      ['occurrence', occurrenceId(third), 'planned', 2],
      ['occurrence', occurrenceId(fourth), 'cancelled_nonbillable', 2],
    ]);
    expect(entries[0]).toMatchObject({
      sessionId: fromPlan.id,
      occurrence: { seriesId: series.id, occurrenceStart: first.occurrenceStart },
      startsAt: first.startsAt,
      endsAt: first.endsAt,
      service: 'tutoring',
      placeOfService: 'Room 4',
      providerId: tutor.user.id,
      schoolId: school,
    });
    expect(entries[1]).toMatchObject({ occurrence: null, sessionId: adHoc.id, placeOfService: null });
    expect(entries[2]).toMatchObject({ sessionId: null, startsAt: second.startsAt, endsAt: second.endsAt, placeOfService: 'Room 4' });
    expect(response.body.warnings).toEqual([]);

    const bySchool = await calendar(admin, `schoolId=${school}`).expect(200);
    expect(bySchool.body.entries.map((e: Entry) => e.id)).toEqual(expect.arrayContaining(entries.map((e) => e.id)));
    const byStudent = await calendar(admin, `studentId=${students[2].id}`).expect(200);
    expect(byStudent.body.entries.map((e: Entry) => e.id)).toEqual([adHoc.id]);
    const byGroupStudent = await calendar(admin, `studentId=${students[0].id}`).expect(200);
    expect(byGroupStudent.body.entries.map((e: Entry) => e.id)).toEqual([fromPlan.id, occurrenceId(second), occurrenceId(third), occurrenceId(fourth)]);

    const late = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: at(Date.now() - 60_000), plannedMinutes: 30 });
    await as(platform.gateway, tutor.session).post(`/api/sessions/${late.id}/participants`).send({ studentId: students[2].id }).expect(201);
    const lateNow = (await as(platform.gateway, tutor.session).get(`/api/sessions/${late.id}`).expect(200)).body;
    await as(platform.gateway, tutor.session).post(`/api/sessions/${late.id}/cancel`).send({ version: lateNow.version, cancelledAt: at(Date.now() - 120_000) }).expect(200);
    const running = await startSession(platform.gateway, tutor.session, { service: 'tutoring', startedAt: at(Date.now() - 30_000) });
    const later = await calendar(tutor.session, `providerId=${tutor.user.id}`).expect(200);
    const byId = new Map(later.body.entries.map((e: Entry) => [e.id, e]));
    expect(byId.get(late.id)).toMatchObject({ kind: 'session', state: 'cancelled_billable', endsAt: at(Date.parse(late.startedAt) + 30 * 60_000) });
    expect(byId.get(running.id)).toMatchObject({ kind: 'session', state: 'active', endsAt: null, participantCount: 0 });
  });

  it('warns when a provider or a student is booked twice at once, and not once the clash is cancelled', async () => {
    const [busy, other] = [await provider(), await provider()];
    const [shared, alone] = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, school)));
    const day = localDate(3);
    const first = await createSeries(busy.session, { type: 'individual', studentIds: [shared.id], start: `${day}T10:00`, rrule: 'FREQ=DAILY;COUNT=1' });
    const second = await createSeries(busy.session, { type: 'individual', studentIds: [alone.id], start: `${day}T10:30`, rrule: 'FREQ=DAILY;COUNT=1' });
    const clash = await createSeries(other.session, { type: 'individual', studentIds: [shared.id], start: `${day}T10:45`, durationMinutes: 30, rrule: 'FREQ=DAILY;COUNT=1' });
    const [a] = await occurrences(busy.session, first.id);
    const [b] = await occurrences(busy.session, second.id);
    const [c] = await occurrences(other.session, clash.id);

    const mine = await calendar(busy.session, `providerId=${busy.user.id}`).expect(200);
    expect(mine.body.warnings).toEqual([
      { code: 'CALENDAR.PROVIDER_DOUBLE_BOOKED', message: expect.any(String), providerId: busy.user.id, entryIds: [occurrenceId(a), occurrenceId(b)] },
    ]);

    const studentView = await calendar(admin, `studentId=${shared.id}`).expect(200);
    expect(studentView.body.entries.map((e: Entry) => e.id)).toEqual([occurrenceId(a), occurrenceId(c)]);
    expect(studentView.body.warnings).toEqual([
      { code: 'CALENDAR.STUDENT_DOUBLE_BOOKED', message: expect.any(String), studentId: shared.id, entryIds: [occurrenceId(a), occurrenceId(c)] },
    ]);

    await as(platform.gateway, other.session).post(`/api/series/${clash.id}/occurrences/cancel`).send({ occurrenceStart: c.occurrenceStart }).expect(200);
    const afterCancel = await calendar(admin, `studentId=${shared.id}`).expect(200);
    expect(afterCancel.body.warnings).toEqual([]);
  });

  it('refuses a missing or double scope, a long window, another’s calendar, and what is not in the district', async () => {
    const tutor = await provider();
    const colleague = await provider();
    const fieldsOf = (body: { fields: { field: string }[] }) => body.fields.map((f) => f.field);

    expect(fieldsOf((await calendar(tutor.session, '').expect(400)).body)).toEqual(['providerId']);
    expect(fieldsOf((await calendar(admin, `providerId=${tutor.user.id}&schoolId=${school}`).expect(400)).body)).toEqual(['schoolId']);
    expect(fieldsOf((await calendar(admin, `schoolId=${school}`, at(Date.now()), at(Date.now() + 63 * DAY)).expect(400)).body)).toEqual(['to']);
    expect(fieldsOf((await calendar(admin, `schoolId=${school}`, at(Date.now()), at(Date.now() - DAY)).expect(400)).body)).toEqual(['to']);
    expect(fieldsOf((await calendar(admin, 'studentId=abc').expect(400)).body)).toEqual(['studentId']);
    await calendar(admin, `schoolId=${school}`, at(Date.now()), at(Date.now() + 62 * DAY)).expect(200);

    expect((await calendar(tutor.session, `providerId=${colleague.user.id}`).expect(403)).body.code).toBe('CALENDAR.NOT_ALLOWED');
    await calendar(tutor.session, `schoolId=${school}`).expect(403);
    const student = await addStudent(platform.gateway, admin, school);
    await calendar(tutor.session, `studentId=${student.id}`).expect(403);
    const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [student.id])).email);
    await calendar(guardian, `studentId=${student.id}`).expect(403);
    const studentUser = await signIn(platform.gateway, (await linkStudentAccount(platform.gateway, district, student.id)).email);
    await calendar(studentUser, `studentId=${student.id}`).expect(403);

    const otherSchoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [district.schools[1].id] })).email);
    await calendar(otherSchoolAdmin, `providerId=${tutor.user.id}`).expect(403);
    await calendar(otherSchoolAdmin, `schoolId=${school}`).expect(403);
    const schoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [school] })).email);
    await calendar(schoolAdmin, `providerId=${tutor.user.id}`).expect(200);

    const elsewhere = await platform.district(1);
    const stranger = await elsewhere.user(['provider'], { schoolIds: [elsewhere.schools[0].id], providerKind: 'tutor' });
    await calendar(admin, `providerId=${stranger.id}`).expect(404);
    await calendar(admin, `schoolId=${elsewhere.schools[0].id}`).expect(404);
    await calendar(admin, `studentId=${tutor.user.id}`).expect(404);
  });

  it('reads the strict iCalendar rules it checks the feed with (the checks can fail)', () => {
    expect(() => parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR')).toThrow(ICalError);
    expect(() => parseICalendar('BEGIN:VCALENDAR\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n')).toThrow(ICalError);
    expect(() => parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n')).toThrow(/no component/);
    expect(() =>
      parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nSEQUENCE:-1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'),
    ).toThrow(/SEQUENCE/);
    expect(() => unfold(`X-LONG:${'a'.repeat(69)}\r\n`)).toThrow(/76 octets/);
    expect(unfold(`X-LONG:${'a'.repeat(68)}\r\n ab\r\n`)).toEqual([`X-LONG:${'a'.repeat(68)}ab`]);
    expect(() => unescapeText('a, b')).toThrow(ICalError);
    expect(() => unescapeText('a\\x')).toThrow(ICalError);
    expect(unescapeText('a\\, b\\; c\\\\ d\\ne')).toBe('a, b; c\\ d\ne');
    expect(() =>
      parseICalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260230T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'),
    ).toThrow(/not a valid date-time/);
  });

  it('publishes a provider’s occurrences as RFC 5545 at a secret URL, without student names or the typed place, and rotates and revokes it', async () => {
    const calendarName = 'Zoë; the "reading" tutor \\ of the east wing, señal ñ é, with a name long enough to fold';
    const tutorUser = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: calendarName });
    const tutor = { user: tutorUser, session: await signIn(platform.gateway, tutorUser.email) };
    const named = await addStudent(platform.gateway, admin, school, { firstName: 'Zebulon', lastName: 'Quixotic' });
    const place = '1234 Elm Street, Zebulon’s home';
    const series = await createSeries(tutor.session, {
      type: 'individual',
      studentIds: [named.id],
      description: 'Zebulon needs a quiet corner',
      placeOfService: place,
      start: `${localDate(1)}T09:00`,
      durationMinutes: 50,
      rrule: 'FREQ=DAILY;COUNT=3',
    });
    const planned = await occurrences(tutor.session, series.id);
    expect(planned).toHaveLength(3);
    await as(platform.gateway, tutor.session).post(`/api/series/${series.id}/occurrences/cancel`).send({ occurrenceStart: planned[1].occurrenceStart }).expect(200);

    await as(platform.gateway, admin).post('/api/me/calendar-feed').expect(403);
    const created = await as(platform.gateway, tutor.session).post('/api/me/calendar-feed').expect(201);
    const path = new URL(created.body.url).pathname;
    expect(path).toMatch(new RegExp(`^/api/calendar-feeds/${district.id}\\.[A-Za-z0-9_-]{43}\\.ics$`));
    const secret = path.split('.')[1];
    const [row] = await platform.gateway
      .get(TenantTransactions)
      .run(district.id, (em) => em.execute('select secret_hash from gateway.calendar_feed where provider_id = ?', [tutor.user.id]));
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));

    const feed = await request(platform.gateway.getHttpServer()).get(path).buffer(true).parse(textParser).expect(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const document = feed.body as string;
    expect(document).not.toMatch(/Zebulon|Quixotic|quiet corner|Elm Street/);
    const vcalendar = parseICalendar(document);
    expect(only(vcalendar, 'PRODID')).toBeTruthy();
    expect(text(vcalendar, 'X-WR-CALNAME')).toContain(calendarName);
    const events = vcalendar.components.filter((c) => c.name === 'VEVENT');
    expect(events).toHaveLength(3);
    const compact = (iso: string) => `${iso.replace(/[-:]/g, '').slice(0, 15)}Z`;
    events.forEach((event, index) => {
      const occurrence = planned[index];
      expect(only(event, 'UID')).toBe(`${series.id}-${compact(occurrence.occurrenceStart)}@sessionledger`);
      expect(only(event, 'DTSTART')).toBe(compact(occurrence.startsAt));
      expect(only(event, 'DTEND')).toBe(compact(occurrence.endsAt));
      expect(text(event, 'SUMMARY')).toBe('Tutoring');
      expect(text(event, 'LOCATION')).toBe(district.schools[0].name);
      expect(text(event, 'DESCRIPTION')).toMatch(/^Individual session, 1 student\./);
      expect(only(event, 'STATUS')).toBe(index === 1 ? 'CANCELLED' : 'CONFIRMED');
    });
    expect(document.split('\r\n').some((line) => line.startsWith(' '))).toBe(true);

    // The same feed read by a widely used iCalendar library (ical.js, Mozilla's): the events, times and statuses agree.
    const parsed = new ICAL.Component(ICAL.parse(document));
    const libraryEvents = parsed.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
    expect(libraryEvents.map((event) => event.uid)).toEqual(events.map((event) => only(event, 'UID')));
    expect(libraryEvents.map((event) => event.startDate.toJSDate().toISOString())).toEqual(planned.map((o) => new Date(o.startsAt).toISOString()));
    expect(libraryEvents.map((event) => event.endDate.toJSDate().toISOString())).toEqual(planned.map((o) => new Date(o.endsAt).toISOString()));
    expect(libraryEvents.map((event) => event.summary)).toEqual(['Tutoring', 'Tutoring', 'Tutoring']);
    expect(parsed.getAllSubcomponents('vevent').map((vevent) => vevent.getFirstPropertyValue('status'))).toEqual(['CONFIRMED', 'CANCELLED', 'CONFIRMED']);

    const rotated = await as(platform.gateway, tutor.session).post('/api/me/calendar-feed').expect(201);
    const rotatedPath = new URL(rotated.body.url).pathname;
    expect(rotatedPath).not.toBe(path);
    await request(platform.gateway.getHttpServer()).get(path).expect(404);
    await request(platform.gateway.getHttpServer()).get(rotatedPath).expect(200);

    await as(platform.gateway, tutor.session).delete('/api/me/calendar-feed').expect(204);
    await request(platform.gateway.getHttpServer()).get(rotatedPath).expect(404);
    await request(platform.gateway.getHttpServer()).get(`/api/calendar-feeds/${district.id}.unknown.ics`).expect(404);
    await request(platform.gateway.getHttpServer()).get('/api/calendar-feeds/nothing.ics').expect(404);
  });
});

function textParser(response: request.Response, done: (error: Error | null, body: string) => void): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (body += chunk));
  response.on('end', () => done(null, body));
}
