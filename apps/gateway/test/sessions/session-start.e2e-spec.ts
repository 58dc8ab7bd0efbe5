import { as, createDistrict, Session, signIn, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

const DAY = 24 * 60;

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

describe('Sessions: starting one (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let traveller: TestUser;
  let travellerSession: Session;
  let colleague: TestUser;
  let guardianSession: Session;

  const post = (session: Session, body: object) => as(platform.gateway, session).post('/api/sessions').send(body);

  async function sessionCount(providerId: string): Promise<number> {
    const [row] = await sessionLogRows<{ n: number }>(platform.sessionLog, district.id, 'select count(*)::int as n from session_log.session where provider_id = ?', [providerId]);
    return row.n;
  }

  /** Frees the provider for the next start: a session left running would block it. */
  async function discard(session: Session, id: string): Promise<void> {
    await as(platform.gateway, session).delete(`/api/sessions/${id}`).expect(200);
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(2);
    const [school0, school1] = district.schools;
    tutor = await district.user(['provider'], { schoolIds: [school0.id], providerKind: 'tutor' });
    traveller = await district.user(['provider'], { schoolIds: [school0.id, school1.id], providerKind: 'tutor' });
    colleague = await district.user(['provider'], { schoolIds: [school0.id], providerKind: 'tutor' });
    const guardian = await district.user(['guardian']);
    [admin, tutorSession, travellerSession, guardianSession] = await Promise.all([
      signIn(platform.gateway, district.admin.email),
      signIn(platform.gateway, tutor.email),
      signIn(platform.gateway, traveller.email),
      signIn(platform.gateway, guardian.email),
    ]);
  });

  afterAll(() => platform.stop());

  it('starts an ad hoc session and adds a student found by the first letters of a name, across the district’s schools; without a work order it only tracks time', async () => {
    const [school0, school1] = district.schools;
    const nunez = await addStudent(platform.gateway, admin, school1.id, { firstName: 'Álvaro', lastName: 'Núñez' });
    const nunnally = await addStudent(platform.gateway, admin, school0.id, { firstName: 'Beth', lastName: 'Nunnally' });
    // The same name in another district must not be found.
    const other = await createDistrict(platform.gateway, 1);
    await addStudent(platform.gateway, await signIn(platform.gateway, other.admin.email), other.schools[0].id, { firstName: 'Álvaro', lastName: 'Nuñez' });

    const startedAt = minutesAgo(30);
    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt });
    expect(started).toMatchObject({ state: 'active', schoolId: school0.id, group: null, workOrder: null, participants: [], version: 1 });

    const search = (q: string, page = 1, pageSize = 50) =>
      as(platform.gateway, tutorSession).get('/api/students').query({ q, page, pageSize }).expect(200);
    // Accents and case ignored, last name or first name, the other school's student included.
    expect((await search('nUN')).body).toMatchObject({ total: 2, items: [{ id: nunez.id, schoolId: school1.id }, { id: nunnally.id }] });
    expect((await search('alv')).body.items.map((s: { id: string }) => s.id)).toEqual([nunez.id]);
    expect((await search('ÁLVARO NÚ')).body.items.map((s: { id: string }) => s.id)).toEqual([nunez.id]);
    const first = await search('nun', 1, 1);
    const second = await search('nun', 2, 1);
    expect(first.body).toMatchObject({ total: 2, page: 1, pageSize: 1, items: [{ id: nunez.id }] });
    expect(second.body).toMatchObject({ total: 2, page: 2, items: [{ id: nunnally.id }] });

    const added = await as(platform.gateway, tutorSession).post(`/api/sessions/${started.id}/participants`).send({ studentId: nunez.id }).expect(201);
    expect(added.body.participants).toEqual([expect.objectContaining({ personId: nunez.id, name: 'Álvaro Núñez', schoolId: school1.id, timeIn: startedAt })]);

    const audit = await as(platform.gateway, tutorSession).get(`/api/sessions/${started.id}/audit`).expect(200);
    expect(audit.body.payment).toEqual({ payable: false, reason: expect.stringMatching(/no work order.*time tracking only/i) });
    const rows = await sessionLogRows(platform.sessionLog, district.id, 'select group_id, work_order_id, school_id from session_log.session where id = ?', [started.id]);
    expect(rows).toEqual([{ group_id: null, work_order_id: null, school_id: school0.id }]);
    await discard(tutorSession, started.id);
  });

  it('answers 400 naming q when a provider lists students without it', async () => {
    const response = await as(platform.gateway, tutorSession).get('/api/students').expect(400);
    expect(fieldsOf(response.body)).toEqual(['q']);
    const blank = await as(platform.gateway, tutorSession).get('/api/students').query({ q: '   ' }).expect(400);
    expect(fieldsOf(blank.body)).toEqual(['q']);
  });

  it('lets only providers start sessions', async () => {
    const body = { service: 'tutoring', startedAt: minutesAgo(5), schoolId: district.schools[0].id };
    expect((await post(admin, body)).status).toBe(403);
    expect((await post(guardianSession, body)).status).toBe(403);
    expect(await sessionCount(district.admin.id)).toBe(0);
  });

  it('needs the school from a provider approved at several, infers it at one, refuses a school the provider is not approved at', async () => {
    const [school0, school1] = district.schools;
    const missing = await post(travellerSession, { service: 'tutoring', startedAt: minutesAgo(5) }).expect(400);
    expect(fieldsOf(missing.body)).toEqual(['schoolId']);

    const chosen = await startSession(platform.gateway, travellerSession, { service: 'tutoring', startedAt: minutesAgo(5), schoolId: school1.id });
    expect(chosen.schoolId).toBe(school1.id);
    await discard(travellerSession, chosen.id);

    const inferred = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(5) });
    expect(inferred.schoolId).toBe(school0.id);
    await discard(tutorSession, inferred.id);

    const notApproved = await post(tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), schoolId: school1.id }).expect(400);
    expect(fieldsOf(notApproved.body)).toEqual(['schoolId']);
    expect(await sessionCount(traveller.id)).toBe(0);
  });

  it('starts with the provider’s own group only', async () => {
    const school0 = district.schools[0];
    const students = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, school0.id)));
    const theirs = await addGroup(platform.gateway, admin, school0.id, colleague.id, students.map((s) => s.id));
    const mine = await addGroup(platform.gateway, admin, school0.id, tutor.id, students.map((s) => s.id));
    const before = await sessionCount(tutor.id);

    const refused = await post(tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), groupId: theirs.id }).expect(400);
    expect(fieldsOf(refused.body)).toEqual(['groupId']);
    expect(await sessionCount(tutor.id)).toBe(before);

    // A group of the provider's other school does not go with the school named.
    const travellersGroup = await addGroup(platform.gateway, admin, district.schools[1].id, traveller.id, []);
    const wrongSchool = await post(travellerSession, { service: 'tutoring', startedAt: minutesAgo(5), groupId: travellersGroup.id, schoolId: school0.id }).expect(400);
    expect(fieldsOf(wrongSchool.body)).toEqual(['groupId']);
    expect(await sessionCount(traveller.id)).toBe(0);

    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), groupId: mine.id });
    expect(started.group).toMatchObject({ id: mine.id });
    expect(started.participants.map((p: { personId: string }) => p.personId).sort()).toEqual(students.map((s) => s.id).sort());
    await discard(tutorSession, started.id);
  });

  it('requires a description under a Career Ladder work order, and an approved event for Family Involvement', async () => {
    const careerLadder = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: district.schools[0].id });
    const before = await sessionCount(tutor.id);

    const undescribed = await post(tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), workOrderId: careerLadder.id }).expect(400);
    expect(fieldsOf(undescribed.body)).toEqual(['description']);
    const blank = await post(tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), workOrderId: careerLadder.id, description: '   ' }).expect(400);
    expect(fieldsOf(blank.body)).toEqual(['description']);
    const described = await startSession(platform.gateway, tutorSession, {
      service: 'tutoring',
      startedAt: minutesAgo(5),
      workOrderId: careerLadder.id,
      description: 'Reading intervention',
    });
    expect(described).toMatchObject({ workOrder: { id: careerLadder.id, type: 'career_ladder' }, description: 'Reading intervention' });
    await discard(tutorSession, described.id);

    const unapproved = await post(tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), familyInvolvement: true, description: 'Bake sale' }).expect(400);
    expect(fieldsOf(unapproved.body)).toEqual(['description']);
    const undescribedEvent = await post(tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), familyInvolvement: true }).expect(400);
    expect(fieldsOf(undescribedEvent.body)).toEqual(['description']);
    // The described one was discarded; the refusals stored nothing.
    expect(await sessionCount(tutor.id)).toBe(before);

    const catalog = await as(platform.gateway, tutorSession).get('/api/session-catalog').expect(200);
    const event: string = catalog.body.catalog.familyInvolvementEvents[0];
    const approved = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(5), familyInvolvement: true, description: event });
    expect(approved).toMatchObject({ familyInvolvement: true, description: event });
    await discard(tutorSession, approved.id);
  });

  it('refuses a work order of another provider, of another school, deactivated or not valid on the session date (400 naming workOrderId)', async () => {
    const [school0, school1] = district.schools;
    const colleagues = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: colleague.id, schoolId: school0.id });
    const otherSchool = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: traveller.id, schoolId: school1.id });
    const deactivated = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school0.id });
    await as(platform.gateway, admin).post(`/api/work-orders/${deactivated.id}/deactivate`).expect(200);
    const expired = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school0.id, validFrom: '2020-01-01', validTo: '2020-12-31' });
    const [tutorBefore, travellerBefore] = [await sessionCount(tutor.id), await sessionCount(traveller.id)];

    const attempts: [Session, object][] = [
      [tutorSession, { workOrderId: colleagues.id }],
      [travellerSession, { workOrderId: otherSchool.id, schoolId: school0.id }],
      [tutorSession, { workOrderId: deactivated.id }],
      [tutorSession, { workOrderId: expired.id }],
      [tutorSession, { workOrderId: '9b0c6d1e-1f6a-4a8e-9d7e-2f1c3b4a5d6e' }],
    ];
    for (const [session, fields] of attempts) {
      const response = await post(session, { service: 'tutoring', startedAt: minutesAgo(5), ...fields });
      expect({ fields, status: response.status, named: fieldsOf(response.body) }).toEqual({ fields, status: 400, named: ['workOrderId'] });
    }
    expect([await sessionCount(tutor.id), await sessionCount(traveller.id)]).toEqual([tutorBefore, travellerBefore]);

    // The same work order at its own school is fine: the refusal above was the school.
    const ownSchool = await startSession(platform.gateway, travellerSession, { service: 'tutoring', startedAt: minutesAgo(5), workOrderId: otherSchool.id, schoolId: school1.id });
    expect(ownSchool.workOrder).toMatchObject({ id: otherSchool.id });
    await discard(travellerSession, ownSchool.id);
  });

  it('answers 400 naming the field for bad input, and stores nothing', async () => {
    const before = await sessionCount(tutor.id);
    const valid = { service: 'tutoring', startedAt: minutesAgo(5) };
    const cases: [object, string][] = [
      [{ ...valid, groupId: 'not-a-uuid' }, 'groupId'],
      [{ ...valid, workOrderId: '1234' }, 'workOrderId'],
      [{ ...valid, startedAt: 'yesterday afternoon' }, 'startedAt'],
      [{ ...valid, startedAt: '2026-03-01T10:00' }, 'startedAt'],
      [{ ...valid, colour: 'blue' }, 'colour'],
      [{ ...valid, service: 'knitting' }, 'service'],
      [{ service: 'tutoring' }, 'startedAt'],
      [{ ...valid, startedAt: minutesAgo(-60) }, 'startedAt'],
      [{ ...valid, plannedMinutes: 2 }, 'plannedMinutes'],
    ];
    for (const [body, field] of cases) {
      const response = await post(tutorSession, body);
      expect({ body, status: response.status, code: response.body.code, named: fieldsOf(response.body) }).toEqual({
        body,
        status: 400,
        code: 'REQUEST.INVALID',
        named: [field],
      });
    }
    expect(await sessionCount(tutor.id)).toBe(before);
  });

  it('accepts sessions up to the district’s lateEntryDays late, and applies a new setting', async () => {
    const late = await platform.district(1);
    const lateAdmin = await signIn(platform.gateway, late.admin.email);
    const lateTutor = await late.user(['provider'], { schoolIds: [late.schools[0].id], providerKind: 'tutor' });
    const lateTutorSession = await signIn(platform.gateway, lateTutor.email);
    const start = (days: number) => post(lateTutorSession, { service: 'tutoring', startedAt: minutesAgo(days * DAY) });

    // The default window is 14 days.
    // 16 rather than 15 days: a daylight-saving change in between must not bring it inside the window.
    const tooLate = await start(16).expect(400);
    expect(fieldsOf(tooLate.body)).toEqual(['startedAt']);
    expect(tooLate.body.fields[0].problems[0]).toMatch(/at most 14 days/);
    const within = await start(10).expect(201);
    await discard(lateTutorSession, within.body.id);

    const current = await as(platform.gateway, lateAdmin).get('/api/district').expect(200);
    const widened = await as(platform.gateway, lateAdmin)
      .patch('/api/district')
      .send({ version: current.body.version, settings: { lateEntryDays: 20 } })
      .expect(200);
    await replicated(platform.sessionLog, late.id, widened.body.version);
    const nowAccepted = await start(16).expect(201);
    await discard(lateTutorSession, nowAccepted.body.id);

    const narrowed = await as(platform.gateway, lateAdmin)
      .patch('/api/district')
      .send({ version: widened.body.version, settings: { lateEntryDays: 3 } })
      .expect(200);
    await replicated(platform.sessionLog, late.id, narrowed.body.version);
    const nowLate = await start(10).expect(400);
    expect(fieldsOf(nowLate.body)).toEqual(['startedAt']);
    expect(nowLate.body.fields[0].problems[0]).toMatch(/at most 3 days/);
  });

  it('keeps one active session per provider even when two starts race, and names the active one', async () => {
    const racer = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const racerSession = await signIn(platform.gateway, racer.email);
    const body = { service: 'tutoring', startedAt: minutesAgo(10) };

    for (let round = 0; round < 3; round += 1) {
      const responses = await Promise.all([post(racerSession, body), post(racerSession, body)]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
      const winner = responses.find((r) => r.status === 201)!;
      const loser = responses.find((r) => r.status === 409)!;
      expect(loser.body).toMatchObject({ code: 'SESSION.ALREADY_ACTIVE', details: { activeSessionId: winner.body.id } });
      expect(loser.body.message).toContain(winner.body.id);
      const active = await sessionLogRows(platform.sessionLog, district.id, "select id from session_log.session where provider_id = ? and state = 'active'", [racer.id]);
      expect(active).toEqual([{ id: winner.body.id }]);

      // A third start while one runs is refused the same way.
      const third = await post(racerSession, body).expect(409);
      expect(third.body.details).toEqual({ activeSessionId: winner.body.id });

      await as(platform.gateway, await signIn(platform.gateway, colleague.email)).delete(`/api/sessions/${winner.body.id}`).expect(404);
      const deleted = await as(platform.gateway, racerSession).delete(`/api/sessions/${winner.body.id}`).expect(200);
      expect(deleted.body).toEqual({ deleted: true });
      const tasks = await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.post_session_task where session_id = ?', [winner.body.id]);
      expect(tasks).toEqual([]);
      const trail = await sessionLogRows<{ action: string }>(
        platform.sessionLog,
        district.id,
        'select action from session_log.session_change where session_id = ? order by at',
        [winner.body.id],
      );
      expect(trail.map((c) => c.action)).toEqual(['started', 'deleted']);
      expect(await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.session where id = ?', [winner.body.id])).toEqual([]);
    }

    const after = await startSession(platform.gateway, racerSession, body);
    const tasks = await sessionLogRows(platform.sessionLog, district.id, 'select kind from session_log.post_session_task where session_id = ? order by kind', [after.id]);
    expect(tasks).toEqual([{ kind: 'attendance' }, { kind: 'notes' }]);
    // The database itself refuses a second active session, whatever the code in front of it checks.
    await expect(
      sessionLogRows(
        platform.sessionLog,
        district.id,
        `insert into session_log.session (id, district_id, provider_id, provider_name, school_id, service, participant_kind, state, session_date, started_at, created_by)
         select gen_random_uuid(), district_id, provider_id, provider_name, school_id, service, participant_kind, 'active', session_date, started_at, created_by
         from session_log.session where id = ?`,
        [after.id],
      ),
    ).rejects.toThrow(/session_one_active_per_provider/);
    await as(platform.gateway, racerSession).post(`/api/sessions/${after.id}/end`).send({ version: 1, endedAt: minutesAgo(1) }).expect(200);
    const endedDelete = await as(platform.gateway, racerSession).delete(`/api/sessions/${after.id}`).expect(409);
    expect(endedDelete.body.code).toBe('SESSION.WRONG_STATE');
    const kept = await sessionLogRows(platform.sessionLog, district.id, 'select state from session_log.session where id = ?', [after.id]);
    expect(kept).toEqual([{ state: 'ended' }]);
    expect(await sessionLogRows(platform.sessionLog, district.id, 'select kind from session_log.post_session_task where session_id = ?', [after.id])).toHaveLength(2);
  });
});
