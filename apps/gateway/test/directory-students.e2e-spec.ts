import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

interface Named {
  lastName: string;
}

interface StudentBody {
  localId: string;
  stateId?: string;
  [field: string]: unknown;
}

describe('Students directory (/api/students)', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let otherDistrict: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let homeboundTeacherId: string;

  beforeAll(async () => {
    app = await startGateway();
    [district, otherDistrict] = await Promise.all([createDistrict(app, 2), createDistrict(app, 1)]);
    [admin, otherAdmin] = await Promise.all([signIn(app, district.admin.email), signIn(app, otherDistrict.admin.email)]);
    homeboundTeacherId = (await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' })).id;
  });

  afterAll(() => stopApps(app));

  const schoolA = () => district.schools[0].id;
  const schoolB = () => district.schools[1].id;
  const localId = () => `L${randomBytes(4).toString('hex')}`;
  const student = (overrides: Record<string, unknown> = {}): StudentBody => ({
    localId: localId(),
    firstName: 'Maya',
    lastName: 'Garcia',
    grade: '3',
    schoolId: schoolA(),
    ...overrides,
  });
  const names = (body: { items: Named[] }) => body.items.map((item) => item.lastName);

  it('creates, reads, updates, deactivates and reactivates a student, answering with the row each time', async () => {
    const body = student({ stateId: `S${randomBytes(4).toString('hex')}`, grade: 'kg', homeboundTeacherId, hasIep: true });
    const created = await as(app, admin).post('/api/students').send(body).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      localId: body.localId,
      stateId: body.stateId,
      firstName: 'Maya',
      lastName: 'Garcia',
      grade: 'K',
      schoolId: schoolA(),
      homeboundTeacherId,
      hasIep: true,
      active: true,
      sourcedId: null,
      version: 1,
    });
    expect((await as(app, admin).get(`/api/students/${created.body.id}`).expect(200)).body).toEqual(created.body);

    const updated = await as(app, admin)
      .patch(`/api/students/${created.body.id}`)
      .send({ version: 1, grade: '01', schoolId: schoolB(), homeboundTeacherId: null, stateId: null, lastName: 'García' })
      .expect(200);
    expect(updated.body).toEqual({ ...created.body, grade: '1', schoolId: schoolB(), homeboundTeacherId: null, stateId: null, lastName: 'García', version: 2 });
    expect((await as(app, admin).get(`/api/students/${created.body.id}`).expect(200)).body).toEqual(updated.body);

    const deactivated = await as(app, admin).post(`/api/students/${created.body.id}/deactivate`).expect(200);
    expect(deactivated.body).toMatchObject({ active: false, version: 3 });
    expect((await as(app, admin).get(`/api/students/${created.body.id}`).expect(200)).body.active).toBe(false);
    expect((await as(app, admin).post(`/api/students/${created.body.id}/reactivate`).expect(200)).body).toMatchObject({ active: true, version: 4 });
  });

  it('refuses a stale version with 409 and keeps the saved row', async () => {
    const created = await as(app, admin).post('/api/students').send(student()).expect(201);
    await as(app, admin).patch(`/api/students/${created.body.id}`).send({ version: 1, firstName: 'Mia' }).expect(200);
    const stale = await as(app, admin).patch(`/api/students/${created.body.id}`).send({ version: 1, firstName: 'Mya' }).expect(409);
    expect(stale.body).toMatchObject({ code: 'STUDENT.STALE', details: { currentVersion: 2 } });
    expect((await as(app, admin).get(`/api/students/${created.body.id}`).expect(200)).body.firstName).toBe('Mia');
  });

  it('keeps localId and stateId unique within the district (409 naming the field), not across districts', async () => {
    const first = student({ stateId: `S${randomBytes(4).toString('hex')}` });
    const created = await as(app, admin).post('/api/students').send(first).expect(201);
    const local = await as(app, admin).post('/api/students').send(student({ localId: first.localId })).expect(409);
    expect(local.body).toMatchObject({ code: 'STUDENT.LOCAL_ID_TAKEN', fields: [{ field: 'localId', problems: [expect.any(String)] }] });
    const state = await as(app, admin).post('/api/students').send(student({ stateId: first.stateId })).expect(409);
    expect(state.body).toMatchObject({ code: 'STUDENT.STATE_ID_TAKEN', fields: [{ field: 'stateId', problems: [expect.any(String)] }] });
    const other = await as(app, admin).post('/api/students').send(student()).expect(201);
    await as(app, admin).patch(`/api/students/${other.body.id}`).send({ version: 1, localId: first.localId }).expect(409);
    await as(app, admin).patch(`/api/students/${created.body.id}`).send({ version: 1, localId: first.localId, stateId: first.stateId }).expect(200);

    await as(app, otherAdmin).post('/api/students').send({ ...first, schoolId: otherDistrict.schools[0].id }).expect(201);
  });

  it('refuses a school or homebound teacher that is not an active one of the district, naming the field', async () => {
    const foreignSchool = await as(app, admin).post('/api/students').send(student({ schoolId: otherDistrict.schools[0].id })).expect(400);
    expect(foreignSchool.body.fields).toEqual([{ field: 'schoolId', problems: [expect.any(String)] }]);

    const payroll = await district.user(['payroll']);
    const foreignTutor = await otherDistrict.user(['provider'], { schoolIds: [otherDistrict.schools[0].id], providerKind: 'tutor' });
    for (const teacher of [payroll.id, foreignTutor.id]) {
      const response = await as(app, admin).post('/api/students').send(student({ homeboundTeacherId: teacher })).expect(400);
      expect(response.body.fields).toEqual([{ field: 'homeboundTeacherId', problems: ['must be an active provider of the district'] }]);
    }
    const leaving = await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'aide' });
    await as(app, admin).post(`/api/staff/${leaving.id}/deactivate`).expect(200);
    await as(app, admin).post('/api/students').send(student({ homeboundTeacherId: leaving.id })).expect(400);

    const both = await as(app, admin).post('/api/students').send(student({ schoolId: otherDistrict.schools[0].id, homeboundTeacherId: payroll.id })).expect(400);
    expect(both.body.fields.map((f: { field: string }) => f.field)).toEqual(['schoolId', 'homeboundTeacherId']);
  });

  it('refuses bad input with 400 naming every field, unknown fields included', async () => {
    const response = await as(app, admin)
      .post('/api/students')
      .send({ localId: 'has spaces', firstName: '', grade: '14', schoolId: 'school-1', hasIep: 'yes', birthday: '2015-01-01' })
      .expect(400);
    expect(response.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['birthday', 'firstName', 'grade', 'hasIep', 'lastName', 'localId', 'schoolId'].sort(),
    );
    const created = await as(app, admin).post('/api/students').send(student()).expect(201);
    const patch = await as(app, admin).patch(`/api/students/${created.body.id}`).send({ version: 1, grade: null, schoolId: null }).expect(400);
    expect(patch.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['grade', 'schoolId']);
  });

  it('lists with filters schoolId, grade, hasIep, active and q, paginated in name order', async () => {
    const fresh = await createDistrict(app, 2);
    const freshAdmin = await signIn(app, fresh.admin.email);
    const [s1, s2] = fresh.schools.map((s) => s.id);
    const create = (firstName: string, lastName: string, grade: string, schoolId: string, hasIep = false) =>
      as(app, freshAdmin).post('/api/students').send({ localId: localId(), firstName, lastName, grade, schoolId, hasIep }).expect(201).then((r) => r.body);
    const ava = await create('Ava', 'Nguyen', 'K', s1);
    await create('Noah', 'Garcia', '3', s1);
    await create('Mia', 'Okafor', '3', s2, true);
    await create('Liam', 'Smith', 'PK', s2);
    await create('Zoe', 'Garcia', '12', s2);
    await as(app, freshAdmin).post(`/api/students/${ava.id}/deactivate`).expect(200);

    const all = await as(app, freshAdmin).get('/api/students').expect(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 5 });
    expect(all.body.items.map((s: { firstName: string }) => s.firstName)).toEqual(['Noah', 'Zoe', 'Ava', 'Mia', 'Liam']);
    expect(names((await as(app, freshAdmin).get(`/api/students?schoolId=${s1}`).expect(200)).body)).toEqual(['Garcia', 'Nguyen']);
    expect(names((await as(app, freshAdmin).get('/api/students?grade=03').expect(200)).body)).toEqual(['Garcia', 'Okafor']);
    expect(names((await as(app, freshAdmin).get('/api/students?active=false').expect(200)).body)).toEqual(['Nguyen']);
    expect(names((await as(app, freshAdmin).get(`/api/students?active=true&schoolId=${s1}`).expect(200)).body)).toEqual(['Garcia']);
    expect(names((await as(app, freshAdmin).get('/api/students?q=ga').expect(200)).body)).toEqual(['Garcia', 'Garcia']);
    expect(names((await as(app, freshAdmin).get('/api/students?q=zo%20GA').expect(200)).body)).toEqual(['Garcia']);
    expect(names((await as(app, freshAdmin).get('/api/students?q=m').expect(200)).body)).toEqual(['Okafor']);
    expect(names((await as(app, freshAdmin).get('/api/students?hasIep=true').expect(200)).body)).toEqual(['Okafor']);

    const page = await as(app, freshAdmin).get('/api/students?page=2&pageSize=2').expect(200);
    expect(page.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(names(page.body)).toEqual(['Nguyen', 'Okafor']);
    const bad = await as(app, freshAdmin).get('/api/students?grade=99&page=0').expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['grade', 'page']);
  });

  describe('a school admin', () => {
    let schoolAdmin: Session;
    let ours: { id: string; version: number };
    let theirs: { id: string };

    beforeAll(async () => {
      schoolAdmin = await signIn(app, (await district.user(['school_admin'], { schoolIds: [schoolA()] })).email);
      ours = (await as(app, admin).post('/api/students').send(student({ lastName: 'Ourschool' })).expect(201)).body;
      theirs = (await as(app, admin).post('/api/students').send(student({ lastName: 'Theirschool', schoolId: schoolB() })).expect(201)).body;
    });

    it('lists and reads only the students of their schools; others answer 404', async () => {
      await as(app, schoolAdmin).get(`/api/students/${ours.id}`).expect(200);
      const hidden = await as(app, schoolAdmin).get(`/api/students/${theirs.id}`).expect(404);
      expect(hidden.body.code).toBe('STUDENT.NOT_FOUND');
      await as(app, schoolAdmin).patch(`/api/students/${theirs.id}`).send({ version: 1, firstName: 'X' }).expect(404);
      await as(app, schoolAdmin).post(`/api/students/${theirs.id}/deactivate`).expect(404);
      const listed = await as(app, schoolAdmin).get('/api/students?pageSize=200').expect(200);
      expect(listed.body.items.every((s: { schoolId: string }) => s.schoolId === schoolA())).toBe(true);
      expect(names(listed.body)).toContain('Ourschool');
      expect((await as(app, schoolAdmin).get(`/api/students?schoolId=${schoolB()}`).expect(200)).body.total).toBe(0);
    });

    it('creates at and moves to their own schools only', async () => {
      await as(app, schoolAdmin).post('/api/students').send(student()).expect(201);
      const create = await as(app, schoolAdmin).post('/api/students').send(student({ schoolId: schoolB() })).expect(400);
      expect(create.body.fields).toEqual([{ field: 'schoolId', problems: [expect.stringContaining('you administer')] }]);
      const move = await as(app, schoolAdmin).patch(`/api/students/${ours.id}`).send({ version: ours.version, schoolId: schoolB() }).expect(400);
      expect(move.body.fields).toEqual([{ field: 'schoolId', problems: [expect.any(String)] }]);
      expect((await as(app, admin).get(`/api/students/${ours.id}`).expect(200)).body.schoolId).toBe(schoolA());
    });
  });

  it('answers 404 with no data for a student of another district, on every route', async () => {
    const foreign = (await as(app, otherAdmin).post('/api/students').send(student({ lastName: 'Foreignname', schoolId: otherDistrict.schools[0].id })).expect(201))
      .body;
    const responses = await Promise.all([
      as(app, admin).get(`/api/students/${foreign.id}`),
      as(app, admin).patch(`/api/students/${foreign.id}`).send({ version: 1, firstName: 'Hijacked' }),
      as(app, admin).post(`/api/students/${foreign.id}/deactivate`),
      as(app, admin).get(`/api/students/${foreign.id}/guardians`),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(Object.keys(response.body).sort()).toEqual(['code', 'correlationId', 'message']);
      expect(JSON.stringify(response.body)).not.toContain('Foreignname');
    }
    expect((await as(app, admin).get('/api/students?q=Foreignname').expect(200)).body.total).toBe(0);
    const still = await as(app, otherAdmin).get(`/api/students/${foreign.id}`).expect(200);
    expect(still.body).toMatchObject({ firstName: 'Maya', active: true, version: 1 });
  });

  it('refuses other roles with 403', async () => {
    const tutor = await signIn(app, (await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'tutor' })).email);
    const payroll = await signIn(app, (await district.user(['payroll'])).email);
    // Providers search the directory by name (q required), they do not list it.
    expect((await as(app, tutor).get('/api/students').expect(400)).body.fields.map((f: { field: string }) => f.field)).toEqual(['q']);
    await as(app, tutor).get(`/api/students/${(await as(app, admin).post('/api/students').send(student()).expect(201)).body.id}`).expect(403);
    await as(app, tutor).post('/api/students').send(student()).expect(403);
    await as(app, payroll).get('/api/students').expect(403);
  });
});
