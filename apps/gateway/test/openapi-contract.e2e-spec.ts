import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DECORATORS } from '@nestjs/swagger';
import request from 'supertest';
import { API_VERSION as CLIENT_API_VERSION, createSessionledgerClient } from '@sessionledger/api-client';
import { routeInventory, stopApps } from '@sessionledger/testing';
import { API_VERSION } from '../src/http/api-version';
import { createDistrict, startGateway, TEST_PASSWORD } from './support/gateway-harness';

/**
 * The served OpenAPI document is the API's contract: this walks all of it and
 * lists EVERY shortfall at once (operation by operation, then schema by
 * schema), so the failure message is a checklist.
 */

type Json = Record<string, unknown>;
interface Schema extends Json {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
}
interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  schema?: Schema;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, ResponseObject>;
}
interface Document {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; parameters?: Record<string, Parameter> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const BUILT_INS = new Set<unknown>([String, Number, Boolean, Date, Object, Array, Function, Promise, Buffer]);
const ERROR_REF = '#/components/schemas/ErrorReply';
/** The roster import takes the zip as it is, not JSON. */
const ZIP_UPLOADS = ['post /api/roster/imports'];
/** The OAuth token endpoint answers errors as RFC 6749 says (`{ error, error_description }`), not in the API's shape. */
const OAUTH_ERROR_REF = '#/components/schemas/OAuthErrorReply';
const OAUTH_ROUTES = ['post /api/oauth/token'];

describe('OpenAPI contract', () => {
  let app: NestFastifyApplication;
  let document: Document;

  beforeAll(async () => {
    app = await startGateway();
    document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body as Document;
  });

  afterAll(() => stopApps(app));

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ key: `${method} ${path}`, path, method, operation: item[method] })),
    );
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  const resolveParameter = (parameter: Parameter): Parameter =>
    parameter.$ref ? document.components.parameters![parameter.$ref.replace('#/components/parameters/', '')] : parameter;

  const report = (problems: string[]) => (problems.length ? `${problems.length} problems:\n  ${problems.join('\n  ')}` : '');

  it('gives every operation a summary, tags, a unique id, typed parameters with limits, a request schema and every response', () => {
    const problems: string[] = [];
    const seenIds = new Set<string>();
    for (const { key, method, operation } of operations()) {
      const problem = (text: string) => problems.push(`${key} (${operation.operationId ?? 'no id'}): ${text}`);
      if (!operation.summary?.trim()) problem('no summary');
      if (!operation.tags?.length) problem('no tags');
      if (!operation.operationId) problem('no operationId');
      else if (seenIds.has(operation.operationId)) problem('operationId not unique');
      else seenIds.add(operation.operationId);

      for (const parameter of (operation.parameters ?? []).map(resolveParameter)) {
        const where = `${parameter.in} parameter ${parameter.name}`;
        if (parameter.name === 'Idempotency-Key' && method === 'get') problem(`${where} on a ${method.toUpperCase()}`);
        if (parameter.in !== 'query' && parameter.in !== 'path') continue;
        const schema = resolve(parameter.schema);
        if (!schema?.type && !schema?.enum) {
          problem(`${where} has no type`);
          continue;
        }
        const limit = limitProblem(schema);
        if (limit) problem(`${where} ${limit}`);
        if (parameter.in === 'path' && /^(id|.*Id)$/.test(parameter.name) && schema.format !== 'uuid') problem(`${where} is not format: uuid`);
      }

      const responses = operation.responses ?? {};
      const success = Object.keys(responses).filter((status) => /^[23]\d\d$/.test(status));
      if (success.length === 0) problem('no success response');
      for (const status of success) {
        // No content, or accepted for later (a 202 may say nothing more), or a redirect.
        if (status === '204' || /^3/.test(status) || (status === '202' && !responses[status].content)) continue;
        const content = responses[status].content;
        const schemas = Object.values(content ?? {}).map((media) => media.schema);
        if (!schemas.length || schemas.some((schema) => !isDescribed(resolve(schema)))) problem(`${status} answer has no schema`);
      }
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      const required = isPublic ? ['400'] : ['400', '401'];
      for (const status of required) if (!responses[status]) problem(`no ${status} response`);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const content = Object.keys(response.content ?? {});
        // Refusals before the handler (body too large, not a form or JSON) are the platform's, even there.
        const errorRefs = OAUTH_ROUTES.includes(key) && !['413', '415'].includes(status) ? [OAUTH_ERROR_REF] : [ERROR_REF];
        if (content.length !== 1 || !errorRefs.includes(response.content?.['application/json']?.schema?.$ref ?? '')) {
          problem(`${status} response is not the one ErrorReply schema`);
        }
      }

      // `Paged(Item)` is inline; a named reply with items (a dashboard's page of students) is not a synced list.
      const isList = success.some((status) => isPaged(responses[status].content?.['application/json']?.schema));
      if (method === 'get' && isList) {
        const names = (operation.parameters ?? []).map((parameter) => resolveParameter(parameter).name);
        for (const wanted of ['page', 'pageSize', 'updatedSince']) if (!names.includes(wanted)) problem(`list without query parameter ${wanted}`);
      }

      if (operation.requestBody) {
        const media = operation.requestBody.content ?? {};
        if (ZIP_UPLOADS.includes(key)) {
          const zip = media['application/zip']?.schema;
          if (!zip || zip.type !== 'string' || zip.format !== 'binary') problem('the zip upload is not application/zip with a binary schema');
        }
        const json = media['application/json']?.schema;
        if (json) {
          const body = resolve(json);
          if (!body || !Object.keys(body.properties ?? {}).length) problem('JSON request body has no properties');
        } else if (!ZIP_UPLOADS.includes(key)) {
          problem(`request body is ${Object.keys(media).join(', ') || 'without content'}, not JSON`);
        }
      } else if ((method === 'put' || method === 'patch') && !ZIP_UPLOADS.includes(key)) {
        problem('no request body');
      }
    }
    expect(report(problems)).toBe('');
  });

  it('types every schema: no bare `object` (a nullable string lost its type) and no property without a type', () => {
    const problems: string[] = [];
    const visit = (schema: Schema | undefined, where: string) => {
      if (!schema || schema.$ref) return;
      const composed = schema.allOf ?? schema.oneOf ?? schema.anyOf;
      if (composed) return composed.forEach((part, i) => visit(part, `${where}[${i}]`));
      if (!schema.type && !schema.enum) problems.push(`${where}: no type`);
      if (schema.type === 'object' && !schema.properties && schema.additionalProperties === undefined) {
        problems.push(`${where}: type object without properties (give the property its type, e.g. { type: String, nullable: true })`);
      }
      if (schema.type === 'array' && !schema.items) problems.push(`${where}: array without items`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) visit(property, `${where}.${name}`);
      if (schema.items) visit(schema.items, `${where}[]`);
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') visit(schema.additionalProperties as Schema, `${where}{}`);
    };
    for (const [name, schema] of Object.entries(document.components.schemas)) visit(schema, name);
    for (const { key, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const [type, media] of Object.entries(response.content ?? {})) visit(media.schema, `${key} ${status} ${type}`);
      }
    }
    expect(report(problems)).toBe('');
  });

  it('states limits on every field of a request body, and gives each body an example', () => {
    const problems: string[] = [];
    const bodies = new Set<string>();
    for (const { operation } of operations()) {
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      if (ref) bodies.add(ref.replace('#/components/schemas/', ''));
    }
    const checked = new Set<string>();
    const visit = (schema: Schema | undefined, where: string) => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.replace('#/components/schemas/', '');
        if (checked.has(name)) return;
        checked.add(name);
        return visit(document.components.schemas[name], name);
      }
      for (const part of schema.allOf ?? schema.oneOf ?? schema.anyOf ?? []) visit(part, where);
      const limit = limitProblem(schema);
      if (limit) problems.push(`${where}: ${limit}`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) visit(property, `${where}.${name}`);
      if (schema.items) visit(schema.items, `${where}[]`);
    };
    for (const name of [...bodies].sort()) {
      const schema = document.components.schemas[name];
      const hasExample = schema?.example !== undefined || Object.values(schema?.properties ?? {}).some((property) => property.example !== undefined);
      if (!hasExample) problems.push(`${name}: no example`);
      visit({ $ref: `#/components/schemas/${name}` }, name);
    }
    expect(report(problems)).toBe('');
  });

  it('names every schema class uniquely (two classes of one name would share one schema)', () => {
    const classes = new Map<string, Set<Function>>();
    const seen = new Set<Function>();
    const visit = (type: unknown): void => {
      if (typeof type !== 'function' || !type.prototype || seen.has(type) || BUILT_INS.has(type)) return;
      seen.add(type);
      if (!classes.has(type.name)) classes.set(type.name, new Set());
      classes.get(type.name)!.add(type);
      const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, type.prototype) ?? []) as string[];
      for (const key of keys) {
        const property = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, type.prototype, key.slice(1)) as { type?: unknown } | undefined;
        // `type: () => Nested` is lazy: an arrow function has no prototype.
        const declared = typeof property?.type === 'function' && !property.type.prototype ? (property.type as () => unknown)() : property?.type;
        visit(Array.isArray(declared) ? declared[0] : declared);
      }
      visit(Object.getPrototypeOf(type));
    };
    for (const module of app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as Function | null;
        if (!controller) continue;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[name];
          if (typeof handler !== 'function') continue;
          const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {}) as Record<string, { type?: unknown }>;
          Object.values(responses).forEach((response) => visit(Array.isArray(response.type) ? response.type[0] : response.type));
          ((Reflect.getMetadata(DECORATORS.API_EXTRA_MODELS, handler) ?? []) as unknown[]).forEach(visit);
          ((Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as unknown[]).forEach(visit);
        }
      }
    }
    const clashes = [...classes].filter(([, types]) => types.size > 1).map(([name, types]) => `${name} (${types.size} classes)`);
    expect(clashes).toEqual([]);
  });

  it('documents every route the gateway serves (probes aside)', () => {
    const documented = new Set(operations().map(({ key }) => key));
    const missing = routeInventory(app)
      .map(({ route }) => {
        const [method, path] = route.split(' ');
        return `${method.toLowerCase()} /api${path.replace(/:(\w+)/g, '{$1}')}`.replace(/\/$/, '');
      })
      .filter((key) => !key.includes('/api/health/') && !documented.has(key));
    expect(missing).toEqual([]);
  });

  it('has a compiled client example calling each tag (libs/api-client/examples)', () => {
    const examples = join(__dirname, '../../../libs/api-client/examples');
    const source = readdirSync(examples).map((file) => readFileSync(join(examples, file), 'utf8')).join('\n');
    const called = new Set([...source.matchAll(/'(\/api\/[^']+)'/g)].map((match) => match[1]));
    const tags = new Set(operations().flatMap(({ operation }) => operation.tags ?? []));
    const uncalled = [...tags].filter((tag) => !operations().some(({ path, operation }) => operation.tags?.includes(tag) && called.has(path)));
    expect(uncalled).toEqual([]);
  });

  it('lists Idempotency-Key on the writes that replay (POST, PUT, PATCH, DELETE): not on sign-in or reads', () => {
    const names = (key: string) => {
      const [method, path] = key.split(' ');
      return (document.paths[path][method].parameters ?? []).map((parameter) => resolveParameter(parameter).name);
    };
    expect(names('post /api/auth/login')).not.toContain('Idempotency-Key');
    expect(names('post /api/roster/imports')).toContain('Idempotency-Key');
    expect(names('patch /api/sessions/{id}/participants/{participantId}')).toContain('Idempotency-Key');
    expect(names('delete /api/sessions/{id}')).toContain('Idempotency-Key');
    expect(operations().filter(({ method, key }) => method === 'get' && names(key).includes('Idempotency-Key'))).toEqual([]);
  });

  it('states the version in the document and in the client, and matches the committed libs/api-client/openapi.json', () => {
    expect(document.info.version).toBe(API_VERSION);
    expect(CLIENT_API_VERSION).toBe(API_VERSION);
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../libs/api-client/openapi.json'), 'utf8')) as Document;
    // A difference means the decorators changed after the last `npm run openapi`.
    const differing = (served: Record<string, unknown>, stored: Record<string, unknown>, label: string) =>
      [...new Set([...Object.keys(served), ...Object.keys(stored)])]
        .filter((name) => JSON.stringify(served[name]) !== JSON.stringify(stored[name]))
        .map((name) => `${label} ${name}`);
    const stale = [
      ...differing(document.paths, committed.paths, 'path'),
      ...differing(document.components.schemas, committed.components.schemas, 'schema'),
      ...differing({ ...document, paths: 0, components: 0 }, { ...committed, paths: 0, components: 0 }, 'top-level'),
    ];
    expect(stale.length ? `run npm run openapi; these differ: ${stale.join(', ')}` : '').toBe('');
  });
});

describe('HTTP protocol answers', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startGateway();
  });

  afterAll(() => stopApps(app));

  it('carries API-Version on every answer, refusals included', async () => {
    const server = app.getHttpServer();
    for (const response of [
      await request(server).get('/api/docs-json').expect(200),
      await request(server).get('/api/me').expect(401),
      await request(server).get('/api/nowhere').expect(404),
    ]) {
      expect(response.headers['api-version']).toBe(API_VERSION.split('.')[0]);
    }
  });

  it('answers a wrong method on an existing path 405 with Allow and the error shape, an unknown path still 404', async () => {
    const server = app.getHttpServer();
    const wrong = await request(server).delete('/api/auth/login').expect(405);
    expect(wrong.body).toEqual({ code: 'ROUTE.METHOD_NOT_ALLOWED', message: expect.any(String), correlationId: expect.any(String) });
    expect(wrong.headers.allow).toBe('POST');

    const withId = await request(server).put('/api/roster/imports/4b7e2f0a-1f0e-4b7e-9c55-2a6f7e0b1d2c').expect(405);
    expect(withId.headers.allow).toBe('GET');

    await request(server).delete('/api/no-such-thing').expect(404);
  });

  it('is callable through the generated client: sign-in, a typed reply, a page, a typed refusal', async () => {
    const district = await createDistrict(app, 1);
    const session: { accessToken?: string } = {};
    const api = createSessionledgerClient({ baseUrl: 'http://gateway.test', getAccessToken: () => session.accessToken, fetch: injectFetch(app) });

    const refused = await api.POST('/api/auth/login', { body: { email: district.admin.email, password: 'not the password' } });
    expect(refused.response.status).toBe(401);
    expect(refused.error?.code).toBe('AUTH.INVALID_CREDENTIALS');

    const signedIn = await api.POST('/api/auth/login', { body: { email: district.admin.email, password: TEST_PASSWORD } });
    session.accessToken = signedIn.data?.accessToken;
    const me = await api.GET('/api/me');
    expect(me.data).toMatchObject({ userId: district.admin.id, districtId: district.id, roles: ['district_admin'] });

    const imports = await api.GET('/api/roster/imports', { params: { query: { page: 1, pageSize: 10, updatedSince: '2026-01-01T00:00:00Z' } } });
    expect(imports.data).toEqual({ items: [], page: 1, pageSize: 10, total: 0 });

    const missing = await api.GET('/api/roster/imports/{id}', { params: { path: { id: '4b7e2f0a-1f0e-4b7e-9c55-2a6f7e0b1d2c' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({ code: 'ROSTER_IMPORT.NOT_FOUND', message: expect.any(String), correlationId: expect.any(String) });
  });

  it('answers a non-JSON body 415 in the error shape on any JSON route', async () => {
    const response = await request(app.getHttpServer()).post('/api/roster/imports').set('content-type', 'text/plain').send('hello').expect(415);
    expect(response.body).toEqual({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: expect.any(String), correlationId: expect.any(String) });
  });
});

/** Whether a response schema says something: a ref, a type, or a composition. */
function isDescribed(schema: Schema | undefined): boolean {
  return Boolean(schema && (schema.$ref || schema.type || schema.allOf || schema.oneOf || schema.anyOf));
}

function isPaged(schema: Schema | undefined): boolean {
  return Boolean(schema?.properties?.items && schema.properties.page && schema.properties.pageSize && schema.properties.total);
}

/** What limit a parameter or body field lacks, if any. */
function limitProblem(schema: Schema): string | undefined {
  if (schema.$ref || schema.enum) return undefined;
  if (schema.type === 'string' && !(schema.maxLength !== undefined || schema.format || schema.pattern)) {
    return 'string without maxLength, format, pattern or enum';
  }
  if ((schema.type === 'integer' || schema.type === 'number') && (schema.minimum === undefined || schema.maximum === undefined)) {
    return `${schema.type} without minimum and maximum`;
  }
  if (schema.type === 'array' && schema.maxItems === undefined) return 'array without maxItems';
  return undefined;
}

/** The client's fetch, answered by the app in-process (no port). */
function injectFetch(app: NestFastifyApplication) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const reply = await app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers.entries()),
      payload: body,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(reply.headers)) if (value !== undefined) headers.set(name, String(value));
    return new Response(reply.statusCode === 204 ? null : reply.rawPayload, { status: reply.statusCode, headers });
  };
}
