import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { TenantTransactions } from '@sessionledger/persistence';
import { as, Session, signIn, TestDistrict } from './support/gateway-harness';
import { addGroup, addStudent } from './support/session-fixtures';
import { minutesAgo, SessionPlatform, startSession, startSessionPlatform } from './support/session-harness';

interface CreatedClient {
  id: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  createdAt: string;
}

const canary = (label: string) => `${label}-${randomBytes(8).toString('hex')}`;

describe('API clients (OAuth 2.0 client credentials)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let otherDistrict: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let tutor: Session;
  let ownSession: { id: string; participants: { id: string; version: number }[]; version: number };
  let foreignSession: { id: string };
  let client: CreatedClient;

  const STUDENT_CANARY = canary('student-note');
  const CLIENT_CANARY = canary('client-note');
  const ADMIN_CANARY = canary('admin-note');

  const server = () => platform.gateway.getHttpServer();
  const token = () => request(server()).post('/api/oauth/token');
  const bearer = (accessToken: string) => as(platform.gateway, { accessToken, refreshToken: '' });

  async function createClient(by: Session, body: Record<string, unknown>): Promise<CreatedClient> {
    const response = await as(platform.gateway, by).post('/api/api-clients').send(body);
    if (response.status !== 201) throw new Error(`create answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function tokenFor(created: CreatedClient, scope?: string): Promise<string> {
    const response = await token()
      .auth(created.clientId, created.clientSecret)
      .type('form')
      .send(`grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`);
    if (response.status !== 200) throw new Error(`token answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.access_token;
  }

  function storedRow(districtId: string, id: string): Promise<Record<string, unknown> | undefined> {
    return platform.gateway
      .get(TenantTransactions)
      .run(districtId, async (em) => ((await em.execute(`select * from gateway.api_client where id = ?`, [id])) as Record<string, unknown>[])[0]);
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    const { gateway } = platform;
    district = await platform.district(1);
    otherDistrict = await platform.district(1);
    [admin, otherAdmin] = await Promise.all([signIn(gateway, district.admin.email), signIn(gateway, otherDistrict.admin.email)]);
    const school = district.schools[0].id;
    const tutorUser = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
    tutor = await signIn(gateway, tutorUser.email);
    const student = await addStudent(gateway, admin, school);
    const group = await addGroup(gateway, admin, school, tutorUser.id, [student.id]);
    ownSession = await startSession(gateway, tutor, { service: 'tutoring', groupId: group.id, startedAt: minutesAgo(30) });
    const [participant] = ownSession.participants;
    const noted = await as(gateway, tutor)
      .patch(`/api/sessions/${ownSession.id}/participants/${participant.id}`)
      .send({ version: participant.version, present: true, studentNote: `Well done. ${STUDENT_CANARY}.`, clientNote: CLIENT_CANARY, adminNote: ADMIN_CANARY });
    expect(noted.status).toBe(200);

    const otherSchool = otherDistrict.schools[0].id;
    const otherTutor = await otherDistrict.user(['provider'], { schoolIds: [otherSchool], providerKind: 'tutor' });
    const otherStudent = await addStudent(gateway, otherAdmin, otherSchool);
    const otherGroup = await addGroup(gateway, otherAdmin, otherSchool, otherTutor.id, [otherStudent.id]);
    foreignSession = await startSession(gateway, await signIn(gateway, otherTutor.email), { service: 'tutoring', groupId: otherGroup.id, startedAt: minutesAgo(30) });

    client = await createClient(admin, { name: 'Student information system', scopes: ['sessions:read', 'directory:read'] });
  });

  afterAll(() => platform.stop());

  it('shows the secret once and stores only its SHA-256', async () => {
    expect(client).toMatchObject({ clientId: expect.stringMatching(/^slc_[A-Za-z0-9_-]{22}$/), scopes: ['sessions:read', 'directory:read'], revokedAt: null });
    expect(client.clientSecret).toMatch(/^sls_[A-Za-z0-9_-]{43}$/);
    expect(new Date(client.createdAt).toISOString()).toBe(client.createdAt);

    const row = await storedRow(district.id, client.id);
    expect(row?.secret_hash).toBe(createHash('sha256').update(client.clientSecret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(client.clientSecret.slice(4));

    const list = await as(platform.gateway, admin).get('/api/api-clients');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: client.id, clientId: client.clientId, name: 'Student information system' })]));
    expect(JSON.stringify(list.body)).not.toContain(client.clientSecret.slice(4));
    expect(list.body.items[0]).not.toHaveProperty('clientSecret');

    const later = await as(platform.gateway, admin).get(`/api/api-clients?updatedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(later.body).toMatchObject({ items: [], total: 0 });
    const since = await as(platform.gateway, admin).get(`/api/api-clients?updatedSince=${encodeURIComponent(client.createdAt)}`);
    expect(since.body.items.map((item: { id: string }) => item.id)).toContain(client.id);
  });

  it('lets only district admins manage clients, and names bad fields', async () => {
    const byTutor = await as(platform.gateway, tutor).post('/api/api-clients').send({ name: 'Mine', scopes: ['read'] });
    expect(byTutor.status).toBe(403);
    expect((await as(platform.gateway, tutor).get('/api/api-clients')).status).toBe(403);

    const bad = await as(platform.gateway, admin).post('/api/api-clients').send({ name: ' ', scopes: ['sessions:write'] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['name', 'scopes']);
    const none = await as(platform.gateway, admin).post('/api/api-clients').send({ name: 'Nothing', scopes: [] });
    expect(none.status).toBe(400);
    expect(none.body.fields[0].field).toBe('scopes');
  });

  it('issues a short-lived bearer token by HTTP Basic, by form body and by JSON body', async () => {
    const basic = await token().auth(client.clientId, client.clientSecret).type('form').send('grant_type=client_credentials');
    expect(basic.status).toBe(200);
    expect(basic.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'sessions:read directory:read' });
    expect(basic.headers['cache-control']).toBe('no-store');
    expect(basic.body).not.toHaveProperty('refresh_token');

    const form = await token().type('form').send(`grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}&scope=sessions%3Aread`);
    expect(form.status).toBe(200);
    expect(form.body.scope).toBe('sessions:read');

    const json = await token().send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
    expect(json.status).toBe(200);
    expect(json.body.token_type).toBe('Bearer');
  });

  it('answers token errors in the OAuth shape', async () => {
    const wrongSecret = await token().auth(client.clientId, `sls_${randomBytes(32).toString('base64url')}`).type('form').send('grant_type=client_credentials');
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(wrongSecret.headers['www-authenticate']).toMatch(/^Basic realm=/);

    const unknownClient = await token().type('form').send(`grant_type=client_credentials&client_id=slc_${'A'.repeat(22)}&client_secret=whatever`);
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.body.error).toBe('invalid_client');

    const noCredentials = await token().type('form').send('grant_type=client_credentials');
    expect(noCredentials.status).toBe(401);
    expect(noCredentials.body.error).toBe('invalid_client');

    const password = await token().auth(client.clientId, client.clientSecret).type('form').send('grant_type=password&username=a&password=b');
    expect(password.status).toBe(400);
    expect(password.body.error).toBe('unsupported_grant_type');

    const missingGrant = await token().auth(client.clientId, client.clientSecret).type('form').send('scope=read');
    expect(missingGrant.status).toBe(400);
    expect(missingGrant.body.error).toBe('invalid_request');

    const unknownScope = await token().auth(client.clientId, client.clientSecret).type('form').send('grant_type=client_credentials&scope=sessions%3Awrite');
    expect(unknownScope.status).toBe(400);
    expect(unknownScope.body.error).toBe('invalid_scope');

    const notHeld = await token().auth(client.clientId, client.clientSecret).type('form').send('grant_type=client_credentials&scope=read');
    expect(notHeld.status).toBe(400);
    expect(notHeld.body.error).toBe('invalid_scope');

    const twoWays = await token()
      .auth(client.clientId, client.clientSecret)
      .type('form')
      .send(`grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`);
    expect(twoWays.status).toBe(400);
    expect(twoWays.body.error).toBe('invalid_request');

    const repeated = await token().auth(client.clientId, client.clientSecret).type('form').send('grant_type=client_credentials&grant_type=client_credentials');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
  });

  it('still refuses forms on every other route', async () => {
    const login = await request(server()).post('/api/auth/login').type('form').send(`email=${encodeURIComponent(district.admin.email)}&password=x`);
    expect(login.status).toBe(415);
    expect(login.body.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('reads the sessions of its own district only, without notes', async () => {
    const accessToken = await tokenFor(client);
    const list = await bearer(accessToken).get('/api/sessions');
    expect(list.status).toBe(200);
    const ids = list.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(ownSession.id);
    expect(ids).not.toContain(foreignSession.id);

    const one = await bearer(accessToken).get(`/api/sessions/${ownSession.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ownSession.id, participants: [expect.objectContaining({ present: true })] });
    for (const text of [STUDENT_CANARY, CLIENT_CANARY, ADMIN_CANARY]) {
      expect(JSON.stringify(one.body)).not.toContain(text);
      expect(JSON.stringify(list.body)).not.toContain(text);
    }
    // The district admin, a person, still reads every note: the cut is the machine's alone.
    const byAdmin = await as(platform.gateway, admin).get(`/api/sessions/${ownSession.id}`);
    expect(byAdmin.body.participants[0]).toMatchObject({ adminNote: ADMIN_CANARY, clientNote: CLIENT_CANARY });

    const foreign = await bearer(accessToken).get(`/api/sessions/${foreignSession.id}`);
    expect(foreign.status).toBe(404);
  });

  it('refuses write routes and routes outside its scopes with 403 AUTH.SCOPE_MISSING', async () => {
    const accessToken = await tokenFor(client);
    const write = await bearer(accessToken).patch(`/api/sessions/${ownSession.id}`).send({ version: 1, needsAttention: true });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('AUTH.SCOPE_MISSING');
    const start = await bearer(accessToken).post('/api/sessions').send({});
    expect(start.status).toBe(403);
    expect(start.body.code).toBe('AUTH.SCOPE_MISSING');
    const adminRoute = await bearer(accessToken).get('/api/api-clients');
    expect(adminRoute.status).toBe(403);
    expect(adminRoute.body.code).toBe('AUTH.SCOPE_MISSING');

    // directory:read opens the student list; a token narrowed to sessions:read does not.
    expect((await bearer(accessToken).get('/api/students')).status).toBe(200);
    const narrowed = await tokenFor(client, 'sessions:read');
    const students = await bearer(narrowed).get('/api/students');
    expect(students.status).toBe(403);
    expect(students.body.code).toBe('AUTH.SCOPE_MISSING');
    expect((await bearer(narrowed).get('/api/sessions')).status).toBe(200);
  });

  it('grants every read scope with `read`', async () => {
    const reader = await createClient(admin, { name: 'Warehouse', scopes: ['read'] });
    const accessToken = await tokenFor(reader, 'sessions:read directory:read');
    expect((await bearer(accessToken).get('/api/students')).status).toBe(200);
    expect((await bearer(accessToken).get(`/api/sessions/${ownSession.id}`)).status).toBe(200);
    await as(platform.gateway, admin).delete(`/api/api-clients/${reader.id}`);
  });

  it('stops a revoked client’s tokens at the next request, and its secret', async () => {
    const doomed = await createClient(admin, { name: 'Short-lived', scopes: ['sessions:read'] });
    const accessToken = await tokenFor(doomed);
    expect((await bearer(accessToken).get('/api/sessions')).status).toBe(200);

    expect((await as(platform.gateway, admin).delete(`/api/api-clients/${doomed.id}`)).status).toBe(204);
    const after = await bearer(accessToken).get('/api/sessions');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('AUTH.CLIENT_REVOKED');
    const again = await token().auth(doomed.clientId, doomed.clientSecret).type('form').send('grant_type=client_credentials');
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
    expect((await storedRow(district.id, doomed.id))?.revoked_at).not.toBeNull();
    // Revoking again changes nothing and says so the same way.
    expect((await as(platform.gateway, admin).delete(`/api/api-clients/${doomed.id}`)).status).toBe(204);
  });

  it('replaces the secret on rotation: the old one fails, the new one works', async () => {
    const rotating = await createClient(admin, { name: 'Rotating', scopes: ['sessions:read'] });
    const rotated = await as(platform.gateway, admin).post(`/api/api-clients/${rotating.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).not.toBe(rotating.clientSecret);
    const old = await token().auth(rotating.clientId, rotating.clientSecret).type('form').send('grant_type=client_credentials');
    expect(old.status).toBe(401);
    expect((await tokenFor({ ...rotating, clientSecret: rotated.body.clientSecret })).length).toBeGreaterThan(20);
  });

  it('caps a district at 25 active clients (422) and counts revoked ones out', async () => {
    const listed = await as(platform.gateway, admin).get('/api/api-clients?pageSize=200');
    const active = listed.body.items.filter((item: { revokedAt: string | null }) => item.revokedAt === null).length;
    const extra: CreatedClient[] = [];
    for (let i = active; i < 25; i++) extra.push(await createClient(admin, { name: `Filler ${i}`, scopes: ['sessions:read'] }));
    const over = await as(platform.gateway, admin).post('/api/api-clients').send({ name: 'One too many', scopes: ['sessions:read'] });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('API_CLIENT.LIMIT_REACHED');
    expect((await as(platform.gateway, admin).delete(`/api/api-clients/${extra[0].id}`)).status).toBe(204);
    await createClient(admin, { name: 'Fits again', scopes: ['sessions:read'] });
  });

  it('hides a client from another district’s admin (404)', async () => {
    const revoke = await as(platform.gateway, otherAdmin).delete(`/api/api-clients/${client.id}`);
    expect(revoke.status).toBe(404);
    expect(revoke.body.code).toBe('API_CLIENT.NOT_FOUND');
    expect((await as(platform.gateway, otherAdmin).post(`/api/api-clients/${client.id}/rotate-secret`)).status).toBe(404);
    const theirs = await as(platform.gateway, otherAdmin).get('/api/api-clients');
    expect(theirs.body.items.map((item: { id: string }) => item.id)).not.toContain(client.id);
    expect((await storedRow(district.id, client.id))?.revoked_at).toBeNull();
  });
});
