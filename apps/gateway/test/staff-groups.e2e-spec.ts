import { randomUUID } from 'node:crypto';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

describe('Staff (teacher) groups: /api/staff-groups, snapshotted onto coaching participants', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let schoolAdmin: Session;
  let coach: Session;
  let teacher: TestUser;

  beforeAll(async () => {
    platform = await startSessionPlatform();
    [district, other] = await Promise.all([platform.district(2), platform.district(1)]);
    const school = district.schools[0].id;
    teacher = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Terry' });
    const coachUser = await district.user(['provider'], { schoolIds: [school], providerKind: 'coach' });
    const schoolAdminUser = await district.user(['school_admin'], { schoolIds: [school] });
    [admin, otherAdmin, schoolAdmin, coach] = await Promise.all(
      [district.admin, other.admin, schoolAdminUser, coachUser].map((user) => signIn(platform.gateway, user.email)),
    );
  });

  afterAll(() => platform.stop());

  /** Marks the one participant present, logs the coaching, ends and posts the session. */
  async function post(id: string) {
    const g = as(platform.gateway, coach);
    let body = (await g.get(`/api/sessions/${id}`).expect(200)).body;
    body = (await g.patch(`/api/sessions/${id}/participants/${body.participants[0].id}`).send({ version: body.version, present: true }).expect(200)).body;
    body = (await g.put(`/api/sessions/${id}/coaching-log`).send({ version: body.version, values: { category: 'Observation' } }).expect(200)).body;
    await g.post(`/api/sessions/${id}/end`).send({ version: body.version, endedAt: minutesAgo(1) }).expect(200);
    await g.post(`/api/sessions/${id}/post`).send({ password: TEST_PASSWORD }).expect(200);
  }

  it('creates a group, sets its members (409 on a stale version), and lists it to admins who administer it', async () => {
    const created = await as(platform.gateway, admin).post('/api/staff-groups').send({ name: 'Grade 3 team', schoolId: district.schools[0].id }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Grade 3 team', schoolId: district.schools[0].id, active: true, version: 1, userIds: [] });
    const id = created.body.id;

    const set = await as(platform.gateway, schoolAdmin).put(`/api/staff-groups/${id}/members`).send({ version: 1, userIds: [teacher.id] }).expect(200);
    expect(set.body).toMatchObject({ id, version: 2, userIds: [teacher.id] });
    const stale = await as(platform.gateway, admin).put(`/api/staff-groups/${id}/members`).send({ version: 1, userIds: [] }).expect(409);
    expect(stale.body.code).toBe('STAFF_GROUP.STALE');

    expect((await as(platform.gateway, admin).get(`/api/staff-groups/${id}`).expect(200)).body).toMatchObject({ name: 'Grade 3 team', version: 2, userIds: [teacher.id] });
    const wide = await as(platform.gateway, admin).post('/api/staff-groups').send({ name: 'Science' }).expect(201);
    await as(platform.gateway, admin).put(`/api/staff-groups/${wide.body.id}/members`).send({ version: 1, userIds: [teacher.id] }).expect(200);
    // A school admin sees their school's groups, not district-wide ones.
    expect((await as(platform.gateway, schoolAdmin).get('/api/staff-groups').expect(200)).body.items.map((g: { id: string }) => g.id)).toEqual([id]);
    expect((await as(platform.gateway, schoolAdmin).get(`/api/staff-groups/${wide.body.id}`).expect(404)).body.code).toBe('STAFF_GROUP.NOT_FOUND');
    expect((await as(platform.gateway, admin).get('/api/staff-groups').expect(200)).body.items.map((g: { name: string }) => g.name)).toEqual(['Grade 3 team', 'Science']);
  });

  it('snapshots the teacher’s active groups onto a coaching session’s participant and its posted snapshot', async () => {
    const started = await startSession(platform.gateway, coach, { service: 'coaching', startedAt: minutesAgo(30) });
    await as(platform.gateway, coach).post(`/api/sessions/${started.id}/participants`).send({ staffId: teacher.id }).expect(201);
    const [row] = await sessionLogRows<{ teacher_groups: { id: string; name: string }[] }>(
      platform.sessionLog,
      district.id,
      'select teacher_groups from session_log.participant where session_id = ?',
      [started.id],
    );
    expect(row.teacher_groups.map((g) => g.name)).toEqual(['Grade 3 team', 'Science']);

    // The signed snapshot (what state reporting receives) carries them on the participant.
    await post(started.id);
    const [version] = await sessionLogRows<{ snapshot: { participants: { teacherGroups?: { name: string }[] }[] } }>(
      platform.sessionLog,
      district.id,
      'select snapshot from session_log.session_version where session_id = ?',
      [started.id],
    );
    expect(version.snapshot.participants[0].teacherGroups?.map((g) => g.name)).toEqual(['Grade 3 team', 'Science']);
  });

  it('refuses providers with 403 and another district’s groups with 404', async () => {
    const group = (await as(platform.gateway, admin).post('/api/staff-groups').send({ name: 'Math' }).expect(201)).body;
    await as(platform.gateway, coach).post('/api/staff-groups').send({ name: 'Mine' }).expect(403);
    await as(platform.gateway, coach).get('/api/staff-groups').expect(403);
    await as(platform.gateway, coach).put(`/api/staff-groups/${group.id}/members`).send({ version: 1, userIds: [] }).expect(403);
    await as(platform.gateway, otherAdmin).get(`/api/staff-groups/${group.id}`).expect(404);
    await as(platform.gateway, otherAdmin).put(`/api/staff-groups/${group.id}/members`).send({ version: 1, userIds: [] }).expect(404);
    expect((await as(platform.gateway, otherAdmin).get('/api/staff-groups').expect(200)).body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
  });

  it('refuses bad input with 400 naming the field', async () => {
    const group = (await as(platform.gateway, admin).post('/api/staff-groups').send({ name: 'Art', schoolId: district.schools[0].id }).expect(201)).body;
    expect(fieldsOf((await as(platform.gateway, admin).post('/api/staff-groups').send({ name: '  ' }).expect(400)).body)).toEqual(['name']);
    expect(fieldsOf((await as(platform.gateway, admin).post('/api/staff-groups').send({ name: 'X', schoolId: 'nope' }).expect(400)).body)).toEqual(['schoolId']);
    expect(fieldsOf((await as(platform.gateway, admin).post('/api/staff-groups').send({ name: 'X', schoolId: other.schools[0].id }).expect(400)).body)).toEqual(['schoolId']);
    // A school admin cannot make a district-wide group, nor one of a school they do not administer.
    expect(fieldsOf((await as(platform.gateway, schoolAdmin).post('/api/staff-groups').send({ name: 'X' }).expect(400)).body)).toEqual(['schoolId']);
    expect(fieldsOf((await as(platform.gateway, schoolAdmin).post('/api/staff-groups').send({ name: 'X', schoolId: district.schools[1].id }).expect(400)).body)).toEqual(['schoolId']);
    const members = (body: object) => as(platform.gateway, admin).put(`/api/staff-groups/${group.id}/members`).send(body).expect(400);
    expect(fieldsOf((await members({ version: 1, userIds: ['nope'] })).body)).toEqual(['userIds']);
    expect(fieldsOf((await members({ version: 1, userIds: [randomUUID()] })).body)).toEqual(['userIds']);
    expect(fieldsOf((await members({ userIds: [] })).body)).toEqual(['version']);
    expect((await as(platform.gateway, admin).get(`/api/staff-groups/${group.id}`).expect(200)).body).toMatchObject({ version: 1, userIds: [] });
  });
});
