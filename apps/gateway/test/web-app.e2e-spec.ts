import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { stopApps } from '@sessionledger/testing';
import { IMMUTABLE } from '../src/http/web-app';
import { startGateway } from './support/gateway-harness';
import { ensureWebAppBuilt } from './support/web-build';

/** The gateway serves the built web app at `/`, on the same origin as the API, without changing the API's answers. */
describe('The web app served by the gateway', () => {
  let gateway: NestFastifyApplication;
  let asset: string;

  beforeAll(async () => {
    const root = ensureWebAppBuilt();
    asset = readdirSync(join(root, 'assets')).find((file) => file.endsWith('.js')) ?? '';
    gateway = await startGateway();
  }, 200_000);

  afterAll(() => stopApps(gateway));

  const http = () => request(gateway.getHttpServer());

  it('answers / with the app page, never stored, under a policy that allows only its own scripts', async () => {
    const response = await http().get('/').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.text).toContain('<div id="root">');
  });

  it('lets browsers keep hashed assets for a year', async () => {
    expect(asset).toMatch(/-[\w-]{8}\.js$/);
    const response = await http().get(`/assets/${asset}`).expect(200);
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(response.headers['content-type']).toMatch(/javascript/);
  });

  it('does not count the app’s files against the address’s rate limit (a school behind one address opens it at once)', async () => {
    for (const path of ['/', `/assets/${asset}`, '/today']) expect((await http().get(path).expect(200)).headers['ratelimit-limit']).toBeUndefined();
    expect((await http().get('/api/nope').expect(404)).headers['ratelimit-limit']).toBeDefined();
  });

  it('answers the app’s own routes with the app page, so a reload or a bookmark works', async () => {
    for (const path of ['/today', '/sessions/new', '/sessions/0190d5a0-0000-7000-8000-000000000000?tab=notes']) {
      const response = await http().get(path).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.text).toContain('<div id="root">');
    }
  });

  it('keeps the API’s JSON 404 and 405 for unknown API paths and methods', async () => {
    const notFound = await http().get('/api/nope').expect(404);
    expect(notFound.headers['content-type']).toMatch(/^application\/json/);
    expect(notFound.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });

    const wrongMethod = await http().get('/api/auth/login').expect(405);
    expect(wrongMethod.body).toMatchObject({ code: 'ROUTE.METHOD_NOT_ALLOWED' });
  });

  it('serves the installable app: its manifest, and a service worker checked on every load that may fetch the shell', async () => {
    const manifest = await http().get('/manifest.webmanifest').expect(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(JSON.parse(manifest.text)).toMatchObject({ name: 'Sessionledger', start_url: '/today', display: 'standalone' });
    const worker = await http().get('/sw.js').expect(200);
    expect(worker.headers['content-type']).toMatch(/javascript/);
    expect(worker.headers['cache-control']).toBe('no-cache');
    // A worker runs under the policy it was served with: the API's default-src 'none' would forbid its fetches.
    expect(worker.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(worker.text).toContain('/api');
  });

  it('answers a missing file or an old asset with 404, not with the page', async () => {
    await http().get('/assets/index-gone1234.js').expect(404);
    await http().get('/favicon.ico').expect(404);
    await http().post('/today').send({}).expect(404);
  });
});
