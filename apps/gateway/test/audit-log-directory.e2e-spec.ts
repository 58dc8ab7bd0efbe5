import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import request from 'supertest';
import { TenantTransactions } from '@sessionledger/persistence';
import { currentTestRun, stopApps, testEnvironmentFor } from '@sessionledger/testing';
import { createDistrictCommand } from '../src/operator/create-district.command';
import { seedDemoCommand } from '../src/operator/seed-demo.command';
import { rosterImportCommand } from '../src/roster/roster-import.command';
import { as, createDistrict, Session, signIn, startGateway, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addStudent } from './support/session-fixtures';
import { OidcTestProvider, startOidcProvider } from './support/oidc-provider';

const SSO_CLIENT_ID = 'sessionledger-audit';
const SSO_CLIENT_SECRET = 'sso-secret-for-the-audit-test-4b7e1d';
const NEW_SSO_CLIENT_SECRET = 'rotated-sso-secret-for-the-audit-9a2c';
const STAFF_PASSWORD = 'Audit staff password 2026 quokka';
const OPERATOR_PASSWORD = 'operator-admin-password-71d3c';
const REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/sso/callback';
const ROSTER_SAMPLE = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'sample_constructed_v1.2');

interface AuditItem {
  id: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  subjectType: string;
  subjectId: string | null;
  studentId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
}

/**
 * Each import runs in a child process that compiles the import code on start;
 * on two loaded cores that has taken more than a minute. A bound, not an expectation.
 */
jest.setTimeout(240_000);

describe('Audit log: directory, security settings, operator writes and refused sign-ins', () => {
  let app: NestFastifyApplication;
  let provider: OidcTestProvider;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let tutor: TestUser;
  /** Every secret handed out during the test; none may appear in any audit row of any district. */
  const secrets: string[] = [SSO_CLIENT_SECRET, NEW_SSO_CLIENT_SECRET, STAFF_PASSWORD, OPERATOR_PASSWORD, TEST_PASSWORD];
  const districtIds = new Set<string>();

  const http = () => request(app.getHttpServer());
  const search = async (query: string, session = admin): Promise<AuditItem[]> => (await as(app, session).get(`/api/audit-events?pageSize=200&${query}`).expect(200)).body.items;
  const about = async (action: string, subjectId: string, session = admin) => (await search(`action=${action}`, session)).filter((item) => item.subjectId === subjectId);
  /** The log as the app's own role reads it under the district's row-level security, every column. */
  const rowsOf = (districtId: string) =>
    app.get(TenantTransactions).run(districtId, (em) => em.execute<Record<string, unknown>[]>(`select * from gateway.audit_event order by occurred_at, id`));

  /** Runs an operator command as `main.js <command>` would, against this file's database. */
  async function operator(command: (args: string[]) => Promise<unknown>, args: string[], env: Record<string, string> = {}): Promise<string> {
    const saved = { ...process.env };
    const output: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => output.push(String(chunk)) > 0);
    try {
      Object.assign(process.env, testEnvironmentFor('gateway', currentTestRun()), env);
      await command(args);
    } finally {
      write.mockRestore();
      process.env = saved;
    }
    return output.join('');
  }

  beforeAll(async () => {
    provider = await startOidcProvider([{ client_id: SSO_CLIENT_ID, client_secret: SSO_CLIENT_SECRET, redirect_uris: [REDIRECT_URI] }]);
    app = await startGateway({ SSO_REDIRECT_URI: REDIRECT_URI, SSO_APP_URL: 'https://app.sessionledger.test/signed-in', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000' });
    [district, other] = [await createDistrict(app, 2), await createDistrict(app, 1)];
    [district, other].forEach((d) => districtIds.add(d.id));
    admin = await signIn(app, district.admin.email);
    otherAdmin = await signIn(app, other.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Tam' });
  });

  afterAll(async () => {
    await stopApps(app);
    provider?.child.kill('SIGTERM');
  });

  it('records a staff member created, with the fields as created and never the password', async () => {
    const created = await as(app, admin)
      .post('/api/staff')
      .send({ email: `new.tutor@${district.domain}`, firstName: 'Nia', lastName: 'Tutor', roles: ['provider'], providerKind: 'tutor', schoolIds: [district.schools[1].id], password: STAFF_PASSWORD })
      .expect(201);
    const entries = await about('directory.staff.create', created.body.id);
    expect(entries).toEqual([
      expect.objectContaining({
        actorKind: 'user',
        actorId: district.admin.id,
        subjectType: 'user',
        before: null,
        after: { id: created.body.id, email: `new.tutor@${district.domain}`, firstName: 'Nia', lastName: 'Tutor', roles: ['provider'], providerKind: 'tutor', schoolIds: [district.schools[1].id], active: true, sourcedId: null },
      }),
    ]);
  });

  it('records a school created, renamed, deactivated and reactivated, each with only what changed', async () => {
    const school = (await as(app, admin).post('/api/schools').send({ name: 'Audit Elementary', stateSchoolCode: 'AUD-1' }).expect(201)).body;
    await as(app, admin).patch(`/api/schools/${school.id}`).send({ version: school.version, name: 'Audit Primary' }).expect(200);
    await as(app, admin).post(`/api/schools/${school.id}/deactivate`).expect(200);
    await as(app, admin).post(`/api/schools/${school.id}/deactivate`).expect(200);
    await as(app, admin).post(`/api/schools/${school.id}/reactivate`).expect(200);

    expect(await about('directory.school.create', school.id)).toEqual([
      expect.objectContaining({ subjectType: 'school', after: { id: school.id, name: 'Audit Elementary', stateSchoolCode: 'AUD-1', active: true, sourcedId: null } }),
    ]);
    // Newest first; deactivating twice changed nothing the second time, so it left no entry.
    expect((await about('directory.school.update', school.id)).map((item) => [item.before, item.after])).toEqual([
      [{ active: false }, { active: true }],
      [{ active: true }, { active: false }],
      [{ name: 'Audit Elementary' }, { name: 'Audit Primary' }],
    ]);
  });

  it('records a guardian and each student link given or taken, searchable by student', async () => {
    const [first, second] = [await addStudent(app, admin, district.schools[0].id), await addStudent(app, admin, district.schools[0].id)];
    const guardian = (
      await as(app, admin).post('/api/guardians').send({ firstName: 'Gwen', lastName: 'Parent', phone: '512-555-0100', studentIds: [first.id], relationship: 'mother' }).expect(201)
    ).body;
    await as(app, admin).patch(`/api/guardians/${guardian.id}`).send({ version: guardian.version, phone: '512-555-0199' }).expect(200);
    await as(app, admin).put(`/api/guardians/${guardian.id}/students`).send({ studentIds: [second.id] }).expect(200);
    await as(app, admin).post(`/api/guardians/${guardian.id}/deactivate`).expect(200);

    expect(await about('directory.guardian.create', guardian.id)).toEqual([
      expect.objectContaining({
        subjectType: 'guardian',
        studentId: null,
        after: { id: guardian.id, firstName: 'Gwen', lastName: 'Parent', email: null, phone: '512-555-0100', active: true, sourcedId: null },
      }),
    ]);
    expect((await about('directory.guardian.update', guardian.id)).map((item) => [item.before, item.after])).toEqual([
      [{ active: true }, { active: false }],
      [{ phone: '512-555-0100' }, { phone: '512-555-0199' }],
    ]);
    const firstLinks = await search(`action=directory.guardian.links&studentId=${first.id}`);
    expect(firstLinks.map((item) => [item.subjectId, item.before, item.after])).toEqual([
      [guardian.id, { linked: true, relationship: 'mother' }, { linked: false }],
      [guardian.id, { linked: false }, { linked: true, relationship: 'mother' }],
    ]);
    const secondLinks = await search(`action=directory.guardian.links&studentId=${second.id}`);
    expect(secondLinks.map((item) => [item.subjectId, item.before, item.after])).toEqual([[guardian.id, { linked: false }, { linked: true, relationship: null }]]);
  });

  it('records a group, its renaming, each member who joined or left, and its deactivation', async () => {
    const [first, second] = [await addStudent(app, admin, district.schools[0].id), await addStudent(app, admin, district.schools[0].id)];
    const group = (
      await as(app, admin).post('/api/groups').send({ name: 'Audit readers', schoolId: district.schools[0].id, providerId: tutor.id, studentIds: [first.id] }).expect(201)
    ).body;
    await as(app, admin).patch(`/api/groups/${group.id}`).send({ version: group.version, name: 'Audit writers' }).expect(200);
    await as(app, admin).put(`/api/groups/${group.id}/members`).send({ studentIds: [second.id] }).expect(200);
    await as(app, admin).post(`/api/groups/${group.id}/deactivate`).expect(200);
    await as(app, admin).post(`/api/groups/${group.id}/reactivate`).expect(200);

    expect(await about('directory.group.create', group.id)).toEqual([
      expect.objectContaining({
        subjectType: 'group',
        after: { id: group.id, name: 'Audit readers', schoolId: district.schools[0].id, providerId: tutor.id, active: true, sourcedId: null },
      }),
    ]);
    expect((await about('directory.group.update', group.id)).map((item) => [item.before, item.after])).toEqual([
      [{ active: false }, { active: true }],
      [{ active: true }, { active: false }],
      [{ name: 'Audit readers' }, { name: 'Audit writers' }],
    ]);
    const members = await about('directory.group.members', group.id);
    expect(members.map((item) => [item.studentId, item.before, item.after])).toEqual(
      expect.arrayContaining([
        [first.id, { member: false }, { member: true }],
        [first.id, { member: true }, { member: false }],
        [second.id, { member: false }, { member: true }],
      ]),
    );
    expect(members).toHaveLength(3);
  });

  it('records a staff group created and its members replaced', async () => {
    const group = (await as(app, admin).post('/api/staff-groups').send({ name: 'Audit team', schoolId: district.schools[0].id }).expect(201)).body;
    await as(app, admin).put(`/api/staff-groups/${group.id}/members`).send({ version: group.version, userIds: [tutor.id] }).expect(200);

    expect(await about('directory.staff-group.create', group.id)).toEqual([
      expect.objectContaining({ subjectType: 'staff-group', after: { id: group.id, name: 'Audit team', schoolId: district.schools[0].id, active: true, userIds: [] } }),
    ]);
    expect((await about('directory.staff-group.members', group.id)).map((item) => [item.before, item.after])).toEqual([[{ userIds: [] }, { userIds: [tutor.id] }]]);
  });

  it('records SSO settings changes with only the changed fields, saying a new secret was set without ever holding it', async () => {
    const settings = { issuer: provider.issuer, clientId: SSO_CLIENT_ID, allowedDomains: [district.domain], slug: `audit-${district.domain.slice(1, 9)}` };
    await as(app, admin).put('/api/district/sso').send({ ...settings, clientSecret: SSO_CLIENT_SECRET }).expect(200);
    await as(app, admin).put('/api/district/sso').send({ ...settings, allowedDomains: [district.domain, 'partner.example.org'] }).expect(200);
    await as(app, admin).put('/api/district/sso').send({ ...settings, allowedDomains: [district.domain, 'partner.example.org'], clientSecret: NEW_SSO_CLIENT_SECRET }).expect(200);
    // The last secret must be the provider's again for the sign-ins below.
    await as(app, admin).put('/api/district/sso').send({ ...settings, clientSecret: SSO_CLIENT_SECRET }).expect(200);

    const entries = (await about('district.sso.update', district.id)).reverse();
    expect(entries.map((item) => [item.before, item.after, item.detail])).toEqual([
      [null, { slug: settings.slug, issuer: provider.issuer, clientId: SSO_CLIENT_ID, allowedDomains: [district.domain] }, { configured: 'first', clientSecretChanged: true }],
      [{ allowedDomains: [district.domain] }, { allowedDomains: [district.domain, 'partner.example.org'].sort() }, { configured: 'changed', clientSecretChanged: false }],
      [null, null, { configured: 'changed', clientSecretChanged: true }],
      [{ allowedDomains: [district.domain, 'partner.example.org'].sort() }, { allowedDomains: [district.domain] }, { configured: 'changed', clientSecretChanged: true }],
    ]);
  });

  it('records API clients created, rotated and revoked, never their secrets', async () => {
    const created = (await as(app, admin).post('/api/api-clients').send({ name: 'Audit SIS', scopes: ['directory:read'] }).expect(201)).body;
    const rotated = (await as(app, admin).post(`/api/api-clients/${created.id}/rotate-secret`).expect(200)).body;
    secrets.push(created.clientSecret, rotated.clientSecret);
    await as(app, admin).delete(`/api/api-clients/${created.id}`).expect(204);
    await as(app, admin).delete(`/api/api-clients/${created.id}`).expect(204);

    expect(await about('api-client.create', created.id)).toEqual([
      expect.objectContaining({ subjectType: 'api-client', actorId: district.admin.id, after: { clientId: created.clientId, name: 'Audit SIS', scopes: ['directory:read'] } }),
    ]);
    expect(await about('api-client.secret.rotate', created.id)).toEqual([expect.objectContaining({ before: null, after: null, detail: { clientId: created.clientId, name: 'Audit SIS' } })]);
    // Revoking twice is one revocation.
    expect(await about('api-client.revoke', created.id)).toEqual([expect.objectContaining({ before: { revoked: false }, after: { revoked: true } })]);
  });

  it('records a wrong second-factor code, with the reason, and never the secret, the codes or the tokens', async () => {
    const user = await district.user(['payroll'], { name: 'Mo' });
    const session = await signIn(app, user.email);
    const started = (await as(app, session).post('/api/me/mfa/totp').expect(200)).body;
    const confirmed = (await as(app, session).post('/api/me/mfa/totp/confirm').send({ code: await generate({ secret: started.secret }) }).expect(200)).body;
    secrets.push(started.secret, ...confirmed.recoveryCodes, confirmed.tokens.accessToken, confirmed.tokens.refreshToken, session.accessToken, session.refreshToken);

    const first = (await http().post('/api/auth/login').send({ email: user.email, password: TEST_PASSWORD }).expect(200)).body;
    secrets.push(first.mfaToken);
    const current = await generate({ secret: started.secret });
    const wrong = current === '000000' ? '000001' : '000000';
    expect((await http().post('/api/auth/mfa').send({ mfaToken: first.mfaToken, code: wrong }).expect(401)).body.code).toBe('AUTH.MFA_CODE_INVALID');
    expect((await http().post('/api/auth/mfa').send({ mfaToken: first.mfaToken, recoveryCode: 'zzzz-zzzz-zzzz' }).expect(401)).body.code).toBe('AUTH.MFA_CODE_INVALID');

    const failed = await search(`action=auth.mfa.failed&actorUserId=${user.id}`);
    expect(failed.map((item) => item.detail)).toEqual([
      { method: 'password', proof: 'recovery_code', reason: 'AUTH.MFA_CODE_INVALID' },
      { method: 'password', proof: 'code', reason: 'AUTH.MFA_CODE_INVALID' },
    ]);
    expect(failed[0]).toMatchObject({ actorKind: 'user', subjectType: 'user', subjectId: user.id });
  });

  it('records refused single sign-ons of the district: by someone anonymous, or by the account the provider named', async () => {
    const start = await http().get(`/api/auth/sso/${district.id}/start`).expect(302);
    const state = new URL(start.headers.location).searchParams.get('state');
    // The callback without the browser's binding cookie: started in another browser.
    const mismatch = await http().get(`/api/auth/sso/callback?state=${state}&code=anything`).expect(400);
    expect(mismatch.body.code).toBe('SSO.BROWSER_MISMATCH');

    const inactive = await district.user(['payroll'], { name: 'Ina' });
    await as(app, admin).post(`/api/staff/${inactive.id}/deactivate`).expect(200);
    const refused = await ssoCallback(inactive.email);
    expect(refused.body.code).toBe('SSO.NO_ACCOUNT');

    const failed = await search('action=auth.sso.failed');
    expect(failed.map((item) => [item.actorKind, item.actorId, item.subjectType, item.subjectId, item.detail])).toEqual([
      ['user', inactive.id, 'user', inactive.id, { method: 'sso', stage: 'callback', reason: 'SSO.NO_ACCOUNT' }],
      ['anonymous', null, 'district', district.id, { method: 'sso', stage: 'callback', reason: 'SSO.BROWSER_MISMATCH' }],
    ]);
  });

  it('records the district security settings changed (second factor required)', async () => {
    // A district of its own: requiring a second factor holds its admins to enrolment, which would stop the other tests.
    const strict = await createDistrict(app, 1);
    districtIds.add(strict.id);
    const strictAdmin = await signIn(app, strict.admin.email);
    await as(app, strictAdmin).put('/api/district/security').send({ mfaRequired: true }).expect(200);
    const rows = (await rowsOf(strict.id)).filter((row) => row.action === 'district.security.update');
    expect(rows).toEqual([
      expect.objectContaining({ actor_kind: 'user', actor_id: strict.admin.id, subject_id: strict.id, before: { mfaRequired: false }, after: { mfaRequired: true }, detail: { signInsEnded: 0 } }),
    ]);
  });

  it('records an applied roster import once, with its counts, and a dry run not at all', async () => {
    const files = Object.fromEntries(
      readdirSync(ROSTER_SAMPLE)
        .filter((name) => name.endsWith('.csv'))
        .map((name) => [name, readFileSync(join(ROSTER_SAMPLE, name), 'utf8').replace('jordan.lee@example.org', `jordan.lee@${district.domain}`)]),
    );
    const dryRun = (await as(app, admin).post('/api/roster/imports?dryRun=true').send({ files }).expect(202)).body;
    await finished(dryRun.id);
    const applied = (await as(app, admin).post('/api/roster/imports').send({ files }).expect(202)).body;
    const result = await finished(applied.id);

    expect(await about('directory.roster-import.apply', dryRun.id)).toEqual([]);
    const entries = await about('directory.roster-import.apply', applied.id);
    expect(entries).toEqual([
      expect.objectContaining({
        actorKind: 'user',
        actorId: district.admin.id,
        subjectType: 'roster-import',
        studentId: null,
        detail: expect.objectContaining({ source: 'upload', onerosterVersion: '1.2', errorCount: result.errorCount, counts: expect.objectContaining({ students: result.counts.students, schools: result.counts.schools }) }),
      }),
    ]);
    expect(result.counts.students.created).toBe(2);
  });

  async function finished(id: string): Promise<{ status: string; errorCount: number; counts: Record<string, Record<string, number>> }> {
    const deadline = Date.now() + 200_000;
    for (;;) {
      const body = (await as(app, admin).get(`/api/roster/imports/${id}`).expect(200)).body;
      if (body.status === 'succeeded') return body;
      if (body.status === 'failed') throw new Error(`import failed: ${JSON.stringify(body.failure)}`);
      if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('records the operator commands as the operator: create-district, seed-demo and roster-import', async () => {
    const email = `first.admin@operator-${district.domain}`;
    await operator(createDistrictCommand, ['--name', 'Operator District', '--time-zone', 'America/Denver', '--admin-email', email], { ADMIN_PASSWORD: OPERATOR_PASSWORD });
    const created = await signIn(app, email, OPERATOR_PASSWORD);
    const [creation] = await search('action=district.create', created);
    expect(creation).toMatchObject({ actorKind: 'operator', actorId: null, subjectType: 'district', after: { name: 'Operator District', timeZone: 'America/Denver', adminEmail: email }, detail: { command: 'create-district' } });
    districtIds.add(creation.subjectId!);

    await operator(seedDemoCommand, []);
    const demoAdmin = await signIn(app, 'district-admin@demo.sessionledger.test', 'demo-password-1');
    const demo = await search('', demoAdmin);
    expect(demo.filter((item) => item.actorKind === 'operator').map((item) => [item.action, item.detail?.command])).toEqual([
      ['directory.demo-seed', 'seed-demo'],
      ['district.create', 'seed-demo'],
    ]);
    expect(demo.find((item) => item.action === 'directory.demo-seed')?.detail).toMatchObject({ counts: { schools: 2, students: 40 } });
    districtIds.add(demo.find((item) => item.action === 'district.create')!.subjectId!);

    const printed = JSON.parse(await operator(rosterImportCommand, ['--district', other.id, '--dir', ROSTER_SAMPLE]));
    expect(await about('directory.roster-import.apply', printed.id, otherAdmin)).toEqual([
      expect.objectContaining({ actorKind: 'operator', actorId: null, detail: expect.objectContaining({ command: 'roster-import', source: 'operator', counts: expect.objectContaining({ students: printed.counts.students }) }) }),
    ]);
  });

  it('shows another district none of these entries', async () => {
    const ours = await search('');
    const ourIds = new Set(ours.map((item) => item.id));
    const ourSubjects = new Set([district.id, ...ours.map((item) => item.subjectId)].filter((id): id is string => id !== null));
    const theirs = await search('', otherAdmin);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((item) => ourIds.has(item.id) || (item.subjectId !== null && ourSubjects.has(item.subjectId)))).toEqual([]);
    for (const action of ['directory.school.create', 'directory.guardian.links', 'district.sso.update', 'api-client.create', 'auth.mfa.failed', 'auth.sso.failed']) {
      expect(await search(`action=${action}`, otherAdmin)).toEqual([]);
    }
  });

  it('holds no secret anywhere in any district’s audit rows', async () => {
    expect(secrets.filter((secret) => !secret)).toEqual([]);
    for (const districtId of districtIds) {
      const text = JSON.stringify(await rowsOf(districtId));
      expect(text.length).toBeGreaterThan(2);
      expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
    }
  });

  /** The browser's path from our start route through the test provider to our callback, without a browser. */
  async function ssoCallback(email: string): Promise<request.Response> {
    const start = await http().get(`/api/auth/sso/${district.id}/start`).expect(302);
    const binding = String(start.headers['set-cookie'][0]).split(';')[0];
    const cookies = new Map<string, string>();
    let url = `${start.headers.location}&login_hint=${Buffer.from(JSON.stringify({ email, email_verified: true })).toString('base64url')}`;
    for (let hop = 0; hop < 10 && !url.startsWith(REDIRECT_URI); hop++) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      const location = response.headers.get('location');
      if (!location) throw new Error(`the provider answered ${response.status} at ${url}`);
      url = new URL(location, url).toString();
    }
    return http().get(url.slice('http://127.0.0.1:3000'.length)).set('Cookie', binding);
  }
});
