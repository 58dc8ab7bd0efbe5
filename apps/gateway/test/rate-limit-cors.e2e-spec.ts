import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request, { Response } from 'supertest';
import { corsOriginProblems } from '@sessionledger/config';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, signIn, startGateway, TestDistrict } from './support/gateway-harness';

const LISTED = 'https://sis.example.org';
const LOCAL_DEV = 'http://localhost:5173';
const UNLISTED = 'https://evil.example.net';

function expectRateLimitHeaders(response: Response, limit: number): void {
  expect(response.headers['ratelimit-limit']).toBe(String(limit));
  expect(Number(response.headers['ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
  expect(Number(response.headers['ratelimit-remaining'])).toBeLessThan(limit);
  expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
  expect(Number(response.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
}

/** Sends until a 429 (a minute turning over mid-way resets the count once, so twice the limit and one more always reach it). */
async function untilRefused(send: () => Promise<Response>, limit: number): Promise<{ refused: Response; admitted: number }> {
  let admitted = 0;
  for (let i = 0; i < 2 * limit + 2; i++) {
    const response = await send();
    if (response.status === 429) return { refused: response, admitted };
    admitted++;
  }
  throw new Error(`no 429 after ${2 * limit + 2} requests`);
}

describe('Rate limits and CORS', () => {
  /** The test environment's limits are huge: every test file sends far more than a person. */
  const TEST_LIMIT = 1_000_000;
  let plain: NestFastifyApplication;
  let tiny: NestFastifyApplication;
  let cors: NestFastifyApplication;
  let district: TestDistrict;

  beforeAll(async () => {
    plain = await startGateway();
    tiny = await startGateway({ RATE_LIMIT_USER_PER_MINUTE: '4', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3', RATE_LIMIT_CLIENT_PER_MINUTE: '5' });
    cors = await startGateway({ CORS_ALLOWED_ORIGINS: `${LISTED}, ${LOCAL_DEV}` });
    district = await createDistrict(plain, 1);
  });

  afterAll(() => stopApps(plain, tiny, cors));

  describe('rate limits', () => {
    it('states the caller’s limit on successes and refusals alike, and never on the probes', async () => {
      const admin = await signIn(plain, district.admin.email);
      const ok = await as(plain, admin).get('/api/me');
      expect(ok.status).toBe(200);
      expectRateLimitHeaders(ok, TEST_LIMIT);

      const unauthenticated = await request(plain.getHttpServer()).get('/api/me');
      expect(unauthenticated.status).toBe(401);
      expectRateLimitHeaders(unauthenticated, TEST_LIMIT);

      const invalid = await as(plain, admin).get('/api/students?page=0');
      expect(invalid.status).toBe(400);
      expectRateLimitHeaders(invalid, TEST_LIMIT);

      const probe = await request(plain.getHttpServer()).get('/health/live');
      expect(probe.status).toBe(200);
      expect(probe.headers['ratelimit-limit']).toBeUndefined();
    });

    it('refuses a user past the limit with 429 and Retry-After, without touching another user', async () => {
      const first = await signIn(plain, district.admin.email);
      const otherUser = await district.user(['district_admin']);
      const second = await signIn(plain, otherUser.email);

      const { refused, admitted } = await untilRefused(() => as(tiny, first).get('/api/me'), 4);
      expect(admitted).toBeGreaterThanOrEqual(1);
      expect(refused.body).toMatchObject({ code: 'REQUEST.RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) }, correlationId: expect.any(String) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['retry-after']).toBe(refused.headers['ratelimit-reset']);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(refused.headers['ratelimit-limit']).toBe('4');

      const other = await as(tiny, second).get('/api/me');
      expect(other.status).toBe(200);
      expect(other.headers['ratelimit-limit']).toBe('4');
    });

    it('counts callers without a valid token by address, with their own limit', async () => {
      const forged = { accessToken: 'not-a-token', refreshToken: '' };
      const { refused } = await untilRefused(() => as(tiny, forged).get('/api/me'), 3);
      expect(refused.headers['ratelimit-limit']).toBe('3');
      expect(refused.body.code).toBe('REQUEST.RATE_LIMITED');
    });

    it('gives API clients their own limit', async () => {
      const admin = await signIn(plain, district.admin.email);
      const created = await as(plain, admin).post('/api/api-clients').send({ name: 'Limited', scopes: ['directory:read'] });
      expect(created.status).toBe(201);
      // The token comes from the unlimited app: this file's address allowance is spent on `tiny`.
      const issued = await request(plain.getHttpServer()).post('/api/oauth/token').auth(created.body.clientId, created.body.clientSecret).type('form').send('grant_type=client_credentials');
      expect(issued.status).toBe(200);
      const machine = { accessToken: issued.body.access_token, refreshToken: '' };
      const { refused } = await untilRefused(() => as(tiny, machine).get('/api/schools'), 5);
      expect(refused.headers['ratelimit-limit']).toBe('5');
    });

    it('throttles failed client authentications per address (OAuth slow_down, Retry-After)', async () => {
      const admin = await signIn(plain, district.admin.email);
      const created = await as(plain, admin).post('/api/api-clients').send({ name: 'Guessed at', scopes: ['sessions:read'] });
      // Its own app: the other apps keep the default allowance, and nothing else in this file fails a client authentication.
      const guarded = await startGateway({ LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '3' });
      try {
        const attempt = (secret: string) =>
          request(guarded.getHttpServer()).post('/api/oauth/token').auth(created.body.clientId, secret).type('form').send('grant_type=client_credentials');
        for (let i = 0; i < 3; i++) expect((await attempt('sls_wrong')).status).toBe(401);
        const held = await attempt(created.body.clientSecret);
        expect(held.status).toBe(429);
        expect(held.body.error).toBe('slow_down');
        expect(Number(held.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      } finally {
        await stopApps(guarded);
      }
    });
  });

  describe('CORS', () => {
    it('is off by default: no CORS header for any origin', async () => {
      const simple = await request(plain.getHttpServer()).get('/api/me').set('Origin', LISTED);
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(plain.getHttpServer()).options('/api/sessions').set('Origin', LISTED).set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.status).not.toBe(204);
    });

    it('answers a listed origin’s preflight and marks its requests readable', async () => {
      const preflight = await request(cors.getHttpServer())
        .options('/api/sessions')
        .set('Origin', LISTED)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(LISTED);
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');
      expect(preflight.headers['access-control-allow-headers']).toEqual(expect.stringMatching(/Authorization.*Content-Type.*Idempotency-Key/));
      expect(Number(preflight.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(preflight.headers.vary).toContain('Origin');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

      const admin = await signIn(plain, district.admin.email);
      const simple = await as(cors, admin).get('/api/me').set('Origin', LOCAL_DEV);
      expect(simple.status).toBe(200);
      expect(simple.headers['access-control-allow-origin']).toBe(LOCAL_DEV);
      expect(simple.headers['access-control-expose-headers']).toContain('RateLimit-Remaining');
      expect(simple.headers.vary).toContain('Origin');
    });

    it('gives an unlisted origin nothing', async () => {
      const simple = await request(cors.getHttpServer()).get('/api/me').set('Origin', UNLISTED);
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(cors.getHttpServer()).options('/api/sessions').set('Origin', UNLISTED).set('Access-Control-Request-Method', 'POST');
      expect(preflight.status).not.toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    });

    it('accepts only exact https origins (http for localhost outside production)', () => {
      expect(corsOriginProblems(`${LISTED},https://app.example.org:8443`, 'production')).toEqual([]);
      expect(corsOriginProblems('', 'production')).toEqual([]);
      expect(corsOriginProblems(LOCAL_DEV, 'development')).toEqual([]);
      expect(corsOriginProblems(LOCAL_DEV, 'production')).toEqual([expect.stringContaining('must be https')]);
      expect(corsOriginProblems('http://sis.example.org', 'development')).toEqual([expect.stringContaining('must be https')]);
      for (const bad of ['*', 'https://sis.example.org/', 'https://sis.example.org/path', 'https://SIS.example.org', 'sis.example.org']) {
        expect(corsOriginProblems(bad, 'production')).toEqual([expect.stringContaining('is not an origin')]);
      }
    });
  });
});
