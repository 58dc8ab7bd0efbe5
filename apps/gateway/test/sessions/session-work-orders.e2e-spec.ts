import { as, createDistrict, Session, signIn, TestDistrict, TestUser } from '../support/gateway-harness';
import { addWorkOrder } from '../support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

const DAY = 24 * 60;

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

describe('Sessions: tags and work orders after the fact (gateway → payroll, session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let colleague: TestUser;
  let colleagueSession: Session;
  let schoolAdminSession: Session;
  let otherSchoolAdminSession: Session;
  let tutoring: { id: string };

  /** A session of `days` ago that ran 45 minutes and has ended (version 2). */
  async function endedSession(provider: Session, days: number, extra: object = {}) {
    const startedAt = minutesAgo(days * DAY + 60);
    const started = await startSession(platform.gateway, provider, { service: 'tutoring', startedAt, ...extra });
    const ended = await as(platform.gateway, provider)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: started.version, endedAt: minutesAgo(days * DAY + 15) })
      .expect(200);
    return ended.body;
  }

  const assign = (session: Session, sessionId: string, body: object) => as(platform.gateway, session).put(`/api/sessions/${sessionId}/work-order`).send(body);

  async function workOrderOf(sessionId: string) {
    const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select work_order_id, work_order_type, version from session_log.session where id = ?', [sessionId]);
    return row;
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(2);
    const [school0, school1] = district.schools;
    tutor = await district.user(['provider'], { schoolIds: [school0.id], providerKind: 'tutor' });
    colleague = await district.user(['provider'], { schoolIds: [school0.id, school1.id], providerKind: 'tutor' });
    const schoolAdmin = await district.user(['school_admin'], { schoolIds: [school0.id] });
    const otherSchoolAdmin = await district.user(['school_admin'], { schoolIds: [school1.id] });
    [admin, tutorSession, colleagueSession, schoolAdminSession, otherSchoolAdminSession] = await Promise.all([
      signIn(platform.gateway, district.admin.email),
      signIn(platform.gateway, tutor.email),
      signIn(platform.gateway, colleague.email),
      signIn(platform.gateway, schoolAdmin.email),
      signIn(platform.gateway, otherSchoolAdmin.email),
    ]);
    tutoring = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school0.id });
  });

  afterAll(() => platform.stop());

  it('tags a session with the catalog’s Career Ladder goals only once it has ended', async () => {
    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(50) });
    const tags = (version: number, values: string[]) => as(platform.gateway, tutorSession).put(`/api/sessions/${started.id}/tags`).send({ version, tags: values });

    const whileActive = await tags(1, ['student_achievement']).expect(409);
    expect(whileActive.body.code).toBe('SESSION.WRONG_STATE');
    await as(platform.gateway, tutorSession).post(`/api/sessions/${started.id}/end`).send({ version: 1, endedAt: minutesAgo(1) }).expect(200);

    const catalog = await as(platform.gateway, tutorSession).get('/api/session-catalog').expect(200);
    const goals: string[] = catalog.body.catalog.careerLadderGoals.map((g: { code: string }) => g.code);
    const tagged = await tags(2, goals.slice(0, 2)).expect(200);
    expect(tagged.body).toMatchObject({ tags: goals.slice(0, 2), version: 3 });

    const unknown = await tags(3, [goals[0], 'world_peace']).expect(400);
    expect(fieldsOf(unknown.body)).toEqual(['tags']);
    expect(unknown.body.fields[0].problems[0]).toContain('world_peace');
    const repeated = await tags(3, [goals[0], goals[0]]).expect(400);
    expect(fieldsOf(repeated.body)).toEqual(['tags']);
    await as(platform.gateway, colleagueSession).put(`/api/sessions/${started.id}/tags`).send({ version: 3, tags: [goals[0]] }).expect(404);
    const stale = await tags(2, [goals[0]]).expect(409);
    expect(stale.body.code).toBe('SESSION.STALE');
    const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select tags, version from session_log.session where id = ?', [started.id]);
    expect(row).toEqual({ tags: goals.slice(0, 2), version: 3 });

    // A goal the district adds to its catalog becomes a tag.
    const widened = { ...catalog.body.catalog, careerLadderGoals: [...catalog.body.catalog.careerLadderGoals, { code: 'reading_growth', name: 'Reading growth' }] };
    await as(platform.gateway, admin).put('/api/session-catalog').send({ version: catalog.body.version, catalog: widened }).expect(200);
    const added = await tags(3, ['reading_growth']).expect(200);
    expect(added.body.tags).toEqual(['reading_growth']);
  });

  it('assigns a work order within the district’s window after the session date, and makes the session potentially payable', async () => {
    const session = await endedSession(tutorSession, 5);
    const before = await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}/audit`).expect(200);
    expect(before.body.payment.reason).toMatch(/time tracking only/);

    const assigned = await assign(tutorSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(200);
    expect(assigned.body).toMatchObject({ workOrder: { id: tutoring.id, type: 'tutoring' }, version: session.version + 1 });
    expect(await workOrderOf(session.id)).toEqual({ work_order_id: tutoring.id, work_order_type: 'tutoring', version: session.version + 1 });
    const after = await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}/audit`).expect(200);
    expect(after.body.payment).toEqual({ payable: false, reason: expect.stringMatching(/^Tutoring needs at least 4/) });

    const stale = await assign(tutorSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(409);
    expect(stale.body.code).toBe('SESSION.STALE');
  });

  it('refuses a work order after the window (400 naming workOrderId) and stores nothing', async () => {
    const session = await endedSession(tutorSession, 10);
    const late = await assign(tutorSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(400);
    expect(fieldsOf(late.body)).toEqual(['workOrderId']);
    expect(late.body.fields[0].problems[0]).toMatch(/within 7 days/);
    expect(await workOrderOf(session.id)).toEqual({ work_order_id: null, work_order_type: null, version: session.version });
  });

  it('refuses a work order that does not cover the session', async () => {
    const [school0, school1] = district.schools;
    const session = await endedSession(tutorSession, 2);
    const expired = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school0.id, validFrom: '2020-01-01', validTo: '2020-12-31' });
    const colleagues = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: colleague.id, schoolId: school0.id });
    const deactivated = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school0.id });
    await as(platform.gateway, admin).post(`/api/work-orders/${deactivated.id}/deactivate`).expect(200);
    // The colleague's session at school 0 against their own work order at school 1.
    const colleagueSessionAtSchool0 = await endedSession(colleagueSession, 2, { schoolId: school0.id });
    const otherSchool = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: colleague.id, schoolId: school1.id });

    const attempts: [Session, string, string, number][] = [
      [tutorSession, session.id, expired.id, session.version],
      [admin, session.id, colleagues.id, session.version],
      [tutorSession, session.id, deactivated.id, session.version],
      [admin, colleagueSessionAtSchool0.id, otherSchool.id, colleagueSessionAtSchool0.version],
      [tutorSession, session.id, '9b0c6d1e-1f6a-4a8e-9d7e-2f1c3b4a5d6e', session.version],
    ];
    for (const [actor, sessionId, workOrderId, version] of attempts) {
      const response = await assign(actor, sessionId, { version, workOrderId });
      expect({ workOrderId, status: response.status, named: fieldsOf(response.body) }).toEqual({ workOrderId, status: 400, named: ['workOrderId'] });
    }
    expect(await workOrderOf(session.id)).toMatchObject({ work_order_id: null, version: session.version });
    expect(await workOrderOf(colleagueSessionAtSchool0.id)).toMatchObject({ work_order_id: null });

    const badInput = await assign(tutorSession, session.id, { version: session.version, workOrderId: 'nope' }).expect(400);
    expect(fieldsOf(badInput.body)).toEqual(['workOrderId']);
  });

  it('requires a description before a Career Ladder work order is assigned', async () => {
    const careerLadder = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: district.schools[0].id });
    const session = await endedSession(tutorSession, 1);
    const undescribed = await assign(tutorSession, session.id, { version: session.version, workOrderId: careerLadder.id }).expect(400);
    expect(fieldsOf(undescribed.body)).toEqual(['description']);
    expect(await workOrderOf(session.id)).toMatchObject({ work_order_id: null, version: session.version });

    const described = await as(platform.gateway, tutorSession)
      .patch(`/api/sessions/${session.id}`)
      .send({ version: session.version, description: 'Reading intervention' })
      .expect(200);
    const assigned = await assign(tutorSession, session.id, { version: described.body.version, workOrderId: careerLadder.id }).expect(200);
    expect(assigned.body.workOrder).toMatchObject({ id: careerLadder.id, type: 'career_ladder' });
  });

  it('lets the school’s admin assign a work order to a provider’s session, but not another provider or another school’s admin (404)', async () => {
    const session = await endedSession(tutorSession, 3);
    const byColleague = await assign(colleagueSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(404);
    expect(byColleague.body.code).toMatch(/NOT_FOUND/);
    await assign(otherSchoolAdminSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(404);
    const otherDistrict = await createDistrict(platform.gateway, 1);
    await assign(await signIn(platform.gateway, otherDistrict.admin.email), session.id, { version: session.version, workOrderId: tutoring.id }).expect(404);
    expect(await workOrderOf(session.id)).toMatchObject({ work_order_id: null, version: session.version });

    const byAdmin = await assign(schoolAdminSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(200);
    expect(byAdmin.body.workOrder).toMatchObject({ id: tutoring.id });
    expect(await workOrderOf(session.id)).toMatchObject({ work_order_id: tutoring.id });
    const history = await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}/history`).expect(200);
    expect(history.body.items).toContainEqual(expect.objectContaining({ action: 'work-order-assigned', detail: expect.objectContaining({ to: tutoring.id }) }));
  });

  it('applies a new workOrderAssignmentDays setting', async () => {
    const session = await endedSession(tutorSession, 10);
    await assign(tutorSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(400);

    const current = await as(platform.gateway, admin).get('/api/district').expect(200);
    const widened = await as(platform.gateway, admin)
      .patch('/api/district')
      .send({ version: current.body.version, settings: { workOrderAssignmentDays: 12 } })
      .expect(200);
    await replicated(platform.sessionLog, district.id, widened.body.version);
    const assigned = await assign(tutorSession, session.id, { version: session.version, workOrderId: tutoring.id }).expect(200);
    expect(assigned.body.workOrder).toMatchObject({ id: tutoring.id });
  });
});
