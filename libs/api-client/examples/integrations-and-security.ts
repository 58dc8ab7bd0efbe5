/*
 * Compile-only examples: machine access (API clients and their OAuth tokens),
 * webhooks, the second factor and a user's sign-ins.
 */
import { createSessionledgerClient, type SessionledgerClient } from '@sessionledger/api-client';

/** A district admin creates a read-only client; the integration trades its secret for a token. */
export async function machineAccess(admin: SessionledgerClient, baseUrl: string): Promise<void> {
  const { data: created } = await admin.POST('/api/api-clients', { body: { name: 'SIS nightly sync', scopes: ['sessions:read'] } });
  if (!created) return;
  const integration = createSessionledgerClient({ baseUrl });
  const { data: token, error } = await integration.POST('/api/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: created.clientId, client_secret: created.clientSecret, scope: 'sessions:read' },
  });
  console.log(token ?? error);
  await admin.GET('/api/api-clients');
  await admin.POST('/api/api-clients/{id}/rotate-secret', { params: { path: { id: created.id } } });
  await admin.DELETE('/api/api-clients/{id}', { params: { path: { id: created.id } } });
}

export async function webhooks(api: SessionledgerClient): Promise<void> {
  const { data: endpoint } = await api.POST('/api/webhooks/endpoints', {
    body: { url: 'https://sis.lincoln.k12.example.us/hooks/sessionledger', events: ['session.posted', 'session.amended'] },
  });
  if (!endpoint) return;
  const id = endpoint.id;
  await api.PATCH('/api/webhooks/endpoints/{id}', { params: { path: { id } }, body: { version: endpoint.version, enabled: false } });
  const { data: deliveries } = await api.GET('/api/webhooks/endpoints/{id}/deliveries', { params: { path: { id }, query: { page: 1 } } });
  const failed = deliveries?.items[0];
  if (failed) await api.POST('/api/webhooks/deliveries/{id}/replay', { params: { path: { id: failed.id } } });
  await api.GET('/api/webhooks/endpoints');
}

export async function secondFactor(api: SessionledgerClient, codeFromApp: string): Promise<void> {
  await api.POST('/api/me/mfa/totp');
  await api.POST('/api/me/mfa/totp/confirm', { body: { code: codeFromApp } });
  const { data: status } = await api.GET('/api/me/mfa');
  console.log(status?.enrolled, status?.recoveryCodesLeft);
}

export async function mySignIns(api: SessionledgerClient): Promise<void> {
  const { data } = await api.GET('/api/me/sign-ins', { params: { query: { page: 1, pageSize: 20 } } });
  const other = data?.items.find((signIn) => !signIn.current);
  if (other) await api.DELETE('/api/me/sign-ins/{id}', { params: { path: { id: other.id } } });
  await api.DELETE('/api/me/sign-ins', { params: { query: { keepCurrent: true } } });
}
