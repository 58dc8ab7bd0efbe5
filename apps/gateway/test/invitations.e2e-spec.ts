import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TenantTransactions } from '@sessionledger/persistence';
import { linkToken, MailServer, startMailServer } from '@sessionledger/testing';
import { AccountsService } from '../src/accounts/accounts.service';
import { Guardian, GuardianStudent } from '../src/directory/directory.entities';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict } from './support/gateway-harness';
import { addStudent, addWorkOrder } from './support/session-fixtures';
import { SessionPlatform, startSessionPlatform } from './support/session-harness';

const DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'sample_constructed_v1.2');
const NEW_PASSWORD = 'maple syrup on a tuesday';
const NOTE = 'Avery, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';

/*
 * Failed sign-ins count against the client address (50 per file's Redis
 * prefix): this file signs in wrongly only a few times.
 */
describe('Invitations and password reset by e-mail', () => {
  let mail: MailServer;
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  const server = () => platform.gateway.getHttpServer();

  beforeAll(async () => {
    mail = await startMailServer();
    // Every app of this file reads it; only the gateway sends invitations and resets.
    process.env.SMTP_URL = mail.url;
    process.env.PUBLIC_BASE_URL = 'https://sessionledger.district.test';
    platform = await startSessionPlatform();
    district = await platform.district(2);
    admin = await signIn(platform.gateway, district.admin.email);
  });

  afterAll(async () => {
    await platform?.stop();
    await mail?.close();
    delete process.env.SMTP_URL;
    delete process.env.PUBLIC_BASE_URL;
  });

  const accept = (token: string, password: string) => request(server()).post('/api/invitations/accept').send({ token, password });
  const confirmReset = (token: string, password: string) => request(server()).post('/api/auth/password-reset/confirm').send({ token, password });
  const askReset = (email: string) => request(server()).post('/api/auth/password-reset').send({ email });

  function inviteStaff(staffId: string, who = admin) {
    return as(platform.gateway, who).post('/api/invitations').send({ staffId });
  }

  /** The OneRoster 1.2 sample, its tutor's address made unique (addresses are unique across the installation). */
  function sampleRoster() {
    const files = Object.fromEntries(readdirSync(DATA).filter((n) => n.endsWith('.csv')).map((n) => [n, readFileSync(join(DATA, n), 'utf8')]));
    const tutorEmail = `jordan.lee@${randomBytes(4).toString('hex')}.example.org`;
    files['users.csv'] = files['users.csv'].replace('jordan.lee@example.org', tutorEmail);
    return { files, tutorEmail };
  }

  async function newProvider(school = 0) {
    return district.user(['provider'], { schoolIds: [district.schools[school].id], providerKind: 'tutor' });
  }

  it('end to end: an admin imports a roster and invites everyone it created; its tutor accepts from the e-mailed link, signs in and posts a session', async () => {
    const { files, tutorEmail } = sampleRoster();
    const started = await as(platform.gateway, admin).post('/api/roster/imports').send({ files }).expect(202);
    let imported = started.body;
    for (const deadline = Date.now() + 30_000; !['succeeded', 'failed'].includes(imported.status) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      imported = (await as(platform.gateway, admin).get(`/api/roster/imports/${started.body.id}`).expect(200)).body;
    }
    expect(imported.status).toBe('succeeded');
    const [tutor] = (await as(platform.gateway, admin).get('/api/staff?q=Lee').expect(200)).body.items;
    expect(tutor).toMatchObject({ email: tutorEmail, hasPassword: false });

    // Everyone the import created, as a background job whose progress is readable.
    const queued = await as(platform.gateway, admin).post('/api/invitations').send({ rosterImportId: imported.id }).expect(202);
    expect(queued.body).toMatchObject({ rosterImportId: imported.id, status: 'queued' });
    let batch = queued.body;
    for (const deadline = Date.now() + 15_000; batch.status !== 'succeeded' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      batch = (await as(platform.gateway, admin).get(`/api/invitations/batches/${queued.body.id}`).expect(200)).body;
    }
    // The tutor is invited; the sample's two students have no address to write to.
    expect(batch).toMatchObject({ status: 'succeeded', progress: { total: 3, sent: 1, skipped: 2, failed: 0 } });
    expect(batch.problems.map((p: { kind: string }) => p.kind)).toEqual(['student', 'student']);
    const letter = await mail.next(tutorEmail);
    expect(letter.subject).toBe(`You are invited to Sessionledger (District ${district.domain})`);
    expect(letter.text).toContain('https://sessionledger.district.test/invitation#token=');
    await accept(linkToken(letter), NEW_PASSWORD).expect(204);

    const tutorSession = await signIn(platform.gateway, tutorEmail, NEW_PASSWORD);
    const [group] = (await as(platform.gateway, admin).get(`/api/groups?providerId=${tutor.id}`).expect(200)).body.items;
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: group.schoolId });
    const startedAt = new Date(Date.now() - 50 * 60_000);
    const session = (await as(platform.gateway, tutorSession).post('/api/sessions').send({ service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: startedAt.toISOString() }).expect(201)).body;
    for (const p of session.participants) {
      await as(platform.gateway, tutorSession)
        .patch(`/api/sessions/${session.id}/participants/${p.id}`)
        .send({ version: 1, present: true, qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] }, studentNote: NOTE })
        .expect(200);
    }
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/end`).send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() }).expect(200);
    const posted = await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: NEW_PASSWORD }).expect(200);
    expect(posted.body.sessionId).toBe(session.id);
  });

  it('refuses an expired link, and a link used twice', async () => {
    const tutor = await newProvider();
    await inviteStaff(tutor.id).expect(201);
    const token = linkToken(await mail.next(tutor.email));
    await platform.gateway.get(TenantTransactions).run(district.id, (em) => em.execute(`update gateway.password_token set expires_at = now() - interval '1 second' where user_id = ?`, [tutor.id]));
    const expired = await accept(token, NEW_PASSWORD).expect(400);
    expect(expired.body).toMatchObject({ code: 'ACCOUNT.TOKEN_EXPIRED', fields: [{ field: 'token' }] });

    await inviteStaff(tutor.id).expect(201);
    const fresh = linkToken(await mail.next(tutor.email, 2));
    await accept(fresh, NEW_PASSWORD).expect(204);
    expect((await accept(fresh, 'another fine passphrase').expect(400)).body.code).toBe('ACCOUNT.TOKEN_SPENT');
    await signIn(platform.gateway, tutor.email, NEW_PASSWORD);
  });

  it('spends the old link when someone is invited again', async () => {
    const tutor = await newProvider();
    await inviteStaff(tutor.id).expect(201);
    await inviteStaff(tutor.id).expect(201);
    const [first, second] = [linkToken(await mail.next(tutor.email, 1)), linkToken(await mail.next(tutor.email, 2))];
    expect(first).not.toBe(second);
    expect((await accept(first, NEW_PASSWORD).expect(400)).body.code).toBe('ACCOUNT.TOKEN_SPENT');
    await accept(second, NEW_PASSWORD).expect(204);
  });

  it('refuses a wrong token: another secret, another purpose, or not a token at all', async () => {
    const tutor = await newProvider();
    await inviteStaff(tutor.id).expect(201);
    const token = linkToken(await mail.next(tutor.email));
    const forged = `${token.slice(0, -43)}${'A'.repeat(43)}`;
    expect((await accept(forged, NEW_PASSWORD).expect(400)).body).toMatchObject({ code: 'ACCOUNT.TOKEN_INVALID', fields: [{ field: 'token' }] });
    // An invitation link is no reset link.
    expect((await confirmReset(token, NEW_PASSWORD).expect(400)).body.code).toBe('ACCOUNT.TOKEN_INVALID');
    const malformed = await accept('not-a-token', NEW_PASSWORD).expect(400);
    expect(malformed.body.fields.map((f: { field: string }) => f.field)).toEqual(['token']);
    // Another district's id in front of a real token id and secret finds nothing under that district.
    const otherDistrict = await platform.district(1);
    expect((await accept(`${otherDistrict.id}${token.slice(36)}`, NEW_PASSWORD).expect(400)).body.code).toBe('ACCOUNT.TOKEN_INVALID');
    await accept(token, NEW_PASSWORD).expect(204);
  });

  it('refuses short and common passwords, naming password, wherever a password is set', async () => {
    const tutor = await newProvider();
    await inviteStaff(tutor.id).expect(201);
    const token = linkToken(await mail.next(tutor.email));
    for (const password of ['short pass', 'password1234', '123456789012', 'qwertyuiop12', 'Password1234']) {
      const refused = await accept(token, password).expect(400);
      expect(refused.body).toMatchObject({ code: 'PASSWORD.REJECTED', fields: [{ field: 'password', problems: [expect.stringMatching(/at least 12|too common/)] }] });
    }
    // The link was not spent by a refused password.
    await accept(token, NEW_PASSWORD).expect(204);
    const staff = await as(platform.gateway, admin)
      .post('/api/staff')
      .send({ email: `new-${randomBytes(3).toString('hex')}@${district.domain}`, firstName: 'Nia', lastName: 'New', roles: ['payroll'], password: 'qwertyuiop12' })
      .expect(400);
    expect(staff.body.fields).toEqual([{ field: 'password', problems: [expect.stringMatching(/too common/)] }]);
  });

  it('answers a reset request the same way, in about the same time, whether or not the address has an account', async () => {
    const tutor = await newProvider();
    const unknown = `nobody-${randomBytes(4).toString('hex')}@${district.domain}`;
    const timed = async (email: string) => {
      const began = process.hrtime.bigint();
      const response = await askReset(email);
      return { status: response.status, body: response.body, text: response.text, ms: Number(process.hrtime.bigint() - began) / 1e6 };
    };
    // Warm up the route, then compare.
    await timed(unknown);
    const known = await timed(tutor.email);
    const missing = await timed(unknown);
    expect(known.status).toBe(202);
    expect(missing.status).toBe(202);
    expect(missing.text).toBe(known.text);
    expect(Math.abs(known.ms - missing.ms)).toBeLessThan(100);
    const letter = await mail.next(tutor.email);
    expect(letter.subject).toBe('Reset your Sessionledger password');
    await platform.gateway.get(AccountsService).settled();
    expect(mail.to(unknown)).toEqual([]);
  });

  it('a reset sets the password and revokes every refresh-token family of the account', async () => {
    const tutor = await newProvider();
    const first = await signIn(platform.gateway, tutor.email);
    const second = await signIn(platform.gateway, tutor.email);
    await askReset(tutor.email).expect(202);
    const token = linkToken(await mail.next(tutor.email));
    await confirmReset(token, NEW_PASSWORD).expect(204);
    for (const session of [first, second]) {
      await request(server()).post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    }
    await request(server()).post('/api/auth/login').send({ email: tutor.email, password: TEST_PASSWORD }).expect(401);
    await signIn(platform.gateway, tutor.email, NEW_PASSWORD);
    expect((await confirmReset(token, 'yet another passphrase').expect(400)).body.code).toBe('ACCOUNT.TOKEN_SPENT');
  });

  it('writes to a Spanish-speaking guardian in Spanish, and the guardian signs in as a guardian', async () => {
    const student = await addStudent(platform.gateway, admin, district.schools[0].id);
    const email = `tutor-madre-${randomBytes(3).toString('hex')}@${district.domain}`;
    const guardianId = await platform.gateway.get(TenantTransactions).run(district.id, async (em) => {
      const guardian = new Guardian(district.id, 'Lucía', 'Ramírez');
      guardian.email = email;
      em.persist(guardian);
      em.persist(new GuardianStudent(district.id, guardian.id, student.id));
      await em.flush();
      return guardian.id;
    });
    const invited = await as(platform.gateway, admin).post('/api/invitations').send({ guardianId, language: 'es' }).expect(201);
    expect(invited.body).toMatchObject({ email, language: 'es' });
    const letter = await mail.next(email);
    expect(letter.subject).toBe(`Invitación a Sessionledger (District ${district.domain})`);
    expect(letter.text).toContain('Hola Lucía');
    await accept(linkToken(letter), 'mi casa es su casa siempre').expect(204);
    const guardian = await signIn(platform.gateway, email, 'mi casa es su casa siempre');
    expect((await as(platform.gateway, guardian).get('/api/me').expect(200)).body.roles).toEqual(['guardian']);
    // A reset for her is in Spanish too.
    await askReset(email).expect(202);
    expect((await mail.next(email, 2)).subject).toBe('Restablezca su contraseña de Sessionledger');
  });

  it('answers 404 for another district’s person, 403 for a role that may not invite, and limits school admins to their schools', async () => {
    const other = await platform.district(1);
    const stranger = await other.user(['provider'], { schoolIds: [other.schools[0].id], providerKind: 'tutor' });
    expect((await inviteStaff(stranger.id).expect(404)).body.code).toMatch(/NOT_FOUND/);

    const tutor = await newProvider(0);
    const tutorSession = await signIn(platform.gateway, tutor.email);
    await inviteStaff(tutor.id, tutorSession).expect(403);

    const schoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [district.schools[0].id] })).email);
    await inviteStaff(tutor.id, schoolAdmin).expect(201);
    await inviteStaff((await newProvider(1)).id, schoolAdmin).expect(404);
    await inviteStaff(district.admin.id, schoolAdmin).expect(404);

    // Bulk invitations are the district admin's, and only of their own district's imports.
    const otherAdmin = await signIn(platform.gateway, other.admin.email);
    const otherImport = await as(platform.gateway, otherAdmin).post('/api/roster/imports').send({ files: sampleRoster().files }).expect(202);
    await as(platform.gateway, schoolAdmin).post('/api/invitations').send({ rosterImportId: otherImport.body.id }).expect(403);
    await as(platform.gateway, admin).post('/api/invitations').send({ rosterImportId: otherImport.body.id }).expect(404);
    await as(platform.gateway, admin).get(`/api/invitations/batches/${tutor.id}`).expect(404);

    const body = await as(platform.gateway, admin).post('/api/invitations').send({ staffId: tutor.id, guardianId: tutor.id }).expect(400);
    expect(body.body.fields[0].field).toBe('staffId');
  });

  it('takes JSON only on the public routes, and never replays them', async () => {
    await request(server()).post('/api/invitations/accept').type('form').send({ token: 'x', password: NEW_PASSWORD }).expect(415);
    await request(server()).post('/api/auth/password-reset').type('form').send({ email: 'a@b.test' }).expect(415);
    const key = `k-${randomBytes(4).toString('hex')}`;
    const tutor = await newProvider();
    await inviteStaff(tutor.id).expect(201);
    const token = linkToken(await mail.next(tutor.email));
    await accept(token, NEW_PASSWORD).set('Idempotency-Key', key).expect(204);
    const again = await accept(token, NEW_PASSWORD).set('Idempotency-Key', key).expect(400);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
});
