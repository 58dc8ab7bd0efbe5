import { Writable } from 'node:stream';
import { MikroORM } from '@mikro-orm/postgresql';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import request from 'supertest';
import { loadEnvironment } from '@sessionledger/config';
import { JsonLogger, MetricsServer } from '@sessionledger/platform';
import { spawnTs, stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

/**
 * What an outsider or a careless admin can send: each case reproduces an
 * attack that once took the platform down or in, and shows the refusal.
 */
describe('Hostile input and secrets', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let counter = 0;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await startGateway();
    district = await createDistrict(app, 1);
    admin = await signIn(app, district.admin.email);
  });

  afterAll(() => stopApps(app));

  const staff = (overrides: Record<string, unknown> = {}) => ({
    email: `staff-${++counter}@${district.domain}`,
    firstName: 'Terry',
    lastName: 'Tutor',
    roles: ['provider'],
    providerKind: 'tutor',
    schoolIds: [district.schools[0].id],
    ...overrides,
  });

  describe('signing secret', () => {
    const production = (secret?: string) => ({ NODE_ENV: 'production', ...(secret === undefined ? {} : { JWT_SECRET: secret }) });

    it.each([
      ['missing', undefined, /JWT_SECRET: must be set/],
      ['shorter than 32 bytes', 'a8F3kQ9zLm2Xp7Rt', /JWT_SECRET: must be at least 32 bytes/],
      ['the default this repository shipped', 'development-only-secret-change-me-0123456789', /JWT_SECRET: is a placeholder/],
      ['the docker-compose fallback', 'dev-only-jwt-secret-change-me-0123456789abcdef', /JWT_SECRET: is a placeholder/],
      ['the k8s example', 'REPLACE-ME-example-jwt-secret-at-least-32-characters', /JWT_SECRET: is a placeholder/],
      ['one repeated character', 'x'.repeat(64), /JWT_SECRET: is a placeholder/],
    ])('refuses to load a production environment whose secret is %s, naming the variable', (_case, secret, problem) => {
      expect(() => loadEnvironment(production(secret))).toThrow(problem);
    });

    it('accepts a random secret in production, and makes a random one per process in development', () => {
      const random = 'Vq3x9Lr0Zk2Yd7Wm5Np8Tb1Hc4Gf6Js0Ae3Ru9Io2';
      expect(loadEnvironment(production(random)).JWT_SECRET).toBe(random);
      const first = loadEnvironment({ NODE_ENV: 'development' }).JWT_SECRET;
      const second = loadEnvironment({ NODE_ENV: 'development' }).JWT_SECRET;
      expect(first).toHaveLength(64);
      expect(first).not.toBe(second);
    });

    it('treats an unset NODE_ENV as production', () => {
      expect(() => loadEnvironment({})).toThrow(/JWT_SECRET: must be set/);
    });

    it('stops the gateway at boot with a placeholder secret, naming JWT_SECRET', async () => {
      const child = spawnTs('apps/gateway/src/main.ts', ['serve'], {
        ...process.env,
        NODE_ENV: 'production',
        JWT_SECRET: 'development-only-secret-change-me-0123456789',
        LOG_LEVEL: 'silent',
      });
      let output = '';
      child.stdout?.on('data', (chunk) => (output += String(chunk)));
      child.stderr?.on('data', (chunk) => (output += String(chunk)));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).not.toBe(0);
      expect(output).toContain('JWT_SECRET: is a placeholder');
    });

    it('refuses a correctly signed token whose lifetime exceeds the access-token TTL', async () => {
      const env = loadEnvironment({ ...process.env, NODE_ENV: 'test', JWT_SECRET: 'test-secret-that-is-long-enough-0123456789' });
      const mint = (lifetimeSeconds: number) => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({ did: district.id })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setSubject(district.admin.id)
          .setIssuer(env.JWT_ISSUER)
          .setAudience(env.JWT_AUDIENCE)
          .setIssuedAt(now)
          .setExpirationTime(now + lifetimeSeconds)
          .sign(new TextEncoder().encode(env.JWT_SECRET));
      };
      await request(server()).get('/api/me').set('Authorization', `Bearer ${await mint(600)}`).expect(200);
      const longLived = await request(server()).get('/api/me').set('Authorization', `Bearer ${await mint(30 * 24 * 3600)}`).expect(401);
      expect(longLived.body).toEqual({ code: 'AUTH.TOKEN_INVALID', message: expect.any(String), correlationId: expect.any(String) });
    });
  });

  describe('request bodies', () => {
    it('refuses JSON nested 100,000 levels deep with 400 REQUEST.TOO_DEEP, and keeps answering', async () => {
      const body = `{"email":${'['.repeat(100_000)}${']'.repeat(100_000)},"password":"x"}`;
      const response = await request(server()).post('/api/auth/login').set('content-type', 'application/json').send(body).expect(400);
      expect(response.body).toEqual({ code: 'REQUEST.TOO_DEEP', message: expect.stringContaining('32'), correlationId: expect.any(String) });
      await request(server()).get('/health/live').expect(200);
    });

    it('counts depth from the brackets that nest, not those inside strings', async () => {
      const deepButValid = { firstName: '['.repeat(80), lastName: '{'.repeat(80) };
      const created = await as(app, admin).post('/api/staff').send(staff(deepButValid)).expect(201);
      expect(created.body.firstName).toBe('['.repeat(80));
      const tooDeep = `{"firstName":${'['.repeat(33)}${']'.repeat(33)}}`;
      const refused = await as(app, admin).post('/api/staff').set('content-type', 'application/json').send(tooDeep).expect(400);
      expect(refused.body.code).toBe('REQUEST.TOO_DEEP');
    });

    it('refuses a body over the 1 MiB default with 413 in the error shape', async () => {
      const response = await request(server())
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ email: 'a@b.test', password: 'p'.repeat(1024 * 1024 + 10) }))
        .expect(413);
      expect(response.body).toEqual({ code: 'REQUEST.TOO_LARGE', message: expect.any(String), correlationId: expect.any(String) });
    });

    it('refuses a body that is not valid UTF-8, instead of storing replacement characters', async () => {
      const latin1 = Buffer.concat([Buffer.from(`{"email":"staff-x@${district.domain}","firstName":"Zo`), Buffer.from([0xeb]), Buffer.from('"}')]);
      const response = await as(app, admin)
        .post('/api/staff')
        .set('content-type', 'application/json')
        .serialize((bytes: unknown) => bytes as string)
        .send(latin1 as unknown as string)
        .expect(400);
      expect(response.body.code).toBe('REQUEST.INVALID_UTF8');
    });

    it.each([
      ['form-encoded', 'application/x-www-form-urlencoded', 'email=a%40b.test&password=x'],
      ['plain text', 'text/plain', '{"email":"a@b.test","password":"x"}'],
    ])('answers a %s body 415: a page on another site cannot post a form to the API', async (_case, type, body) => {
      const response = await request(server()).post('/api/auth/login').set('content-type', type).send(body).expect(415);
      expect(response.body).toEqual({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: expect.any(String), correlationId: expect.any(String) });
    });
  });

  describe('NUL bytes and lone surrogates', () => {
    it.each([
      ['a NUL byte', 'Ter\u0000ry'],
      ['a lone high surrogate', 'Ter\ud800ry'],
      ['a lone low surrogate', '\udc00Terry'],
    ])('refuses %s in a body field with 400 naming the field, and writes nothing', async (_case, firstName) => {
      const body = staff({ firstName });
      const response = await as(app, admin).post('/api/staff').set('content-type', 'application/json').send(JSON.stringify(body)).expect(400);
      expect(response.body).toMatchObject({ code: 'REQUEST.INVALID', fields: [{ field: 'firstName', problems: [expect.stringContaining('NUL')] }] });
      const list = await as(app, admin).get(`/api/staff?q=${encodeURIComponent('Terry')}&pageSize=200`).expect(200);
      expect(list.body.items.map((item: { email: string }) => item.email)).not.toContain(body.email);
    });

    it('names nested fields, query parameters and object keys', async () => {
      const nested = await as(app, admin)
        .put('/api/session-catalog')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ services: [{ name: 'Reading\u0000' }] }))
        .expect(400);
      expect(nested.body.fields).toEqual([{ field: 'services[0].name', problems: [expect.any(String)] }]);
      const query = await as(app, admin).get('/api/staff?q=Ter%00ry').expect(400);
      expect(query.body.fields).toEqual([{ field: 'q', problems: [expect.any(String)] }]);
      const key = await as(app, admin).post('/api/staff').set('content-type', 'application/json').send('{"first\\u0000Name":"x"}').expect(400);
      expect(key.body.fields[0].field).toBe('first\u0000Name');
    });

    it('refuses them on the routes of every back-end service before the command leaves the gateway', async () => {
      const nul = 'x\u0000y';
      for (const [method, url, body, field] of [
        ['post', '/api/series', { description: nul }, 'description'],
        ['post', '/api/work-orders', { type: nul }, 'type'],
        ['post', '/api/reporting/exports', { format: nul }, 'format'],
        ['put', '/api/session-catalog', { subjects: [nul] }, 'subjects[0]'],
      ] as const) {
        const response = await as(app, admin)[method](url).set('content-type', 'application/json').send(JSON.stringify(body));
        expect({ url, status: response.status, fields: response.body.fields }).toEqual({ url, status: 400, fields: [{ field, problems: [expect.any(String)] }] });
      }
    });

    it('never logs the bound values of a failed SQL statement', async () => {
      const orm = app.get(MikroORM);
      const secretNote = 'Zoe cried about her father today';
      const failure = await orm.em
        .fork()
        .getConnection()
        .execute('select length(?::text) as n, ?::uuid as id', [`${secretNote}\u0000`, secretNote])
        .catch((error: unknown) => error as Error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain(secretNote);

      const chunks: string[] = [];
      const logger = new JsonLogger('gateway', 'info', new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) }));
      logger.error(failure);
      logger.error({ err: { message: (failure as Error).message, stack: (failure as Error).stack }, route: '/api/x' }, 'request failed');
      logger.error({ err: failure }, 'command handler failed');
      logger.flush();
      const written = chunks.join('');
      expect(written.split('\n').filter(Boolean)).toHaveLength(3);
      expect(written).not.toContain('Zoe');
      expect(written).toContain('[sql redacted]');
    });
  });

  describe('headers', () => {
    it('marks every API answer no-store, nosniff, no-referrer, unframeable', async () => {
      for (const response of [
        await as(app, admin).get('/api/me').expect(200),
        await request(server()).post('/api/auth/login').send({ email: 'nobody@nowhere.test', password: 'x' }),
        await request(server()).get('/api/no-such-route').expect(404),
      ]) {
        expect(response.headers).toMatchObject({
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        });
      }
    });

    it('gives the API docs page a policy of its own scripts only, never framed', async () => {
      const page = await request(server()).get('/api/docs').redirects(1).expect(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options']).toBe('DENY');
    });

    it('serves metrics on their own port only, never the public one', async () => {
      await request(server()).get('/metrics').expect(404);
      const metrics = app.get(MetricsServer);
      const scrape = await request(metrics.url).get('/metrics').expect(200);
      expect(scrape.text).toContain('http_request_duration_seconds');
      expect(metrics.port).not.toBe((server().address() as { port?: number } | null)?.port);
    });

    it('can turn the API docs off', async () => {
      const quiet = await startGateway({ API_DOCS_ENABLED: 'false' });
      try {
        await request(quiet.getHttpServer()).get('/api/docs-json').expect(404);
        await request(quiet.getHttpServer()).get('/api/docs').expect(404);
      } finally {
        await stopApps(quiet);
      }
    });
  });

  describe('smaller refusals', () => {
    it('answers 400 naming page for a page beyond the last possible one (was 500: bigint out of range)', async () => {
      for (const page of ['99999999999999999999', '1000001']) {
        const response = await as(app, admin).get(`/api/staff?page=${page}`).expect(400);
        expect(response.body.fields).toEqual([{ field: 'page', problems: [expect.any(String)] }]);
      }
      await as(app, admin).get('/api/staff?page=1000000').expect(200);
    });

    it('answers an over-long URL with 431 in the error shape', async () => {
      const response = await request(server()).get(`/api/staff?q=${'a'.repeat(20_000)}`).expect(431);
      expect(JSON.parse(response.text)).toEqual({ code: 'REQUEST.HEADERS_TOO_LARGE', message: expect.any(String), correlationId: expect.any(String) });
    });

    it('refuses a look-alike e-mail mixing Latin and Cyrillic letters', async () => {
      const lookAlike = `t\u0435acher-${++counter}@${district.domain}`;
      const response = await as(app, admin).post('/api/staff').send(staff({ email: lookAlike })).expect(400);
      expect(response.body.fields).toEqual([{ field: 'email', problems: [expect.stringContaining('writing systems')] }]);
    });

    it('stores an e-mail in its one NFKC spelling, so the full-width twin is the same account', async () => {
      const ascii = `wide-${++counter}@${district.domain}`;
      const fullWidth = [...`wide-${counter}`].map((char) => String.fromCodePoint(char.codePointAt(0)! + 0xfee0)).join('') + `@${district.domain}`;
      const created = await as(app, admin).post('/api/staff').send(staff({ email: fullWidth, password: 'a long enough passphrase' })).expect(201);
      expect(created.body.email).toBe(ascii);
      await as(app, admin).post('/api/staff').send(staff({ email: ascii })).expect(409);
      await signIn(app, fullWidth, 'a long enough passphrase');
    });
  });
});
