import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import request from 'supertest';
import { currentTestRun, stopApps } from '@sessionledger/testing';
import { as, createDistrict, signIn, startGateway, TEST_PASSWORD, TestDistrict } from './support/gateway-harness';

const SECRET = 'test-secret-that-is-long-enough-0123456789';

describe('Authentication', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;

  beforeAll(async () => {
    app = await startGateway({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_THROTTLE_WINDOW_SECONDS: '2', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000' });
    district = await createDistrict(app, 1);
  });

  afterAll(() => stopApps(app));

  const http = () => request(app.getHttpServer());

  it('signs in with e-mail and password and returns a short-lived access token and a refresh token', async () => {
    const response = await http().post('/api/auth/login').send({ email: district.admin.email, password: TEST_PASSWORD }).expect(200);
    expect(response.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
    const me = await as(app, response.body).get('/api/me').expect(200);
    expect(me.body).toMatchObject({ userId: district.admin.id, districtId: district.id, roles: ['district_admin'] });
  });

  it('refuses a wrong password with 401 and the same answer as an unknown e-mail', async () => {
    const wrong = await http().post('/api/auth/login').send({ email: district.admin.email, password: 'nope' }).expect(401);
    const unknown = await http().post('/api/auth/login').send({ email: `nobody@${district.domain}`, password: 'nope' }).expect(401);
    expect(wrong.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    expect(unknown.body.code).toBe(wrong.body.code);
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('stores passwords as argon2id with at least 19 MiB and 2 iterations', async () => {
    const { Passwords } = await import('../src/auth/passwords');
    const hash = await app.get(Passwords).hash('x');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$/);
    const [, memory, iterations] = /m=(\d+),t=(\d+)/.exec(hash)!;
    expect(Number(memory)).toBeGreaterThanOrEqual(19_456);
    expect(Number(iterations)).toBeGreaterThanOrEqual(2);
  });

  it('throttles failed sign-ins per account with 429 and Retry-After, then lets the real user back in', async () => {
    const user = await district.user(['payroll']);
    for (let i = 0; i < 3; i++) await http().post('/api/auth/login').send({ email: user.email, password: 'guess' }).expect(401);
    const throttled = await http().post('/api/auth/login').send({ email: user.email, password: TEST_PASSWORD }).expect(429);
    expect(throttled.body.code).toBe('AUTH.ACCOUNT_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await http().post('/api/auth/login').send({ email: user.email, password: TEST_PASSWORD }).expect(200);
  });

  it('rotates refresh tokens, and a reused one revokes its whole family', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const first = await signIn(app, user.email);
    const second = await http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const me = await as(app, second.body).get('/api/me').expect(200);
    expect(me.body).toMatchObject({ roles: ['provider'], schoolIds: [district.schools[0].id], providerKind: 'tutor' });

    const reuse = await http().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(reuse.body.code).toBe('AUTH.REFRESH_REUSED');
    const afterTheft = await http().post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
    expect(afterTheft.body.code).toBe('AUTH.REFRESH_REUSED');
  });

  it('never replays an auth answer for a repeated Idempotency-Key: a replayed refresh is reuse and revokes the family', async () => {
    const user = await district.user(['payroll']);
    const session = await signIn(app, user.email);
    const first = await http().post('/api/auth/refresh').set('Idempotency-Key', 'refresh-once').send({ refreshToken: session.refreshToken }).expect(200);
    const replay = await http().post('/api/auth/refresh').set('Idempotency-Key', 'refresh-once').send({ refreshToken: session.refreshToken }).expect(401);
    expect(replay.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.body).toEqual({ code: 'AUTH.REFRESH_REUSED', message: expect.any(String), correlationId: expect.any(String) });
    const rotated = await http().post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(401);
    expect(rotated.body.code).toBe('AUTH.REFRESH_REUSED');

    // Sign-in is not replayed either: each answer carries its own tokens.
    const login = () => http().post('/api/auth/login').set('Idempotency-Key', 'login-once').send({ email: user.email, password: TEST_PASSWORD }).expect(200);
    const [one, two] = [await login(), await login()];
    expect(two.headers['idempotent-replayed']).toBeUndefined();
    expect(two.body.refreshToken).not.toBe(one.body.refreshToken);
  });

  it('accepts JSON only on auth routes: a form or plain-text body answers 415 in the platform error shape', async () => {
    const user = await district.user(['payroll']);
    const refusals = [
      http().post('/api/auth/login').type('form').send({ email: user.email, password: TEST_PASSWORD }),
      http().post('/api/auth/login').set('Content-Type', 'text/plain').send(JSON.stringify({ email: user.email, password: TEST_PASSWORD })),
      http().post('/api/auth/login').field('email', user.email).field('password', TEST_PASSWORD),
      http().post('/api/auth/refresh').type('form').send({ refreshToken: 'x' }),
      http().post('/api/auth/logout').set('Content-Type', 'text/plain').send('{"refreshToken":"x"}'),
      // Parsed elsewhere in the API (roster uploads), never by an auth route.
      http().post('/api/auth/login').set('Content-Type', 'application/zip').send(Buffer.from('PK')),
    ];
    for (const refusal of refusals) {
      const response = await refusal.expect(415);
      expect(response.body).toEqual({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: expect.any(String), correlationId: expect.any(String) });
    }
    await http().post('/api/auth/login').set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify({ email: user.email, password: TEST_PASSWORD })).expect(200);
  });

  it('logs out: the refresh token no longer works', async () => {
    const user = await district.user(['payroll']);
    const session = await signIn(app, user.email);
    await http().post('/api/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await http().post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
  });

  describe('refuses access tokens that are not ours with 401', () => {
    const claims = () => ({ did: district.id });
    const sign = (payload: object, options: { secret?: string; audience?: string; expiresAt?: number } = {}) =>
      new SignJWT({ ...payload })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(district.admin.id)
        .setIssuer('sessionledger')
        .setAudience(options.audience ?? 'sessionledger-api')
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 60)
        .sign(new TextEncoder().encode(options.secret ?? SECRET));

    it('accepts a well-formed token (control)', async () => {
      await http().get('/api/me').set('Authorization', `Bearer ${await sign(claims())}`).expect(200);
    });

    it('alg none', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(
        JSON.stringify({ sub: district.admin.id, did: district.id, iss: 'sessionledger', aud: 'sessionledger-api', iat: 1, exp: 4102444800 }),
      ).toString('base64url');
      const response = await http().get('/api/me').set('Authorization', `Bearer ${header}.${body}.`).expect(401);
      expect(response.body.code).toBe('AUTH.TOKEN_INVALID');
    });

    it('a wrong signature', async () => {
      await http().get('/api/me').set('Authorization', `Bearer ${await sign(claims(), { secret: 'another-secret-that-is-long-enough-000000' })}`).expect(401);
    });

    it('a wrong audience', async () => {
      await http().get('/api/me').set('Authorization', `Bearer ${await sign(claims(), { audience: 'someone-else' })}`).expect(401);
    });

    it('past expiry', async () => {
      const response = await http()
        .get('/api/me')
        .set('Authorization', `Bearer ${await sign(claims(), { expiresAt: Math.floor(Date.now() / 1000) - 5 })}`)
        .expect(401);
      expect(response.body.code).toBe('AUTH.TOKEN_EXPIRED');
    });

    it('no token at all', async () => {
      await http().get('/api/me').expect(401);
    });
  });

  it('ends a disabled user’s access at once, access token included', async () => {
    const user = await district.user(['payroll']);
    const session = await signIn(app, user.email);
    await as(app, session).get('/api/me').expect(200);
    const { TenantTransactions } = await import('@sessionledger/persistence');
    const { User } = await import('../src/directory/directory.entities');
    await app.get(TenantTransactions).run(district.id, async (em) => {
      const entity = await em.findOneOrFail(User, { id: user.id });
      entity.status = 'disabled';
      await em.flush();
    });
    const refused = await as(app, session).get('/api/me').expect(401);
    expect(refused.body.code).toBe('AUTH.USER_INACTIVE');
    await http().post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
  });
});

describe('Sign-in throttling per client address', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;

  beforeAll(async () => {
    // Its own key prefix: the address counter must not include the other block's sign-ins from 127.0.0.1.
    app = await startGateway({ LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '4', LOGIN_THROTTLE_WINDOW_SECONDS: '2', REDIS_PREFIX: `${currentTestRun().redisPrefix}-address` });
    district = await createDistrict(app, 1);
  });

  afterAll(() => stopApps(app));

  it('refuses an address that tries too many accounts with 429 and Retry-After, then lets it in again', async () => {
    const http = () => request(app.getHttpServer());
    for (let i = 0; i < 4; i++) {
      await http().post('/api/auth/login').send({ email: `guess-${i}@${district.domain}`, password: 'guess' }).expect(401);
    }
    const throttled = await http().post('/api/auth/login').send({ email: district.admin.email, password: TEST_PASSWORD }).expect(429);
    expect(throttled.body.code).toBe('AUTH.ADDRESS_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await http().post('/api/auth/login').send({ email: district.admin.email, password: TEST_PASSWORD }).expect(200);
  });
});

/*
 * Client addresses are simulated with X-Forwarded-For, believed because the
 * test client connects from a trusted proxy address.
 */
const TRUSTED_LOOPBACK = '127.0.0.1,::1,::ffff:127.0.0.1';

describe('Sign-in throttling counts failures only', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;

  beforeAll(async () => {
    app = await startGateway({
      TRUSTED_PROXIES: TRUSTED_LOOPBACK,
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '5',
      LOGIN_THROTTLE_WINDOW_SECONDS: '60',
      REDIS_PREFIX: `${currentTestRun().redisPrefix}-fails`,
    });
    district = await createDistrict(app, 1);
  });

  afterAll(() => stopApps(app));

  const login = (address: string, email: string, password: string) =>
    request(app.getHttpServer()).post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password });

  it('lets 60 staff sign in from one school address; only failures get the address throttled', async () => {
    const school = '203.0.113.10';
    const staff = [await district.user(['payroll']), await district.user(['payroll']), await district.user(['payroll'])];
    for (let i = 0; i < 60; i++) await login(school, staff[i % staff.length].email, TEST_PASSWORD).expect(200);

    for (let i = 0; i < 5; i++) await login(school, `guess-${i}@${district.domain}`, 'guess').expect(401);
    const newcomer = await district.user(['payroll']);
    const throttled = await login(school, newcomer.email, TEST_PASSWORD).expect(429);
    expect(throttled.body.code).toBe('AUTH.ADDRESS_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Staff who signed in from this address before are not locked out by someone else's guesses there…
    await login(school, staff[0].email, TEST_PASSWORD).expect(200);
    // …and the newcomer gets in from anywhere else.
    await login('203.0.113.99', newcomer.email, TEST_PASSWORD).expect(200);
  });
});

describe('Sign-in throttling per account and address', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;

  beforeAll(async () => {
    app = await startGateway({
      TRUSTED_PROXIES: TRUSTED_LOOPBACK,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_ACCOUNT_WIDE_FAILURE_CEILING: '6',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100',
      LOGIN_THROTTLE_WINDOW_SECONDS: '60',
      REDIS_PREFIX: `${currentTestRun().redisPrefix}-pair`,
    });
    district = await createDistrict(app, 1);
  });

  afterAll(() => stopApps(app));

  const login = (address: string, email: string, password: string) =>
    request(app.getHttpServer()).post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password });
  const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 150));

  it('delays a stranger guessing from one address ever longer, while the user signs in from another', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const stranger = '198.51.100.7';
    for (let i = 0; i < 3; i++) await login(stranger, user.email, `guess ${i}`).expect(401);

    const delays: number[] = [];
    for (let round = 0; round < 3; round++) {
      const throttled = await login(stranger, user.email, TEST_PASSWORD).expect(429);
      expect(throttled.body).toEqual({
        code: 'AUTH.ACCOUNT_THROTTLED',
        message: expect.any(String),
        details: { retryAfterSeconds: Number(throttled.headers['retry-after']) },
        correlationId: expect.any(String),
      });
      delays.push(Number(throttled.headers['retry-after']));
      // The owner, elsewhere, is not held up by the stranger's guesses.
      await login('192.0.2.20', user.email, TEST_PASSWORD).expect(200);
      if (round === 2) break;
      await sleep(delays[round]);
      await login(stranger, user.email, `another guess ${round}`).expect(401);
    }
    expect(delays).toEqual([1, 2, 4]);
  });

  it('tightens every address once the account has many failures in all, without locking the owner out', async () => {
    const user = await district.user(['payroll']);
    // Six addresses, one guess each: none reaches the per-address allowance of 3.
    for (let i = 1; i <= 6; i++) await login(`10.0.0.${i}`, user.email, 'guess').expect(401);
    // Past the account-wide ceiling, one failure is enough to delay an address.
    await login('10.0.0.7', user.email, 'guess').expect(401);
    expect((await login('10.0.0.7', user.email, 'guess').expect(429)).body.code).toBe('AUTH.ACCOUNT_THROTTLED');
    expect((await login('10.0.0.1', user.email, 'guess').expect(401)).body.code).toBe('AUTH.INVALID_CREDENTIALS');
    await login('10.0.0.1', user.email, TEST_PASSWORD).expect(429);
    // An address that has not failed for this account is never delayed.
    await login('192.0.2.30', user.email, TEST_PASSWORD).expect(200);
  });
});
