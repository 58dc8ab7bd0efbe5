import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

interface Student {
  id: string;
}

describe('Guardians directory (/api/guardians)', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let otherDistrict: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let schoolAdmin: Session;
  let atA: Student;
  let atA2: Student;
  let atB: Student;
  let foreignStudent: Student;

  const newStudent = (session: Session, schoolId: string, lastName = 'Garcia'): Promise<Student> =>
    as(app, session)
      .post('/api/students')
      .send({ localId: `L${randomBytes(4).toString('hex')}`, firstName: 'Kid', lastName, grade: '4', schoolId })
      .expect(201)
      .then((r) => r.body);

  beforeAll(async () => {
    app = await startGateway();
    [district, otherDistrict] = await Promise.all([createDistrict(app, 2), createDistrict(app, 1)]);
    [admin, otherAdmin] = await Promise.all([signIn(app, district.admin.email), signIn(app, otherDistrict.admin.email)]);
    schoolAdmin = await signIn(app, (await district.user(['school_admin'], { schoolIds: [district.schools[0].id] })).email);
    [atA, atA2, atB, foreignStudent] = await Promise.all([
      newStudent(admin, district.schools[0].id),
      newStudent(admin, district.schools[0].id),
      newStudent(admin, district.schools[1].id),
      newStudent(otherAdmin, otherDistrict.schools[0].id),
    ]);
  });

  afterAll(() => stopApps(app));

  const guardian = (overrides: Record<string, unknown> = {}) => ({
    firstName: 'Rosa',
    lastName: 'Garcia',
    email: 'Rosa.Garcia@Example.org',
    phone: '+1 (512) 555-0100',
    studentIds: [atA.id],
    relationship: 'mother',
    ...overrides,
  });

  it('creates, reads, updates, relinks, deactivates and reactivates a guardian, answering with the row each time', async () => {
    const created = await as(app, admin).post('/api/guardians').send(guardian({ studentIds: [atA.id, atB.id] })).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      firstName: 'Rosa',
      lastName: 'Garcia',
      email: 'rosa.garcia@example.org',
      phone: '+1 (512) 555-0100',
      active: true,
      students: [
        { studentId: atA.id, relationship: 'mother' },
        { studentId: atB.id, relationship: 'mother' },
      ].sort((a, b) => a.studentId.localeCompare(b.studentId)),
      sourcedId: null,
      version: 1,
    });
    expect((await as(app, admin).get(`/api/guardians/${created.body.id}`).expect(200)).body).toEqual(created.body);

    const updated = await as(app, admin).patch(`/api/guardians/${created.body.id}`).send({ version: 1, phone: null, firstName: 'Rosalia' }).expect(200);
    expect(updated.body).toEqual({ ...created.body, firstName: 'Rosalia', phone: null, version: 2 });

    const relinked = await as(app, admin).put(`/api/guardians/${created.body.id}/students`).send({ studentIds: [atA2.id, atA.id], relationship: 'grandmother' }).expect(200);
    expect(relinked.body.students).toEqual(
      [
        { studentId: atA.id, relationship: 'grandmother' },
        { studentId: atA2.id, relationship: 'grandmother' },
      ].sort((a, b) => a.studentId.localeCompare(b.studentId)),
    );
    expect((await as(app, admin).get(`/api/guardians/${created.body.id}`).expect(200)).body.students).toEqual(relinked.body.students);
    const ofA2 = await as(app, admin).get(`/api/students/${atA2.id}/guardians`).expect(200);
    expect(ofA2.body).toEqual({
      items: [expect.objectContaining({ id: created.body.id, firstName: 'Rosalia', relationship: 'grandmother', active: true })],
      page: 1,
      pageSize: 50,
      total: 1,
    });
    expect((await as(app, admin).get(`/api/students/${atB.id}/guardians`).expect(200)).body.items.map((g: { id: string }) => g.id)).not.toContain(created.body.id);

    expect((await as(app, admin).post(`/api/guardians/${created.body.id}/deactivate`).expect(200)).body).toMatchObject({ active: false, version: 3 });
    expect((await as(app, admin).get(`/api/students/${atA2.id}/guardians`).expect(200)).body.items[0].active).toBe(false);
    expect((await as(app, admin).post(`/api/guardians/${created.body.id}/reactivate`).expect(200)).body).toMatchObject({ active: true, version: 4 });
  });

  it('refuses a stale version with 409', async () => {
    const created = await as(app, admin).post('/api/guardians').send(guardian()).expect(201);
    await as(app, admin).patch(`/api/guardians/${created.body.id}`).send({ version: 1, lastName: 'Lopez' }).expect(200);
    const stale = await as(app, admin).patch(`/api/guardians/${created.body.id}`).send({ version: 1, lastName: 'Perez' }).expect(409);
    expect(stale.body).toMatchObject({ code: 'GUARDIAN.STALE', details: { currentVersion: 2 } });
  });

  it('refuses bad input with 400 naming every field, unknown fields included', async () => {
    const response = await as(app, admin)
      .post('/api/guardians')
      .send({ firstName: 'Rosa', lastName: '', email: 'nope', phone: 'call me', studentIds: [], custody: 'full' })
      .expect(400);
    expect(response.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['custody', 'email', 'lastName', 'phone', 'studentIds']);
    const foreign = await as(app, admin).post('/api/guardians').send(guardian({ studentIds: [atA.id, foreignStudent.id] })).expect(400);
    expect(foreign.body.fields).toEqual([{ field: 'studentIds', problems: [`${foreignStudent.id} is not a student you administer`] }]);
  });

  it('lists with filters studentId, active and q, paginated in name order', async () => {
    const [s1, s2] = await Promise.all([newStudent(admin, district.schools[1].id), newStudent(admin, district.schools[1].id)]);
    const create = (firstName: string, lastName: string, studentIds: string[]) =>
      as(app, admin).post('/api/guardians').send({ firstName, lastName, studentIds }).expect(201).then((r) => r.body);
    const ana = await create('Ana', 'Quinn', [s1.id]);
    await create('Ben', 'Quist', [s1.id, s2.id]);
    await create('Cy', 'Quade', [s2.id]);
    await as(app, admin).post(`/api/guardians/${ana.id}/deactivate`).expect(200);

    const lastNames = (body: { items: { lastName: string }[] }) => body.items.map((item) => item.lastName);
    const byQ = await as(app, admin).get('/api/guardians?q=qu').expect(200);
    expect(byQ.body).toMatchObject({ total: 3, page: 1 });
    expect(lastNames(byQ.body)).toEqual(['Quade', 'Quinn', 'Quist']);
    expect(lastNames((await as(app, admin).get(`/api/guardians?studentId=${s1.id}`).expect(200)).body)).toEqual(['Quinn', 'Quist']);
    expect(lastNames((await as(app, admin).get(`/api/guardians?studentId=${s1.id}&active=true`).expect(200)).body)).toEqual(['Quist']);
    expect(lastNames((await as(app, admin).get('/api/guardians?q=qu&active=false').expect(200)).body)).toEqual(['Quinn']);
    expect(lastNames((await as(app, admin).get('/api/guardians?q=ben%20qu').expect(200)).body)).toEqual(['Quist']);
    const page = await as(app, admin).get('/api/guardians?q=qu&page=2&pageSize=2').expect(200);
    expect(page.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(lastNames(page.body)).toEqual(['Quist']);
    const listed = (await as(app, admin).get(`/api/guardians?studentId=${s2.id}`).expect(200)).body.items;
    expect(listed.find((g: { lastName: string }) => g.lastName === 'Quist').students.map((l: { studentId: string }) => l.studentId).sort()).toEqual(
      [s1.id, s2.id].sort(),
    );
    await as(app, admin).get('/api/guardians?studentId=nope').expect(400);
  });

  describe('a school admin', () => {
    it('sees guardians only through the students of their schools, and only those links', async () => {
      const shared = (await as(app, admin).post('/api/guardians').send(guardian({ lastName: 'Shared', studentIds: [atA.id, atB.id] })).expect(201)).body;
      const elsewhere = (await as(app, admin).post('/api/guardians').send(guardian({ lastName: 'Elsewhere', studentIds: [atB.id] })).expect(201)).body;

      const seen = await as(app, schoolAdmin).get(`/api/guardians/${shared.id}`).expect(200);
      expect(seen.body.students).toEqual([{ studentId: atA.id, relationship: 'mother' }]);
      const hidden = await as(app, schoolAdmin).get(`/api/guardians/${elsewhere.id}`).expect(404);
      expect(hidden.body.code).toBe('GUARDIAN.NOT_FOUND');
      await as(app, schoolAdmin).patch(`/api/guardians/${elsewhere.id}`).send({ version: 1, firstName: 'X' }).expect(404);
      await as(app, schoolAdmin).get(`/api/students/${atB.id}/guardians`).expect(404);

      const listed = await as(app, schoolAdmin).get('/api/guardians?pageSize=200').expect(200);
      const ids = listed.body.items.map((g: { id: string }) => g.id);
      expect(ids).toContain(shared.id);
      expect(ids).not.toContain(elsewhere.id);
      expect((await as(app, schoolAdmin).get(`/api/guardians?studentId=${atB.id}`).expect(200)).body.total).toBe(0);
    });

    it('links only their own students, and relinking leaves the links to other schools’ students alone', async () => {
      const refused = await as(app, schoolAdmin).post('/api/guardians').send(guardian({ studentIds: [atB.id] })).expect(400);
      expect(refused.body.fields).toEqual([{ field: 'studentIds', problems: [`${atB.id} is not a student you administer`] }]);

      const shared = (await as(app, admin).post('/api/guardians').send(guardian({ studentIds: [atA.id, atB.id] })).expect(201)).body;
      const relinked = await as(app, schoolAdmin).put(`/api/guardians/${shared.id}/students`).send({ studentIds: [atA2.id] }).expect(200);
      expect(relinked.body.students).toEqual([{ studentId: atA2.id, relationship: null }]);
      const whole = await as(app, admin).get(`/api/guardians/${shared.id}`).expect(200);
      expect(whole.body.students.map((l: { studentId: string }) => l.studentId).sort()).toEqual([atA2.id, atB.id].sort());
      await as(app, schoolAdmin).put(`/api/guardians/${shared.id}/students`).send({ studentIds: [atA2.id, atB.id] }).expect(400);
    });
  });

  it('answers 404 with no data for a guardian of another district, and refuses to link its students', async () => {
    const foreign = (
      await as(app, otherAdmin)
        .post('/api/guardians')
        .send(guardian({ lastName: 'Foreignname', studentIds: [foreignStudent.id] }))
        .expect(201)
    ).body;
    const responses = await Promise.all([
      as(app, admin).get(`/api/guardians/${foreign.id}`),
      as(app, admin).patch(`/api/guardians/${foreign.id}`).send({ version: 1, firstName: 'Hijacked' }),
      as(app, admin).put(`/api/guardians/${foreign.id}/students`).send({ studentIds: [atA.id] }),
      as(app, admin).post(`/api/guardians/${foreign.id}/deactivate`),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(Object.keys(response.body).sort()).toEqual(['code', 'correlationId', 'message']);
      expect(JSON.stringify(response.body)).not.toContain('Foreignname');
    }
    expect((await as(app, admin).get('/api/guardians?q=Foreignname').expect(200)).body.total).toBe(0);
    expect((await as(app, otherAdmin).get(`/api/guardians/${foreign.id}`).expect(200)).body).toMatchObject({ firstName: 'Rosa', version: 1, active: true });
  });

  it('refuses other roles with 403', async () => {
    const tutor = await signIn(app, (await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' })).email);
    expect((await as(app, tutor).get('/api/guardians').expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    await as(app, tutor).post('/api/guardians').send(guardian()).expect(403);
    await as(app, tutor).get(`/api/students/${atA.id}/guardians`).expect(403);
  });
});
