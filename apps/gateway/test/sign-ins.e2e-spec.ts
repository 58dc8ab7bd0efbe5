import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { currentTestRun, stopApps } from '@sessionledger/testing';
import { TenantTransactions } from '@sessionledger/persistence';
import { PasswordTokens } from '../src/accounts/password-tokens';
import { as, createDistrict, Session, startGateway, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/* Client addresses are simulated with X-Forwarded-For, believed because the test client connects from a trusted proxy address. */
const TRUSTED_LOOPBACK = '127.0.0.1,::1,::ffff:127.0.0.1';

interface SignInItem {
  id: string;
  device: string;
  userAgent: string | null;
  address: string | null;
  startedAt: string;
  lastUsedAt: string;
  method: string | null;
  current: boolean;
}

describe('Sign-ins of an account', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await startGateway({ TRUSTED_PROXIES: TRUSTED_LOOPBACK, LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000', REDIS_PREFIX: `${currentTestRun().redisPrefix}-sign-ins` });
    district = await createDistrict(app, 1);
    other = await createDistrict(app, 1);
    admin = await signInFrom(district.admin, '198.51.100.1', FIREFOX_ON_WINDOWS);
  });

  afterAll(() => stopApps(app));

  async function signInFrom(user: TestUser, address: string, userAgent: string): Promise<Session> {
    const response = await request(server())
      .post('/api/auth/login')
      .set('X-Forwarded-For', address)
      .set('User-Agent', userAgent)
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);
    return response.body as Session;
  }

  const provider = () => district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
  const listOf = async (session: Session, path = '/api/me/sign-ins'): Promise<SignInItem[]> => (await as(app, session).get(path).expect(200)).body.items;
  const refresh = (session: Session, address = '192.0.2.1') => request(server()).post('/api/auth/refresh').set('X-Forwarded-For', address).send({ refreshToken: session.refreshToken });
  const rowOf = (signInId: string) =>
    app.get(TenantTransactions).run(district.id, async (em) => {
      const [row] = (await em.execute(`select ended_at, ended_by, end_reason from gateway.sign_in where id = ?`, [signInId])) as {
        ended_at: string | null;
        ended_by: string | null;
        end_reason: string | null;
      }[];
      return row;
    });

  it('lists each sign-in with its device, browser, address, start and method, newest first, marking the one making the request', async () => {
    const user = await provider();
    await signInFrom(user, '203.0.113.7', FIREFOX_ON_WINDOWS);
    const phone = await signInFrom(user, '198.51.100.9', SAFARI_ON_IPHONE);

    const response = await as(app, phone).get('/api/me/sign-ins').expect(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 50, total: 2 });
    expect(response.body.items).toEqual([
      {
        id: expect.any(String),
        device: 'Safari on iOS',
        userAgent: SAFARI_ON_IPHONE,
        address: '198.51.100.9',
        startedAt: expect.any(String),
        lastUsedAt: expect.any(String),
        method: 'password',
        current: true,
      },
      expect.objectContaining({ device: 'Firefox on Windows', userAgent: FIREFOX_ON_WINDOWS, address: '203.0.113.7', method: 'password', current: false }),
    ]);
    const [newest, oldest] = response.body.items as SignInItem[];
    expect(new Date(newest.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(oldest.startedAt).getTime());
  });

  it('notes when and from where a sign-in was last refreshed, keeping when it started', async () => {
    const user = await provider();
    const laptop = await signInFrom(user, '203.0.113.7', FIREFOX_ON_WINDOWS);
    const [before] = await listOf(laptop);
    const rotated = (await refresh(laptop, '192.0.2.44').expect(200)).body as Session;

    const [after] = await listOf(rotated);
    expect(after).toMatchObject({ id: before.id, startedAt: before.startedAt, address: '192.0.2.44', current: true });
    expect(new Date(after.lastUsedAt).getTime()).toBeGreaterThan(new Date(before.lastUsedAt).getTime());
  });

  it('ends one sign-in at once: its refresh token and its unexpired access token are refused, the other keeps working', async () => {
    const user = await provider();
    const laptop = await signInFrom(user, '203.0.113.7', FIREFOX_ON_WINDOWS);
    const phone = await signInFrom(user, '198.51.100.9', SAFARI_ON_IPHONE);
    const laptopId = (await listOf(phone)).find((item) => !item.current)!.id;
    await as(app, laptop).get('/api/me').expect(200);

    await as(app, phone).delete(`/api/me/sign-ins/${laptopId}`).expect(204);

    const refused = await as(app, laptop).get('/api/me').expect(401);
    expect(refused.body).toEqual({ code: 'AUTH.SIGN_IN_ENDED', message: expect.any(String), correlationId: expect.any(String) });
    expect((await refresh(laptop).expect(401)).body.code).toBe('AUTH.SIGN_IN_ENDED');
    await as(app, phone).get('/api/me').expect(200);
    expect((await listOf(phone)).map((item) => item.device)).toEqual(['Safari on iOS']);
    expect(await rowOf(laptopId)).toMatchObject({ ended_at: expect.any(String), ended_by: user.id, end_reason: 'ended' });
    // Ending it again changes nothing.
    await as(app, phone).delete(`/api/me/sign-ins/${laptopId}`).expect(204);
  });

  it('ends every sign-in but the current one by default, and all of them with keepCurrent=false', async () => {
    const user = await provider();
    const [first, second, third] = [
      await signInFrom(user, '203.0.113.1', FIREFOX_ON_WINDOWS),
      await signInFrom(user, '203.0.113.2', SAFARI_ON_IPHONE),
      await signInFrom(user, '203.0.113.3', FIREFOX_ON_WINDOWS),
    ];

    expect((await as(app, third).delete('/api/me/sign-ins').expect(200)).body).toEqual({ ended: 2 });
    await as(app, first).get('/api/me').expect(401);
    await as(app, second).get('/api/me').expect(401);
    expect(await listOf(third)).toEqual([expect.objectContaining({ address: '203.0.113.3', current: true })]);

    expect((await as(app, third).delete('/api/me/sign-ins?keepCurrent=false').expect(200)).body).toEqual({ ended: 1 });
    expect((await as(app, third).get('/api/me').expect(401)).body.code).toBe('AUTH.SIGN_IN_ENDED');
  });

  it('lets a district admin list and end a user’s sign-ins, recording who ended them', async () => {
    const user = await provider();
    const laptop = await signInFrom(user, '203.0.113.7', FIREFOX_ON_WINDOWS);
    const phone = await signInFrom(user, '198.51.100.9', SAFARI_ON_IPHONE);

    const listed = await listOf(admin, `/api/users/${user.id}/sign-ins`);
    expect(listed.map((item) => [item.device, item.current])).toEqual([
      ['Safari on iOS', false],
      ['Firefox on Windows', false],
    ]);

    await as(app, admin).delete(`/api/users/${user.id}/sign-ins/${listed[0].id}`).expect(204);
    await as(app, phone).get('/api/me').expect(401);
    await as(app, laptop).get('/api/me').expect(200);
    expect(await rowOf(listed[0].id)).toMatchObject({ ended_by: district.admin.id, end_reason: 'ended' });

    expect((await as(app, admin).delete(`/api/users/${user.id}/sign-ins`).expect(200)).body).toEqual({ ended: 1 });
    await as(app, laptop).get('/api/me').expect(401);
    expect(await listOf(admin, `/api/users/${user.id}/sign-ins`)).toEqual([]);
    await as(app, admin).get('/api/me').expect(200);
  });

  it('keeps everyone else out: another district’s user 404, another user’s sign-in 404, school admins and providers 403', async () => {
    const stranger = await other.user(['provider'], { schoolIds: [other.schools[0].id], providerKind: 'tutor' });
    const strangerSession = await signInFrom(stranger, '203.0.113.50', FIREFOX_ON_WINDOWS);
    const strangerSignIn = (await listOf(strangerSession))[0].id;
    const colleague = await provider();
    const colleagueSession = await signInFrom(colleague, '203.0.113.51', FIREFOX_ON_WINDOWS);
    const colleagueSignIn = (await listOf(colleagueSession))[0].id;
    const user = await provider();
    const mine = await signInFrom(user, '203.0.113.52', SAFARI_ON_IPHONE);
    const schoolAdmin = await signInFrom(await district.user(['school_admin'], { schoolIds: [district.schools[0].id] }), '203.0.113.53', FIREFOX_ON_WINDOWS);

    expect((await as(app, admin).get(`/api/users/${stranger.id}/sign-ins`).expect(404)).body.code).toBe('USER.NOT_FOUND');
    await as(app, admin).delete(`/api/users/${stranger.id}/sign-ins`).expect(404);
    await as(app, admin).delete(`/api/users/${stranger.id}/sign-ins/${strangerSignIn}`).expect(404);
    // A sign-in id of one user under another user's path is not found either.
    await as(app, admin).delete(`/api/users/${user.id}/sign-ins/${colleagueSignIn}`).expect(404);
    expect((await as(app, mine).delete(`/api/me/sign-ins/${colleagueSignIn}`).expect(404)).body.code).toBe('SIGN_IN.NOT_FOUND');
    await as(app, mine).delete(`/api/me/sign-ins/${strangerSignIn}`).expect(404);

    for (const caller of [mine, schoolAdmin]) {
      expect((await as(app, caller).get(`/api/users/${colleague.id}/sign-ins`).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      await as(app, caller).delete(`/api/users/${colleague.id}/sign-ins`).expect(403);
      await as(app, caller).delete(`/api/users/${colleague.id}/sign-ins/${colleagueSignIn}`).expect(403);
    }
    await as(app, colleagueSession).get('/api/me').expect(200);
    await as(app, strangerSession).get('/api/me').expect(200);
  });

  it('answers 400 naming the field for a bad id, user id, keepCurrent or page size', async () => {
    const session = await signInFrom(await provider(), '203.0.113.9', FIREFOX_ON_WINDOWS);
    const cases: [() => request.Test, string][] = [
      [() => as(app, session).delete('/api/me/sign-ins/not-a-uuid'), 'id'],
      [() => as(app, admin).get('/api/users/not-a-uuid/sign-ins'), 'userId'],
      [() => as(app, session).delete('/api/me/sign-ins?keepCurrent=maybe'), 'keepCurrent'],
      [() => as(app, session).get('/api/me/sign-ins?pageSize=1000'), 'pageSize'],
      [() => as(app, session).get('/api/me/sign-ins?updatedSince=yesterday'), 'updatedSince'],
    ];
    for (const [send, field] of cases) {
      const response = await send().expect(400);
      expect(response.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    await as(app, session).get('/api/me').expect(200);
  });

  it('stores the browser’s description without control characters, cut to 256 characters', async () => {
    const user = await provider();
    const long = `Mozilla/5.0 (X11; Linux x86_64)\tFirefox/128.0 ${'x'.repeat(400)}`;
    const session = await signInFrom(user, '203.0.113.10', long);
    const [item] = await listOf(session);
    expect(item.userAgent).toHaveLength(256);
    expect(item.userAgent).not.toContain('\t');
    expect(item.device).toBe('Firefox on Linux');
  });

  it('ends every sign-in of the account when its password is reset from an e-mailed link', async () => {
    const user = await provider();
    const laptop = await signInFrom(user, '203.0.113.7', FIREFOX_ON_WINDOWS);
    const phone = await signInFrom(user, '198.51.100.9', SAFARI_ON_IPHONE);
    const ids = (await listOf(phone)).map((item) => item.id);
    const { token } = await app.get(TenantTransactions).run(district.id, (em) => app.get(PasswordTokens).issue(em, district.id, user.id, 'reset', null));

    await request(server()).post('/api/auth/password-reset/confirm').send({ token, password: 'a brand new passphrase' }).expect(204);

    for (const session of [laptop, phone]) {
      expect((await as(app, session).get('/api/me').expect(401)).body.code).toBe('AUTH.SIGN_IN_ENDED');
      await refresh(session).expect(401);
    }
    expect(await listOf(admin, `/api/users/${user.id}/sign-ins`)).toEqual([]);
    for (const id of ids) expect(await rowOf(id)).toMatchObject({ ended_at: expect.any(String), ended_by: null, end_reason: 'password_reset' });
  });
});
