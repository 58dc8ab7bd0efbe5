import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import request from 'supertest';
import { Environment, loadEnvironment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { spawnTs, stopApps } from '@sessionledger/testing';
import { SsoSecrets } from '../src/auth/sso/sso-secrets';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict, TestUser } from './support/gateway-harness';
import { OidcTestProvider, startOidcProvider } from './support/oidc-provider';

const CLIENT_ID = 'sessionledger';
const CLIENT_SECRET = 'sso-client-secret-5f1c9e0a7b3d';
const REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/sso/callback';
const APP_URL = 'https://app.sessionledger.test/signed-in';

interface ProviderAccount {
  email: string;
  email_verified: boolean;
  tamperAud?: string;
}

const TEST_CLIENTS = [
  { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [REDIRECT_URI] },
  { client_id: 'another-client', client_secret: 'another-secret-0123456789', redirect_uris: [REDIRECT_URI] },
];

describe('SSO with OpenID Connect', () => {
  let app: NestFastifyApplication;
  let provider: OidcTestProvider;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;

  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    provider = await startOidcProvider(TEST_CLIENTS);
    app = await startGateway({ SSO_REDIRECT_URI: REDIRECT_URI, SSO_APP_URL: APP_URL });
    [district, other] = [await createDistrict(app, 1), await createDistrict(app, 1)];
    admin = await signIn(app, district.admin.email);
    await as(app, admin)
      .put('/api/district/sso')
      .send({ issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedDomains: [district.domain, other.domain], slug: `sso-${district.domain.slice(1, 9)}` })
      .expect(200);
  });

  afterAll(async () => {
    await stopApps(app);
    provider?.child.kill('SIGTERM');
  });

  /** Follows the browser's path from our start route through the provider to our callback, without a browser. */
  async function throughProvider(account: ProviderAccount, districtKey = district.id): Promise<{ callback: string; binding: string }> {
    const start = await http().get(`/api/auth/sso/${districtKey}/start`).expect(302);
    const binding = String(start.headers['set-cookie'][0]).split(';')[0];
    const jar = new Map<string, string>();
    let url = `${start.headers.location}&login_hint=${Buffer.from(JSON.stringify(account)).toString('base64url')}`;
    for (let hop = 0; hop < 10; hop++) {
      if (url.startsWith(REDIRECT_URI)) return { callback: url.slice('http://127.0.0.1:3000'.length), binding };
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = response.headers.get('location');
      if (!location) throw new Error(`the provider answered ${response.status} at ${url}: ${await response.text()}`);
      url = new URL(location, url).toString();
    }
    throw new Error('too many redirects at the provider');
  }

  async function callback(account: ProviderAccount) {
    const { callback: path, binding } = await throughProvider(account);
    return http().get(path).set('Cookie', binding);
  }

  function expectRefusal(response: request.Response, status: number, code: string): void {
    expect({ status: response.status, body: response.body }).toEqual({ status, body: { code, message: expect.any(String), correlationId: expect.any(String) } });
  }

  it('signs an active user in: the callback hands the app a one-time code, exchanged once for a working token pair', async () => {
    const user = await district.user(['payroll']);
    const answer = await callback({ email: user.email, email_verified: true }).then((response) => response);
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(APP_URL);
    const code = new URLSearchParams(location.hash.slice(1)).get('sso_code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.search).toBe('');

    const tokens = await http().post('/api/auth/sso/exchange').set('User-Agent', 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome/126.0.0.0').send({ code }).expect(200);
    expect(tokens.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
    const me = await as(app, tokens.body).get('/api/me').expect(200);
    expect(me.body).toMatchObject({ userId: user.id, districtId: district.id, roles: ['payroll'] });
    const signIns = await as(app, tokens.body).get('/api/me/sign-ins').expect(200);
    expect(signIns.body.items).toEqual([expect.objectContaining({ method: 'sso', device: 'Chrome on ChromeOS', current: true })]);
    const refreshed = await http().post('/api/auth/refresh').send({ refreshToken: tokens.body.refreshToken }).expect(200);
    await as(app, refreshed.body).get('/api/me').expect(200);

    expectRefusal(await http().post('/api/auth/sso/exchange').send({ code }), 401, 'SSO.CODE_INVALID');
  });

  it('starts by the district slug too, and refuses a district without SSO with 404', async () => {
    const start = await http().get(`/api/auth/sso/sso-${district.domain.slice(1, 9)}/start`).expect(302);
    const target = new URL(start.headers.location);
    expect(`${target.origin}`).toBe(provider.issuer);
    expect(target.searchParams.get('code_challenge_method')).toBe('S256');
    expect(target.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(target.searchParams.get('nonce')).toEqual(expect.any(String));
    expect(String(start.headers['set-cookie'][0])).toMatch(/HttpOnly; SameSite=Lax/);
    expectRefusal(await http().get(`/api/auth/sso/${other.id}/start`), 404, 'SSO.NOT_CONFIGURED');
    expectRefusal(await http().get('/api/auth/sso/no-such-district/start'), 404, 'SSO.NOT_CONFIGURED');
  });

  it('refuses an ID token issued for another client (wrong audience)', async () => {
    const user = await district.user(['payroll']);
    expectRefusal(await callback({ email: user.email, email_verified: true, tamperAud: 'another-client' }), 401, 'SSO.ID_TOKEN_INVALID');
    // Control: the same re-signing for our own client passes, so the refusal above is the audience and not the signature.
    expect((await callback({ email: user.email, email_verified: true, tamperAud: CLIENT_ID })).status).toBe(303);
  });

  it('asks an account with an authenticator for its code after the provider too: the exchange answers an mfaToken, the code the pair', async () => {
    const user = await district.user(['payroll']);
    const password = await signIn(app, user.email);
    const started = await as(app, password).post('/api/me/mfa/totp').expect(200);
    const secret: string = started.body.secret;
    await as(app, password).post('/api/me/mfa/totp/confirm').send({ code: await generate({ secret }) }).expect(200);

    const answer = await callback({ email: user.email, email_verified: true });
    const code = new URLSearchParams(new URL(answer.headers.location).hash.slice(1)).get('sso_code')!;
    const exchanged = await http().post('/api/auth/sso/exchange').send({ code }).expect(200);
    expect(exchanged.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: expect.any(Number) });
    // The code of the next 30-second step: the current one confirmed the enrolment, and a used step never works again.
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const tokens = await http().post('/api/auth/mfa').send({ mfaToken: exchanged.body.mfaToken, code: next }).expect(200);
    expect(decodeJwt(tokens.body.accessToken).amr).toEqual(['sso', 'otp']);
    expect((await as(app, tokens.body).get('/api/me').expect(200)).body.userId).toBe(user.id);
  });

  it('refuses a replayed callback: state and nonce work once', async () => {
    const user = await district.user(['payroll']);
    const { callback: path, binding } = await throughProvider({ email: user.email, email_verified: true });
    await http().get(path).set('Cookie', binding).expect(303);
    expectRefusal(await http().get(path).set('Cookie', binding), 400, 'SSO.STATE_INVALID');
  });

  it('refuses a callback arriving in another browser than the one that started the sign-in', async () => {
    const user = await district.user(['payroll']);
    const { callback: path } = await throughProvider({ email: user.email, email_verified: true });
    expectRefusal(await http().get(path), 400, 'SSO.BROWSER_MISMATCH');
  });

  it("refuses a callback carrying the provider's error (the user cancelled), spending the state", async () => {
    const start = await http().get(`/api/auth/sso/${district.id}/start`).expect(302);
    const binding = String(start.headers['set-cookie'][0]).split(';')[0];
    const state = new URL(start.headers.location).searchParams.get('state')!;
    const path = `/api/auth/sso/callback?error=access_denied&state=${state}`;
    expectRefusal(await http().get(path).set('Cookie', binding), 403, 'SSO.PROVIDER_REFUSED');
    expectRefusal(await http().get(path).set('Cookie', binding), 400, 'SSO.STATE_INVALID');
  });

  it('refuses an e-mail address the provider has not verified', async () => {
    const user = await district.user(['payroll']);
    expectRefusal(await callback({ email: user.email, email_verified: false }), 403, 'SSO.EMAIL_UNVERIFIED');
  });

  it("refuses another district's user, an unknown address and a deactivated user alike, creating no account", async () => {
    const stranger = await other.user(['payroll']);
    expectRefusal(await callback({ email: stranger.email, email_verified: true }), 403, 'SSO.NO_ACCOUNT');
    expectRefusal(await callback({ email: `nobody@${district.domain}`, email_verified: true }), 403, 'SSO.NO_ACCOUNT');
    const leaver: TestUser = await district.user(['payroll']);
    await as(app, admin).post(`/api/staff/${leaver.id}/deactivate`).send({}).expect((response) => expect(response.status).toBeLessThan(300));
    expectRefusal(await callback({ email: leaver.email, email_verified: true }), 403, 'SSO.NO_ACCOUNT');
    const users = await app.get(TenantTransactions).run(district.id, (em) => em.execute(`select email from gateway.app_user where email = ?`, [`nobody@${district.domain}`]));
    expect(users).toEqual([]);
  });

  it('refuses an address at a domain the district does not allow', async () => {
    expectRefusal(await callback({ email: 'someone@elsewhere.test', email_verified: true }), 403, 'SSO.DOMAIN_NOT_ALLOWED');
  });

  it('answers the settings without the client secret, and stores the secret encrypted', async () => {
    const settings = await as(app, admin).get('/api/district/sso').expect(200);
    expect(settings.body).toEqual({
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      allowedDomains: [district.domain, other.domain],
      slug: expect.any(String),
      clientSecretSet: true,
      version: expect.any(Number),
      redirectUri: REDIRECT_URI,
    });
    expect(JSON.stringify(settings.body)).not.toContain(CLIENT_SECRET);
    const [row] = await app.get(TenantTransactions).run(district.id, (em) => em.execute(`select * from gateway.district_sso where district_id = ?`, [district.id]));
    expect(row.client_secret_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(row)).not.toContain(Buffer.from(CLIENT_SECRET).toString('base64'));

    // Left out, the stored secret is kept: sign-in still works.
    await as(app, admin)
      .put('/api/district/sso')
      .send({ issuer: provider.issuer, clientId: CLIENT_ID, allowedDomains: [district.domain, other.domain], slug: settings.body.slug })
      .expect(200);
    const user = await district.user(['payroll']);
    expect((await callback({ email: user.email, email_verified: true })).status).toBe(303);
  });

  it('lets only a district admin configure SSO, of their own district only, and names every bad field', async () => {
    const schoolAdmin = await signIn(app, (await district.user(['school_admin'], { schoolIds: [district.schools[0].id] })).email);
    const payroll = await signIn(app, (await district.user(['payroll'])).email);
    const body = { issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: 'x', allowedDomains: [district.domain] };
    for (const session of [schoolAdmin, payroll]) {
      expectRefusal(await as(app, session).get('/api/district/sso'), 403, 'AUTH.ROLE_NOT_ALLOWED');
      expectRefusal(await as(app, session).put('/api/district/sso').send(body), 403, 'AUTH.ROLE_NOT_ALLOWED');
    }
    // Another district's admin sees none of this district's settings.
    const otherAdmin = await signIn(app, other.admin.email);
    expectRefusal(await as(app, otherAdmin).get('/api/district/sso'), 404, 'SSO.NOT_CONFIGURED');

    const bad = await as(app, admin)
      .put('/api/district/sso')
      .send({ issuer: 'http://idp.example.org', clientId: '', clientSecret: 42, allowedDomains: ['not a domain'], slug: 'No Spaces' })
      .expect(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect(bad.body.fields.map((field: { field: string }) => field.field).sort()).toEqual(
      expect.arrayContaining(['allowedDomains', 'clientId', 'clientSecret', 'issuer', 'slug']),
    );
    const unreachable = await as(app, otherAdmin)
      .put('/api/district/sso')
      .send({ issuer: 'http://127.0.0.1:1', clientId: CLIENT_ID, clientSecret: 'y', allowedDomains: [other.domain] });
    expectRefusal(unreachable, 503, 'SSO.PROVIDER_UNAVAILABLE');
    const first = await as(app, otherAdmin).put('/api/district/sso').send({ issuer: provider.issuer, clientId: CLIENT_ID, allowedDomains: [other.domain] }).expect(400);
    expect(first.body.fields).toEqual([{ field: 'clientSecret', problems: [expect.any(String)] }]);
    const taken = await as(app, otherAdmin)
      .put('/api/district/sso')
      .send({ issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: 'y', allowedDomains: [other.domain], slug: `sso-${district.domain.slice(1, 9)}` });
    expectRefusal(taken, 409, 'SSO.SLUG_TAKEN');
  });

  // Last: it uses up this address's starts for a minute.
  it('bounds the sign-ins one address may start, since each is stored before anyone is known', async () => {
    const answers = await Promise.all(Array.from({ length: 121 }, () => http().get('/api/auth/sso/no-such-district/start')));
    // The earlier tests' starts from this address count too.
    const admitted = answers.filter((answer) => answer.status === 404).length;
    expect(admitted).toBeGreaterThan(90);
    expect(admitted).toBeLessThanOrEqual(120);
    const [throttled] = answers.filter((answer) => answer.status === 429);
    expect(throttled.body).toMatchObject({ code: 'SSO.START_THROTTLED', details: { retryAfterSeconds: expect.any(Number) } });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('SSO_SECRET_KEY', () => {
  const production = (key: string): NodeJS.ProcessEnv => ({ NODE_ENV: 'production', JWT_SECRET: 'Vq3x9Lr0Zk2Yd7Wm5Np8Tb1Hc4Gf6Js0Ae3Ru9Io2', SSO_SECRET_KEY: key });
  const randomKey = 'q1bN0x8Vd3kYpL7sR2mZ5cT9wE4hJ6gU0aF8oI3yK1M=';

  it.each([
    ['too short', Buffer.alloc(16, 7).toString('base64')],
    ['not base64', 'this is not a key at all, not even close!!'],
    ['not random', Buffer.alloc(32, 1).toString('base64')],
  ])('refuses a key that is %s, naming the variable and never echoing the value', (_case, key) => {
    let message = '';
    try {
      loadEnvironment(production(key));
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/SSO_SECRET_KEY: /);
    expect(message).not.toContain(key);
  });

  it('seals with AES-256-GCM bound to the district, and without a key in production refuses SSO instead of guessing one', () => {
    const secrets = new SsoSecrets(loadEnvironment(production(randomKey)));
    const districtA = '01900000-0000-7000-8000-000000000001';
    const sealed = secrets.seal('the client secret', districtA);
    expect(sealed).not.toContain('the client secret');
    expect(secrets.open(sealed, districtA)).toBe('the client secret');
    expect(() => secrets.open(sealed, '01900000-0000-7000-8000-000000000002')).toThrow(/cannot be decrypted/);
    const withoutKey = new SsoSecrets(loadEnvironment(production('')) as Environment);
    expect(() => withoutKey.seal('x', districtA)).toThrow(expect.objectContaining({ code: 'SSO.UNAVAILABLE' }));
  });

  it('is required in production by the gateway only: the other apps never read it', () => {
    expect(() => loadEnvironment(production(''), ['SSO_SECRET_KEY'])).toThrow(/SSO_SECRET_KEY: must be set/);
    expect(loadEnvironment(production('')).SSO_SECRET_KEY).toBe('');
    expect(loadEnvironment({ NODE_ENV: 'development' }, ['SSO_SECRET_KEY']).SSO_SECRET_KEY).toBe('');
  });

  it('stops a production gateway at boot without it, naming SSO_SECRET_KEY', async () => {
    const child = spawnTs('apps/gateway/src/main.ts', ['serve'], { ...process.env, ...production(''), LOG_LEVEL: 'silent' });
    // Should it start after all, the test fails instead of hanging.
    const stop = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let output = '';
    child.stdout?.on('data', (chunk) => (output += String(chunk)));
    child.stderr?.on('data', (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(stop);
    expect(code).toBe(1);
    expect(output).toContain('SSO_SECRET_KEY: must be set');
    expect(output).not.toContain('JWT_SECRET');
  }, 90_000);
});

