import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict, TestUser } from './support/gateway-harness';

interface Student {
  id: string;
  localId: string;
  firstName: string;
  lastName: string;
  grade: string;
  version: number;
}

describe('Groups directory (/api/groups)', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let otherDistrict: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let tutorA: TestUser;
  let tutorA2: TestUser;
  let tutorB: TestUser;
  let a1: Student;
  let a2: Student;
  let a3: Student;
  let b1: Student;

  const schoolA = () => district.schools[0].id;
  const schoolB = () => district.schools[1].id;

  const newStudent = (session: Session, schoolId: string, firstName: string, lastName: string): Promise<Student> =>
    as(app, session)
      .post('/api/students')
      .send({ localId: `L${randomBytes(4).toString('hex')}`, firstName, lastName, grade: '5', schoolId })
      .expect(201)
      .then((r) => r.body);

  beforeAll(async () => {
    app = await startGateway();
    [district, otherDistrict] = await Promise.all([createDistrict(app, 2), createDistrict(app, 1)]);
    [admin, otherAdmin] = await Promise.all([signIn(app, district.admin.email), signIn(app, otherDistrict.admin.email)]);
    tutorA = await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'tutor' });
    tutorA2 = await district.user(['provider'], { schoolIds: [schoolA(), schoolB()], providerKind: 'tutor' });
    tutorB = await district.user(['provider'], { schoolIds: [schoolB()], providerKind: 'tutor' });
    [a1, a2, a3, b1] = await Promise.all([
      newStudent(admin, schoolA(), 'Ava', 'Nguyen'),
      newStudent(admin, schoolA(), 'Noah', 'Garcia'),
      newStudent(admin, schoolA(), 'Mia', 'Okafor'),
      newStudent(admin, schoolB(), 'Liam', 'Smith'),
    ]);
  });

  afterAll(() => stopApps(app));

  const group = (overrides: Record<string, unknown> = {}) => ({ name: 'Reading, grade 5', schoolId: schoolA(), providerId: tutorA.id, studentIds: [a1.id, a2.id], ...overrides });
  const member = (s: Student) => ({ studentId: s.id, localId: s.localId, firstName: s.firstName, lastName: s.lastName, grade: s.grade, active: true });

  it('creates, reads, updates, re-members, deactivates and reactivates a group, answering with the row and its members', async () => {
    const created = await as(app, admin).post('/api/groups').send(group()).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Reading, grade 5',
      schoolId: schoolA(),
      providerId: tutorA.id,
      active: true,
      memberCount: 2,
      members: [member(a2), member(a1)],
      sourcedId: null,
      version: 1,
    });
    expect((await as(app, admin).get(`/api/groups/${created.body.id}`).expect(200)).body).toEqual(created.body);

    const updated = await as(app, admin).patch(`/api/groups/${created.body.id}`).send({ version: 1, name: 'Reading club', providerId: tutorA2.id }).expect(200);
    expect(updated.body).toEqual({ ...created.body, name: 'Reading club', providerId: tutorA2.id, version: 2 });

    const members = await as(app, admin).put(`/api/groups/${created.body.id}/members`).send({ studentIds: [a3.id, a1.id] }).expect(200);
    expect(members.body).toMatchObject({ memberCount: 2, members: [member(a1), member(a3)] });
    expect((await as(app, admin).get(`/api/groups/${created.body.id}`).expect(200)).body.members).toEqual([member(a1), member(a3)]);

    expect((await as(app, admin).post(`/api/groups/${created.body.id}/deactivate`).expect(200)).body).toMatchObject({ active: false, version: 3 });
    expect((await as(app, admin).post(`/api/groups/${created.body.id}/reactivate`).expect(200)).body).toMatchObject({ active: true, version: 4 });
  });

  it('refuses a stale version with 409', async () => {
    const created = await as(app, admin).post('/api/groups').send(group()).expect(201);
    await as(app, admin).patch(`/api/groups/${created.body.id}`).send({ version: 1, name: 'First' }).expect(200);
    const stale = await as(app, admin).patch(`/api/groups/${created.body.id}`).send({ version: 1, name: 'Second' }).expect(409);
    expect(stale.body).toMatchObject({ code: 'GROUP.STALE', details: { currentVersion: 2 } });
    expect((await as(app, admin).get(`/api/groups/${created.body.id}`).expect(200)).body.name).toBe('First');
  });

  it('requires an active provider approved at the school and students of that school, naming the field', async () => {
    const payroll = await district.user(['payroll']);
    const leaving = await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'coach' });
    await as(app, admin).post(`/api/staff/${leaving.id}/deactivate`).expect(200);

    const elsewhere = await as(app, admin).post('/api/groups').send(group({ providerId: tutorB.id })).expect(400);
    expect(elsewhere.body.fields).toEqual([{ field: 'providerId', problems: ['must be a provider approved at the school'] }]);
    for (const providerId of [payroll.id, leaving.id]) {
      const response = await as(app, admin).post('/api/groups').send(group({ providerId })).expect(400);
      expect(response.body.fields).toEqual([{ field: 'providerId', problems: ['must be an active provider of the district'] }]);
    }
    const wrongSchool = await as(app, admin).post('/api/groups').send(group({ studentIds: [a1.id, b1.id] })).expect(400);
    expect(wrongSchool.body.fields).toEqual([{ field: 'studentIds', problems: [`${b1.id} is not a student of the school`] }]);
    const foreignSchool = await as(app, admin).post('/api/groups').send(group({ schoolId: otherDistrict.schools[0].id })).expect(400);
    expect(foreignSchool.body.fields).toEqual([{ field: 'schoolId', problems: [expect.any(String)] }]);

    const created = await as(app, admin).post('/api/groups').send(group()).expect(201);
    const patch = await as(app, admin).patch(`/api/groups/${created.body.id}`).send({ version: 1, providerId: tutorB.id }).expect(400);
    expect(patch.body.fields).toEqual([{ field: 'providerId', problems: [expect.any(String)] }]);
    const members = await as(app, admin).put(`/api/groups/${created.body.id}/members`).send({ studentIds: [b1.id] }).expect(400);
    expect(members.body.fields).toEqual([{ field: 'studentIds', problems: [expect.any(String)] }]);
  });

  it('refuses bad input with 400 naming every field, unknown fields included', async () => {
    const response = await as(app, admin).post('/api/groups').send({ name: '', schoolId: 'x', studentIds: ['y'], room: '12' }).expect(400);
    expect(response.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['name', 'providerId', 'room', 'schoolId', 'studentIds']);
    const created = await as(app, admin).post('/api/groups').send(group()).expect(201);
    const patch = await as(app, admin).patch(`/api/groups/${created.body.id}`).send({ version: 1, schoolId: schoolB() }).expect(400);
    expect(patch.body.fields).toEqual([{ field: 'schoolId', problems: [expect.stringContaining('should not exist')] }]);
  });

  it('lists with filters schoolId, providerId, active and q, paginated in name order', async () => {
    const fresh = await createDistrict(app, 2);
    const freshAdmin = await signIn(app, fresh.admin.email);
    const [s1, s2] = fresh.schools.map((s) => s.id);
    const t1 = await fresh.user(['provider'], { schoolIds: [s1, s2], providerKind: 'tutor' });
    const t2 = await fresh.user(['provider'], { schoolIds: [s2], providerKind: 'tutor' });
    const pupils = await Promise.all([newStudent(freshAdmin, s2, 'Ana', 'One'), newStudent(freshAdmin, s2, 'Bo', 'Two')]);
    const create = (name: string, schoolId: string, providerId: string, studentIds: string[] = []) =>
      as(app, freshAdmin).post('/api/groups').send({ name, schoolId, providerId, studentIds }).expect(201).then((r) => r.body);
    const algebra = await create('Algebra', s1, t1.id);
    await create('Biology', s2, t1.id, pupils.map((p) => p.id));
    await create('Art', s2, t2.id);
    await create('Chess club', s2, t2.id);
    await as(app, freshAdmin).post(`/api/groups/${algebra.id}/deactivate`).expect(200);

    const groupNames = (body: { items: { name: string }[] }) => body.items.map((item) => item.name);
    const all = await as(app, freshAdmin).get('/api/groups').expect(200);
    expect(all.body).toMatchObject({ total: 4, page: 1, pageSize: 50 });
    expect(groupNames(all.body)).toEqual(['Algebra', 'Art', 'Biology', 'Chess club']);
    expect(all.body.items[0]).toEqual({ ...algebra, active: false, version: 2, members: undefined });
    expect(all.body.items.map((g: { memberCount: number }) => g.memberCount)).toEqual([0, 0, 2, 0]);
    expect(groupNames((await as(app, freshAdmin).get(`/api/groups?schoolId=${s2}`).expect(200)).body)).toEqual(['Art', 'Biology', 'Chess club']);
    expect(groupNames((await as(app, freshAdmin).get(`/api/groups?providerId=${t1.id}`).expect(200)).body)).toEqual(['Algebra', 'Biology']);
    expect(groupNames((await as(app, freshAdmin).get('/api/groups?active=false').expect(200)).body)).toEqual(['Algebra']);
    expect(groupNames((await as(app, freshAdmin).get('/api/groups?q=a').expect(200)).body)).toEqual(['Algebra', 'Art']);
    expect(groupNames((await as(app, freshAdmin).get('/api/groups?q=chess%20c').expect(200)).body)).toEqual(['Chess club']);
    const page = await as(app, freshAdmin).get('/api/groups?page=2&pageSize=3').expect(200);
    expect(page.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(groupNames(page.body)).toEqual(['Chess club']);
    await as(app, freshAdmin).get('/api/groups?providerId=me').expect(400);
  });

  describe('a provider', () => {
    it('lists and reads only the groups they lead; others answer 404', async () => {
      const own = (await as(app, admin).post('/api/groups').send(group({ name: 'Own group' })).expect(201)).body;
      const notOwn = (await as(app, admin).post('/api/groups').send(group({ name: 'Not own', providerId: tutorA2.id })).expect(201)).body;
      const session = await signIn(app, tutorA.email);

      const read = await as(app, session).get(`/api/groups/${own.id}`).expect(200);
      expect(read.body).toEqual(own);
      const hidden = await as(app, session).get(`/api/groups/${notOwn.id}`).expect(404);
      expect(hidden.body.code).toBe('GROUP.NOT_FOUND');
      const listed = await as(app, session).get('/api/groups?pageSize=200').expect(200);
      expect(listed.body.total).toBeGreaterThan(0);
      expect(listed.body.items.every((g: { providerId: string }) => g.providerId === tutorA.id)).toBe(true);
      expect(listed.body.items.map((g: { id: string }) => g.id)).toContain(own.id);
      expect((await as(app, session).get(`/api/groups?providerId=${tutorA2.id}`).expect(200)).body.total).toBe(0);
    });

    it('cannot change groups (403), and other roles cannot read them (403)', async () => {
      const own = (await as(app, admin).post('/api/groups').send(group()).expect(201)).body;
      const session = await signIn(app, tutorA.email);
      expect((await as(app, session).post('/api/groups').send(group()).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      await as(app, session).patch(`/api/groups/${own.id}`).send({ version: 1, name: 'Mine now' }).expect(403);
      await as(app, session).put(`/api/groups/${own.id}/members`).send({ studentIds: [] }).expect(403);
      const payroll = await signIn(app, (await district.user(['payroll'])).email);
      await as(app, payroll).get('/api/groups').expect(403);
      await as(app, payroll).get(`/api/groups/${own.id}`).expect(403);
    });
  });

  describe('a school admin', () => {
    it('reads and changes only the groups of their schools; others answer 404', async () => {
      const session = await signIn(app, (await district.user(['school_admin'], { schoolIds: [schoolB()] })).email);
      const ours = await as(app, session).post('/api/groups').send(group({ schoolId: schoolB(), providerId: tutorB.id, studentIds: [b1.id] })).expect(201);
      await as(app, session).patch(`/api/groups/${ours.body.id}`).send({ version: 1, name: 'Ours' }).expect(200);
      const theirs = (await as(app, admin).post('/api/groups').send(group()).expect(201)).body;
      expect((await as(app, session).get(`/api/groups/${theirs.id}`).expect(404)).body.code).toBe('GROUP.NOT_FOUND');
      await as(app, session).put(`/api/groups/${theirs.id}/members`).send({ studentIds: [] }).expect(404);
      await as(app, session).post(`/api/groups/${theirs.id}/deactivate`).expect(404);
      const listed = await as(app, session).get('/api/groups?pageSize=200').expect(200);
      expect(listed.body.items.map((g: { schoolId: string }) => g.schoolId)).toEqual(listed.body.items.map(() => schoolB()));
      const create = await as(app, session).post('/api/groups').send(group()).expect(400);
      expect(create.body.fields).toEqual([{ field: 'schoolId', problems: [expect.stringContaining('you administer')] }]);
    });
  });

  it('answers 404 with no data for a group of another district', async () => {
    const foreignTutor = await otherDistrict.user(['provider'], { schoolIds: [otherDistrict.schools[0].id], providerKind: 'tutor' });
    const foreign = (
      await as(app, otherAdmin)
        .post('/api/groups')
        .send({ name: 'Foreignname', schoolId: otherDistrict.schools[0].id, providerId: foreignTutor.id })
        .expect(201)
    ).body;
    const responses = await Promise.all([
      as(app, admin).get(`/api/groups/${foreign.id}`),
      as(app, admin).patch(`/api/groups/${foreign.id}`).send({ version: 1, name: 'Hijacked' }),
      as(app, admin).put(`/api/groups/${foreign.id}/members`).send({ studentIds: [a1.id] }),
      as(app, admin).post(`/api/groups/${foreign.id}/deactivate`),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(Object.keys(response.body).sort()).toEqual(['code', 'correlationId', 'message']);
      expect(JSON.stringify(response.body)).not.toContain('Foreignname');
    }
    expect((await as(app, admin).get('/api/groups?q=Foreignname').expect(200)).body.total).toBe(0);
    expect((await as(app, otherAdmin).get(`/api/groups/${foreign.id}`).expect(200)).body).toMatchObject({ name: 'Foreignname', active: true, version: 1 });
  });

  it('keeps a provider approved where they lead active groups, and revives a group only with a provider who can lead it', async () => {
    const coach = await district.user(['provider'], { schoolIds: [schoolA(), schoolB()], providerKind: 'coach' });
    const led = (await as(app, admin).post('/api/groups').send(group({ providerId: coach.id })).expect(201)).body;
    const refused = await as(app, admin).put(`/api/staff/${coach.id}/approvals`).send({ schoolIds: [schoolB()] }).expect(409);
    expect(refused.body).toMatchObject({ code: 'STAFF.LEADS_GROUPS', details: { groupIds: [led.id] } });
    await as(app, admin).patch(`/api/staff/${coach.id}`).send({ version: 1, roles: ['payroll'], providerKind: null }).expect(409);

    await as(app, admin).post(`/api/groups/${led.id}/deactivate`).expect(200);
    await as(app, admin).put(`/api/staff/${coach.id}/approvals`).send({ schoolIds: [schoolB()] }).expect(200);
    const revived = await as(app, admin).post(`/api/groups/${led.id}/reactivate`).expect(409);
    expect(revived.body.code).toBe('GROUP.PROVIDER_UNAVAILABLE');
  });

  it('drops a student who moves to another school from the groups of the old one', async () => {
    const mover = await newStudent(admin, schoolA(), 'Moe', 'Mover');
    const created = (await as(app, admin).post('/api/groups').send(group({ studentIds: [a1.id, mover.id] })).expect(201)).body;
    await as(app, admin).patch(`/api/students/${mover.id}`).send({ version: mover.version, schoolId: schoolB() }).expect(200);
    const after = await as(app, admin).get(`/api/groups/${created.id}`).expect(200);
    expect(after.body).toMatchObject({ memberCount: 1, members: [member(a1)] });
  });
});
