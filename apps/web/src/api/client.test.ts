import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from './client';
import { TokenStore } from './tokens';

const BASE = 'http://app.test';

function memoryStorage() {
  const values = new Map<string, string>();
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value), removeItem: (key: string) => void values.delete(key) };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const pair = (n: number) => ({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn: 900, tokenType: 'Bearer' as const });

/** A gateway whose access tokens are valid from `access-<valid>` on, counting refreshes. */
function fakeGateway(options: { refreshAnswers?: number } = {}) {
  let current = 1;
  const seen: { path: string; authorization: string | null; body: string }[] = [];
  const send = vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    const body = await request.text();
    seen.push({ path, authorization: request.headers.get('authorization'), body });
    if (path === '/api/auth/refresh') {
      if (options.refreshAnswers) return json(options.refreshAnswers, { code: 'AUTH.REFRESH_REUSED', message: 'The sign-in has ended', correlationId: 'c' });
      current += 1;
      return json(200, pair(current));
    }
    if (request.headers.get('authorization') !== `Bearer access-${current}`) return json(401, { code: 'AUTH.UNAUTHENTICATED', message: 'Sign in again', correlationId: 'c' });
    return json(201, { ok: true, echo: body });
  });
  return { send, seen };
}

function signedInClient(gateway: ReturnType<typeof fakeGateway>, accessToken = 'access-0') {
  const tokens = new TokenStore(memoryStorage());
  tokens.set({ ...pair(0), accessToken });
  const onSignedOut = vi.fn();
  const api = createApiClient({ baseUrl: BASE, tokens, onSignedOut, fetch: gateway.send });
  return { api, tokens, onSignedOut };
}

describe('createApiClient', () => {
  it('renews an expired access token and sends the same request again, body included', async () => {
    const gateway = fakeGateway();
    const { api, tokens } = signedInClient(gateway);
    const { data, response } = await api.POST('/api/me/notifications/{id}/read', { params: { path: { id: 'n1' } } });
    expect(response.status).toBe(201);
    expect(data).toBeDefined();
    expect(gateway.seen.map((call) => call.path)).toEqual(['/api/me/notifications/n1/read', '/api/auth/refresh', '/api/me/notifications/n1/read']);
    expect(gateway.seen[2].authorization).toBe('Bearer access-2');
    expect(gateway.seen[1].body).toBe(JSON.stringify({ refreshToken: 'refresh-0' }));
    expect(tokens.refreshToken).toBe('refresh-2');
  });

  it('keeps the typed body on the retry', async () => {
    const gateway = fakeGateway();
    const { api } = signedInClient(gateway);
    await api.POST('/api/auth/logout', { body: { refreshToken: 'x' } });
    // Auth routes are never renewed: their 401 means wrong credentials.
    expect(gateway.seen.map((call) => call.path)).toEqual(['/api/auth/logout']);

    await api.PUT('/api/me/signing-pin', { body: { pin: '730519' } });
    const puts = gateway.seen.filter((call) => call.path === '/api/me/signing-pin');
    expect(puts).toHaveLength(2);
    expect(puts[1].body).toBe(puts[0].body);
    expect(JSON.parse(puts[1].body)).toEqual({ pin: '730519' });
  });

  it('renews once for requests that fail together (a refresh token is single use)', async () => {
    const gateway = fakeGateway();
    const { api } = signedInClient(gateway);
    const answers = await Promise.all([api.GET('/api/me'), api.GET('/api/district'), api.GET('/api/me/tasks')]);
    expect(answers.map((answer) => answer.response.status)).toEqual([201, 201, 201]);
    expect(gateway.seen.filter((call) => call.path === '/api/auth/refresh')).toHaveLength(1);
  });

  it('signs out when the sign-in cannot be renewed, answering the original 401', async () => {
    const gateway = fakeGateway({ refreshAnswers: 401 });
    const { api, tokens, onSignedOut } = signedInClient(gateway);
    const { error, response } = await api.GET('/api/me');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    expect(onSignedOut).toHaveBeenCalledTimes(1);
    expect(tokens.refreshToken).toBeUndefined();
  });

  it('keeps the sign-in when renewal fails for another reason (rate limit, outage)', async () => {
    const gateway = fakeGateway({ refreshAnswers: 503 });
    const { api, tokens, onSignedOut } = signedInClient(gateway);
    await api.GET('/api/me');
    expect(onSignedOut).not.toHaveBeenCalled();
    expect(tokens.refreshToken).toBe('refresh-0');
  });
});
