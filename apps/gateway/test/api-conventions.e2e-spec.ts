import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import request from 'supertest';
import { Environment } from '@sessionledger/config';
import { REDIS } from '@sessionledger/platform';
import { stopApps } from '@sessionledger/testing';
import { canonicalJson } from '../src/http/idempotency.interceptor';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

describe('API conventions', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;

  beforeAll(async () => {
    app = await startGateway();
    district = await createDistrict(app, 1);
    admin = await signIn(app, district.admin.email);
  });

  afterAll(() => stopApps(app));

  const uniqueCode = () => `C${Math.random().toString(36).slice(2, 10)}`;

  describe('validation', () => {
    it('rejects unknown fields with 400 naming each one', async () => {
      const response = await as(app, admin).post('/api/schools').send({ name: 'A', stateSchoolCode: uniqueCode(), color: 'red', size: 3 }).expect(400);
      expect(response.body.code).toBe('REQUEST.INVALID');
      expect(response.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['color', 'size']);
    });

    it('rejects wrong types with 400 naming the field', async () => {
      const response = await as(app, admin).post('/api/schools').send({ name: 42, stateSchoolCode: uniqueCode() }).expect(400);
      expect(response.body.fields).toEqual([expect.objectContaining({ field: 'name' })]);
    });

    it('rejects malformed JSON with 400 in the same error shape', async () => {
      const response = await as(app, admin).post('/api/schools').set('Content-Type', 'application/json').send('{"name": ').expect(400);
      expect(response.body).toEqual({ code: expect.any(String), message: expect.any(String), correlationId: expect.any(String) });
    });

    it('refuses null for a field that may be left out but not cleared', async () => {
      const school = await as(app, admin).post('/api/schools').send({ name: 'Nullable', stateSchoolCode: uniqueCode() }).expect(201);
      const response = await as(app, admin).patch(`/api/schools/${school.body.id}`).send({ version: school.body.version, name: null }).expect(400);
      expect(response.body.fields).toEqual([expect.objectContaining({ field: 'name' })]);
    });

    it('names a malformed id parameter', async () => {
      const response = await as(app, admin).get('/api/schools/not-a-uuid').expect(400);
      expect(response.body.fields).toEqual([{ field: 'id', problems: ['must be a UUID'] }]);
    });
  });

  describe('errors', () => {
    it('answer { code, message, correlationId } and echo a caller-supplied correlation id', async () => {
      const response = await request(app.getHttpServer()).get('/api/nowhere').set('X-Correlation-Id', 'trace-abc-12345').expect(404);
      expect(response.body).toEqual({ code: 'ROUTE.NOT_FOUND', message: 'No such route', correlationId: 'trace-abc-12345' });
      expect(response.headers['x-correlation-id']).toBe('trace-abc-12345');
    });

    it('never carry a stack trace', async () => {
      const response = await as(app, admin).post('/api/schools').send({ name: 42 }).expect(400);
      expect(JSON.stringify(response.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(response.body.stack).toBeUndefined();
    });
  });

  describe('Idempotency-Key on writes', () => {
    it('answers a repeat with the stored response and does the work once', async () => {
      const body = { name: 'Idempotent School', stateSchoolCode: uniqueCode() };
      const first = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-1').send(body).expect(201);
      const again = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-1').send(body).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const list = await as(app, admin).get(`/api/schools?q=Idempotent`).expect(200);
      expect(list.body.total).toBe(1);
    });

    it('refuses the same key with a different body with 422', async () => {
      await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-2').send({ name: 'One', stateSchoolCode: uniqueCode() }).expect(201);
      const response = await as(app, admin)
        .post('/api/schools')
        .set('Idempotency-Key', 'key-2')
        .send({ name: 'Two', stateSchoolCode: uniqueCode() })
        .expect(422);
      expect(response.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    });

    it('answers a concurrent duplicate with 409 and runs the request once', async () => {
      const body = { name: 'Concurrent School', stateSchoolCode: uniqueCode() };
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-3').send(body)),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      expect(statuses).toContain(409);
      const list = await as(app, admin).get(`/api/schools?q=Concurrent`).expect(200);
      expect(list.body.total).toBe(1);
    });

    it('replays a refusal too, so a retry cannot turn a 409 into a second attempt', async () => {
      const code = uniqueCode();
      await as(app, admin).post('/api/schools').send({ name: 'Taken', stateSchoolCode: code }).expect(201);
      const first = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-4').send({ name: 'Dup', stateSchoolCode: code }).expect(409);
      const again = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-4').send({ name: 'Dup', stateSchoolCode: code }).expect(409);
      expect(again.body).toEqual(first.body);
    });

    it('replays a PATCH too: the repeat of an applied edit gets its answer, not a stale-version refusal', async () => {
      const school = await as(app, admin).post('/api/schools').send({ name: 'Before Patch', stateSchoolCode: uniqueCode() }).expect(201);
      const edit = { version: school.body.version, name: 'After Patch' };
      const first = await as(app, admin).patch(`/api/schools/${school.body.id}`).set('Idempotency-Key', 'key-patch').send(edit).expect(200);
      const again = await as(app, admin).patch(`/api/schools/${school.body.id}`).set('Idempotency-Key', 'key-patch').send(edit).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      // Applied once: one version step. Without the key the same body is stale.
      const read = await as(app, admin).get(`/api/schools/${school.body.id}`).expect(200);
      expect(read.body.version).toBe(first.body.version);
      expect(read.body.version).toBeGreaterThan(school.body.version);
      const unkeyed = await as(app, admin).patch(`/api/schools/${school.body.id}`).send(edit).expect(409);
      expect(unkeyed.body.code).toMatch(/STALE$/);
      const reused = await as(app, admin).patch(`/api/schools/${school.body.id}`).set('Idempotency-Key', 'key-patch').send({ ...edit, name: 'Other' }).expect(422);
      expect(reused.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    });

    it('lets a retry run once the gateway holding its key has died: a running request’s claim is a renewed lease, an answer is kept a day', async () => {
      const redis = app.get<Redis>(REDIS);
      const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
      const storeKey = (key: string) => `${app.get(Environment).REDIS_PREFIX}:idempotency:user:${district.admin.id}:${sha256(key)}`;
      const body = { name: 'Orphaned Key School', stateSchoolCode: uniqueCode() };
      // What a gateway SIGKILLed mid-request leaves behind: its claim on the key, no longer renewed, a second from lapsing.
      const orphaned = { state: 'pending', fingerprint: sha256(`POST /api/schools\n${canonicalJson(body)}`) };
      await redis.set(storeKey('key-orphaned'), JSON.stringify(orphaned), 'EX', 1);
      const meanwhile = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-orphaned').send(body).expect(409);
      expect(meanwhile.body.code).toBe('IDEMPOTENCY.IN_PROGRESS');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const retried = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-orphaned').send(body).expect(201);
      expect(retried.body.name).toBe('Orphaned Key School');
      // The answer is kept for replays a day long, far beyond the lease a running request holds.
      expect(await redis.ttl(storeKey('key-orphaned'))).toBeGreaterThan(23 * 3600);
    });

    it('keeps keys per caller: another user may use the same key', async () => {
      const other = await createDistrict(app, 1);
      const otherAdmin = await signIn(app, other.admin.email);
      const body = { name: 'Shared Key School', stateSchoolCode: uniqueCode() };
      const mine = await as(app, admin).post('/api/schools').set('Idempotency-Key', 'key-5').send(body).expect(201);
      const theirs = await as(app, otherAdmin).post('/api/schools').set('Idempotency-Key', 'key-5').send(body).expect(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });
  });

  describe('OpenAPI', () => {
    it('serves the document at /api/docs-json listing the routes, and the UI at /api/docs', async () => {
      const json = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
      expect(json.body.openapi).toMatch(/^3\./);
      expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/schools', '/api/schools/{id}']));
      const ui = await request(app.getHttpServer()).get('/api/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger');
    });
  });
});
