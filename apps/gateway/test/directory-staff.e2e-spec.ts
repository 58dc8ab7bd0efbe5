import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

const NEW_PASSWORD = 'a brand new passphrase';

describe('Staff directory (/api/staff)', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let otherDistrict: TestDistrict;
  let admin: Session;
  let counter = 0;

  beforeAll(async () => {
    app = await startGateway();
    [district, otherDistrict] = await Promise.all([createDistrict(app, 2), createDistrict(app, 1)]);
    admin = await signIn(app, district.admin.email);
  });

  afterAll(() => stopApps(app));

  const schoolA = () => district.schools[0].id;
  const schoolB = () => district.schools[1].id;
  const email = (d: TestDistrict = district) => `staff-${++counter}@${d.domain}`;
  const provider = (overrides: Record<string, unknown> = {}) => ({
    email: email(),
    firstName: 'Terry',
    lastName: 'Tutor',
    roles: ['provider'],
    providerKind: 'tutor',
    schoolIds: [schoolA()],
    ...overrides,
  });

  it('creates a provider with approvals and an initial password, reads it back, and the provider can sign in', async () => {
    const body = provider({ email: `  Mixed.Case-${++counter}@${district.domain.toUpperCase()} `, schoolIds: [schoolB(), schoolA()], password: NEW_PASSWORD });
    const created = await as(app, admin).post('/api/staff').send(body).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: body.email.trim().toLowerCase(),
      firstName: 'Terry',
      lastName: 'Tutor',
      roles: ['provider'],
      providerKind: 'tutor',
      schoolIds: [schoolA(), schoolB()].sort(),
      active: true,
      hasPassword: true,
      sourcedId: null,
      version: 1,
    });
    expect(created.body).not.toHaveProperty('password');
    expect(created.body).not.toHaveProperty('passwordHash');

    const read = await as(app, admin).get(`/api/staff/${created.body.id}`).expect(200);
    expect(read.body).toEqual(created.body);

    const session = await signIn(app, created.body.email, NEW_PASSWORD);
    const me = await as(app, session).get('/api/me').expect(200);
    expect(me.body).toMatchObject({ userId: created.body.id, roles: ['provider'], providerKind: 'tutor' });
    expect([...me.body.schoolIds].sort()).toEqual([schoolA(), schoolB()].sort());
  });

  it('creates payroll and district admins without schools, and a user without a password who cannot sign in yet', async () => {
    const payroll = await as(app, admin).post('/api/staff').send({ email: email(), firstName: 'Pat', lastName: 'Payroll', roles: ['payroll'] }).expect(201);
    expect(payroll.body).toMatchObject({ roles: ['payroll'], providerKind: null, schoolIds: [], hasPassword: false });
    await request(app.getHttpServer()).post('/api/auth/login').send({ email: payroll.body.email, password: 'anything-at-all' }).expect(401);
  });

  it('updates names, roles and provider kind with the version read; a stale version is refused with 409', async () => {
    const created = await as(app, admin).post('/api/staff').send(provider()).expect(201);
    const updated = await as(app, admin)
      .patch(`/api/staff/${created.body.id}`)
      .send({ version: 1, firstName: 'Teri', roles: ['provider', 'school_admin'], providerKind: 'coach' })
      .expect(200);
    expect(updated.body).toMatchObject({ firstName: 'Teri', lastName: 'Tutor', roles: ['provider', 'school_admin'], providerKind: 'coach', version: 2 });
    expect((await as(app, admin).get(`/api/staff/${created.body.id}`).expect(200)).body).toEqual(updated.body);

    const stale = await as(app, admin).patch(`/api/staff/${created.body.id}`).send({ version: 1, lastName: 'Lost' }).expect(409);
    expect(stale.body).toMatchObject({ code: 'STAFF.STALE', details: { currentVersion: 2 }, correlationId: expect.any(String) });
    expect((await as(app, admin).get(`/api/staff/${created.body.id}`).expect(200)).body.lastName).toBe('Tutor');

    const payroll = await as(app, admin).patch(`/api/staff/${created.body.id}`).send({ version: 2, roles: ['payroll'] }).expect(200);
    expect(payroll.body).toMatchObject({ roles: ['payroll'], providerKind: null, version: 3 });
  });

  it('replaces approvals with PUT /approvals', async () => {
    const created = await as(app, admin).post('/api/staff').send(provider()).expect(201);
    const moved = await as(app, admin).put(`/api/staff/${created.body.id}/approvals`).send({ schoolIds: [schoolB()] }).expect(200);
    expect(moved.body.schoolIds).toEqual([schoolB()]);
    expect((await as(app, admin).get(`/api/staff/${created.body.id}`).expect(200)).body.schoolIds).toEqual([schoolB()]);

    const empty = await as(app, admin).put(`/api/staff/${created.body.id}/approvals`).send({ schoolIds: [] }).expect(400);
    expect(empty.body.fields).toEqual([{ field: 'schoolIds', problems: [expect.stringContaining('at least one school')] }]);
    const foreign = await as(app, admin).put(`/api/staff/${created.body.id}/approvals`).send({ schoolIds: [otherDistrict.schools[0].id] }).expect(400);
    expect(foreign.body.fields.map((f: { field: string }) => f.field)).toEqual(['schoolIds']);
  });

  it('refuses an e-mail that already signs in anywhere in the installation with 409 naming email', async () => {
    for (const taken of [district.admin.email, otherDistrict.admin.email.toUpperCase()]) {
      const response = await as(app, admin).post('/api/staff').send(provider({ email: taken })).expect(409);
      expect(response.body).toMatchObject({ code: 'STAFF.EMAIL_TAKEN', fields: [{ field: 'email', problems: [expect.any(String)] }] });
    }
  });

  it('lets only one of two simultaneous creations of an address win; the other hears 409 naming email', async () => {
    const body = provider({ password: NEW_PASSWORD });
    const responses = await Promise.all([as(app, admin).post('/api/staff').send(body), as(app, admin).post('/api/staff').send(body)]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(responses.find((r) => r.status === 409)!.body).toMatchObject({ code: 'STAFF.EMAIL_TAKEN', fields: [{ field: 'email' }] });
  });

  it('requires providerKind exactly for providers and a school approval for providers and school admins', async () => {
    const noKind = await as(app, admin).post('/api/staff').send(provider({ providerKind: undefined })).expect(400);
    expect(noKind.body.fields).toEqual([{ field: 'providerKind', problems: [expect.stringContaining('required')] }]);
    const kindForPayroll = await as(app, admin).post('/api/staff').send(provider({ roles: ['payroll'], schoolIds: [] })).expect(400);
    expect(kindForPayroll.body.fields).toEqual([{ field: 'providerKind', problems: [expect.stringContaining('only for providers')] }]);
    const noSchools = await as(app, admin).post('/api/staff').send(provider({ roles: ['school_admin'], providerKind: undefined, schoolIds: [] })).expect(400);
    expect(noSchools.body.fields).toEqual([{ field: 'schoolIds', problems: [expect.stringContaining('at least one school')] }]);
    const foreignSchool = await as(app, admin).post('/api/staff').send(provider({ schoolIds: [otherDistrict.schools[0].id] })).expect(400);
    expect(foreignSchool.body.fields).toEqual([{ field: 'schoolIds', problems: [expect.stringContaining(otherDistrict.schools[0].id)] }]);
  });

  it('refuses bad input with 400 naming every field, unknown fields included', async () => {
    const response = await as(app, admin)
      .post('/api/staff')
      .send({ email: 'not-an-address', firstName: '  ', lastName: 'X', roles: ['guardian'], providerKind: 'wizard', schoolIds: ['nope'], password: 'short', salary: 1 })
      .expect(400);
    expect(response.body.code).toBe('REQUEST.INVALID');
    expect(response.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['email', 'firstName', 'password', 'providerKind', 'roles', 'salary', 'schoolIds'].sort(),
    );
    const patch = await as(app, admin).patch(`/api/staff/${district.admin.id}`).send({ firstName: null }).expect(400);
    expect(patch.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['firstName', 'version']);
    await as(app, admin).get('/api/staff/not-a-uuid').expect(400);
  });

  it('lists staff with filters role, schoolId, active and q, paginated in name order', async () => {
    const fresh = await createDistrict(app, 2);
    const freshAdmin = await signIn(app, fresh.admin.email);
    const create = (firstName: string, lastName: string, roles: string[], schoolIds: string[]) =>
      as(app, freshAdmin)
        .post('/api/staff')
        .send({ email: email(fresh), firstName, lastName, roles, providerKind: roles.includes('provider') ? 'aide' : undefined, schoolIds })
        .expect(201)
        .then((r) => r.body);
    const [s1, s2] = fresh.schools.map((s) => s.id);
    const maya = await create('Maya', 'Garcia', ['provider'], [s1]);
    const owen = await create('Owen', 'Baker', ['provider'], [s1, s2]);
    const zoe = await create('Zoe', 'Martinez', ['school_admin'], [s2]);
    const pat = await create('Pat', 'Payne', ['payroll'], []);
    await as(app, freshAdmin).post(`/api/staff/${owen.id}/deactivate`).expect(200);

    const names = (body: { items: { lastName: string }[] }) => body.items.map((item) => item.lastName);
    const all = await as(app, freshAdmin).get('/api/staff').expect(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 5 });
    expect(names(all.body)).toEqual(['Admin', 'Baker', 'Garcia', 'Martinez', 'Payne']);

    expect(names((await as(app, freshAdmin).get('/api/staff?role=provider').expect(200)).body)).toEqual(['Baker', 'Garcia']);
    expect(names((await as(app, freshAdmin).get(`/api/staff?schoolId=${s2}`).expect(200)).body)).toEqual(['Baker', 'Martinez']);
    expect(names((await as(app, freshAdmin).get('/api/staff?active=false').expect(200)).body)).toEqual(['Baker']);
    expect(names((await as(app, freshAdmin).get('/api/staff?active=true&role=provider').expect(200)).body)).toEqual(['Garcia']);
    expect(names((await as(app, freshAdmin).get('/api/staff?q=ma').expect(200)).body)).toEqual(['Garcia', 'Martinez']);
    expect(names((await as(app, freshAdmin).get('/api/staff?q=pa%20pay').expect(200)).body)).toEqual(['Payne']);
    expect(names((await as(app, freshAdmin).get('/api/staff?q=%25').expect(200)).body)).toEqual([]);

    const page2 = await as(app, freshAdmin).get('/api/staff?page=2&pageSize=2').expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(page2.body.items.map((item: { id: string }) => item.id)).toEqual([maya.id, zoe.id]);
    expect(pat.id).toBeDefined();

    const bad = await as(app, freshAdmin).get('/api/staff?pageSize=500&role=guardian&schoolId=x&active=maybe').expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['active', 'pageSize', 'role', 'schoolId']);
  });

  it('deactivating a staff member ends their access token at once and revokes their refresh tokens; reactivating lets them sign in again', async () => {
    const user = await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'tutor' });
    const [session, otherDevice] = [await signIn(app, user.email), await signIn(app, user.email)];
    await as(app, session).get('/api/me').expect(200);

    const deactivated = await as(app, admin).post(`/api/staff/${user.id}/deactivate`).expect(200);
    expect(deactivated.body).toMatchObject({ id: user.id, active: false, version: 2 });
    const refused = await as(app, session).get('/api/me').expect(401);
    expect(refused.body.code).toBe('AUTH.USER_INACTIVE');
    await request(app.getHttpServer()).post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);

    const reactivated = await as(app, admin).post(`/api/staff/${user.id}/reactivate`).expect(200);
    expect(reactivated.body).toMatchObject({ active: true, version: 3 });
    // Never presented while disabled: refused only because deactivation revoked it.
    await request(app.getHttpServer()).post('/api/auth/refresh').send({ refreshToken: otherDevice.refreshToken }).expect(401);
    await as(app, await signIn(app, user.email)).get('/api/me').expect(200);
  });

  it('lets nobody deactivate themself or drop their own district admin role', async () => {
    const refused = await as(app, admin).post(`/api/staff/${district.admin.id}/deactivate`).expect(403);
    expect(refused.body.code).toBe('STAFF.SELF_DEACTIVATION');
    const demotion = await as(app, admin).patch(`/api/staff/${district.admin.id}`).send({ version: 1, roles: ['payroll'] }).expect(403);
    expect(demotion.body.code).toBe('STAFF.SELF_DEMOTION');
    await as(app, admin).get('/api/me').expect(200);
  });

  describe('a school admin', () => {
    let schoolAdmin: Session;
    let schoolAdminId: string;

    beforeAll(async () => {
      const user = await district.user(['school_admin'], { schoolIds: [schoolA()] });
      schoolAdminId = user.id;
      schoolAdmin = await signIn(app, user.email);
    });

    it('lists and reads only staff approved at their schools; others answer 404', async () => {
      const ours = await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'coach' });
      const theirs = await district.user(['provider'], { schoolIds: [schoolB()], providerKind: 'coach' });
      await as(app, schoolAdmin).get(`/api/staff/${ours.id}`).expect(200);
      const hidden = await as(app, schoolAdmin).get(`/api/staff/${theirs.id}`).expect(404);
      expect(hidden.body.code).toBe('STAFF.NOT_FOUND');
      await as(app, schoolAdmin).get(`/api/staff/${district.admin.id}`).expect(404);

      const listed = await as(app, schoolAdmin).get('/api/staff?pageSize=200').expect(200);
      const ids = listed.body.items.map((item: { id: string }) => item.id);
      expect(ids).toEqual(expect.arrayContaining([ours.id, schoolAdminId]));
      expect(ids).not.toContain(theirs.id);
      expect(ids).not.toContain(district.admin.id);
      await as(app, schoolAdmin).post(`/api/staff/${theirs.id}/deactivate`).expect(404);
    });

    it('creates and changes providers of their schools, but not admins, payroll, or staff approved elsewhere', async () => {
      const created = await as(app, schoolAdmin).post('/api/staff').send(provider()).expect(201);
      await as(app, schoolAdmin).patch(`/api/staff/${created.body.id}`).send({ version: 1, lastName: 'Renamed' }).expect(200);
      await as(app, schoolAdmin).post(`/api/staff/${created.body.id}/deactivate`).expect(200);

      const admin403 = await as(app, schoolAdmin).post('/api/staff').send(provider({ roles: ['district_admin'], providerKind: undefined })).expect(403);
      expect(admin403.body.code).toBe('STAFF.ROLE_NOT_GRANTABLE');
      await as(app, schoolAdmin).post('/api/staff').send(provider({ roles: ['payroll'], providerKind: undefined, schoolIds: [] })).expect(403);
      const otherSchool = await as(app, schoolAdmin).post('/api/staff').send(provider({ schoolIds: [schoolA(), schoolB()] })).expect(400);
      expect(otherSchool.body.fields).toEqual([{ field: 'schoolIds', problems: [expect.stringContaining(schoolB())] }]);
      await as(app, schoolAdmin).patch(`/api/staff/${created.body.id}`).send({ version: 3, roles: ['school_admin'] }).expect(403);
      await as(app, schoolAdmin).put(`/api/staff/${created.body.id}/approvals`).send({ schoolIds: [schoolB()] }).expect(400);

      const shared = await district.user(['provider'], { schoolIds: [schoolA(), schoolB()], providerKind: 'aide' });
      await as(app, schoolAdmin).get(`/api/staff/${shared.id}`).expect(200);
      const notManageable = await as(app, schoolAdmin).post(`/api/staff/${shared.id}/deactivate`).expect(403);
      expect(notManageable.body.code).toBe('STAFF.NOT_MANAGEABLE');
      const peer = await district.user(['school_admin'], { schoolIds: [schoolA()] });
      await as(app, schoolAdmin).patch(`/api/staff/${peer.id}`).send({ version: 1, firstName: 'X' }).expect(403);
    });
  });

  it('answers 404 with no data for staff of another district, on every route', async () => {
    const foreign = await otherDistrict.user(['provider'], { schoolIds: [otherDistrict.schools[0].id], providerKind: 'tutor', name: 'Foreignname' });
    const responses = await Promise.all([
      as(app, admin).get(`/api/staff/${foreign.id}`),
      as(app, admin).patch(`/api/staff/${foreign.id}`).send({ version: 1, firstName: 'Hijacked' }),
      as(app, admin).put(`/api/staff/${foreign.id}/approvals`).send({ schoolIds: [schoolA()] }),
      as(app, admin).post(`/api/staff/${foreign.id}/deactivate`),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(Object.keys(response.body).sort()).toEqual(['code', 'correlationId', 'message']);
      expect(JSON.stringify(response.body)).not.toMatch(/Foreignname|@/);
    }
    const listed = await as(app, admin).get('/api/staff?q=Foreignname').expect(200);
    expect(listed.body).toMatchObject({ items: [], total: 0 });
    await as(app, await signIn(app, foreign.email)).get('/api/me').expect(200);
  });

  it('refuses other roles with 403', async () => {
    const tutor = await signIn(app, (await district.user(['provider'], { schoolIds: [schoolA()], providerKind: 'tutor' })).email);
    const payroll = await signIn(app, (await district.user(['payroll'])).email);
    expect((await as(app, tutor).get('/api/staff').expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    await as(app, payroll).post('/api/staff').send(provider()).expect(403);
    await as(app, payroll).get(`/api/staff/${district.admin.id}`).expect(403);
  });

  describe('finding a colleague by name (GET /api/staff/search)', () => {
    it('gives a coach active staff of the district by the first letters of a name, id and name only', async () => {
      const coach = await signIn(app, (await district.user(['provider'], { providerKind: 'coach', schoolIds: [schoolA()] })).email);
      const teacher = (await as(app, admin).post('/api/staff').send(provider({ firstName: 'Quinnella', lastName: 'Østergaard' })).expect(201)).body;
      const gone = (await as(app, admin).post('/api/staff').send(provider({ firstName: 'Quinnella', lastName: 'Departed' })).expect(201)).body;
      await as(app, admin).post(`/api/staff/${gone.id}/deactivate`).expect(200);
      await as(app, (await signIn(app, otherDistrict.admin.email))).post('/api/staff').send({ ...provider({ firstName: 'Quinnella', lastName: 'Elsewhere' }), email: email(otherDistrict), schoolIds: [otherDistrict.schools[0].id] }).expect(201);

      const found = await as(app, coach).get('/api/staff/search').query({ q: 'quinn oster' }).expect(200);
      expect(found.body).toEqual({ items: [{ id: teacher.id, firstName: 'Quinnella', lastName: 'Østergaard' }], page: 1, pageSize: 50, total: 1 });

      const everyQuinnella = await as(app, coach).get('/api/staff/search').query({ q: 'QUINNELLA' }).expect(200);
      expect(everyQuinnella.body.items.map((item: { lastName: string }) => item.lastName)).toEqual(['Østergaard']);
      const byAdmin = await as(app, admin).get('/api/staff/search').query({ q: 'quinnella' }).expect(200);
      expect(byAdmin.body.total).toBe(1);
    });

    it('refuses a provider who coaches no one, families, and a search without letters', async () => {
      const tutor = await signIn(app, (await district.user(['provider'], { providerKind: 'tutor', schoolIds: [schoolA()] })).email);
      const refused = await as(app, tutor).get('/api/staff/search').query({ q: 'ter' }).expect(403);
      expect(refused.body.code).toBe('STAFF.SEARCH_FOR_COACHES');
      const guardian = await signIn(app, (await district.user(['guardian'])).email);
      await as(app, guardian).get('/api/staff/search').query({ q: 'ter' }).expect(403);
      const coach = await signIn(app, (await district.user(['provider'], { providerKind: 'coach', schoolIds: [schoolA()] })).email);
      const missing = await as(app, coach).get('/api/staff/search').expect(400);
      expect(JSON.stringify(missing.body)).toContain('q');
      await as(app, coach).get('/api/staff/search').query({ q: '   ' }).expect(400);
    });
  });
});
