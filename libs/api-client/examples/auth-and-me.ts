/*
 * Compile-only examples (never run by the suite; `npm run typecheck` checks them
 * against the generated types): signing in, tokens, who am I, notifications.
 */
import { createSessionledgerClient, type Me, type Schemas, type SessionledgerClient } from '@sessionledger/api-client';

/**
 * Sign in, then call with the access token; a refused password is a typed ErrorReply. An account with an
 * authenticator answers `mfaRequired` with an `mfaToken` to send with the app's code.
 */
export async function signIn(baseUrl: string, email: string, password: string, askForCode: () => Promise<string>): Promise<SessionledgerClient> {
  const session: { accessToken?: string } = {};
  const api = createSessionledgerClient({ baseUrl, getAccessToken: () => session.accessToken });
  const { data, error, response } = await api.POST('/api/auth/login', { body: { email, password } });
  if (error) throw new Error(`sign-in refused (${response.status} ${error.code}): ${error.message}`);
  if (data.mfaRequired && data.mfaToken) {
    const second = await api.POST('/api/auth/mfa', { body: { mfaToken: data.mfaToken, code: await askForCode() } });
    session.accessToken = second.data?.accessToken;
  } else {
    session.accessToken = data.accessToken;
  }
  return api;
}

export function describeError(error: Schemas['ErrorReply']): string {
  return `${error.code}: ${error.message} ${(error.fields ?? []).map((field) => field.field).join(', ')}`;
}

export async function refreshAndSignOut(api: SessionledgerClient, refreshToken: string): Promise<void> {
  const { data } = await api.POST('/api/auth/refresh', { body: { refreshToken } });
  if (data) await api.POST('/api/auth/logout', { body: { refreshToken: data.refreshToken } });
}

export async function singleSignOn(api: SessionledgerClient, codeFromFragment: string): Promise<string | undefined> {
  const { data } = await api.POST('/api/auth/sso/exchange', { body: { code: codeFromFragment } });
  return data?.accessToken;
}

export async function passwordReset(api: SessionledgerClient, email: string, token: string): Promise<void> {
  await api.POST('/api/auth/password-reset', { body: { email } });
  await api.POST('/api/auth/password-reset/confirm', { body: { token, password: 'a new long passphrase' } });
}

export async function whoAmI(api: SessionledgerClient): Promise<string[]> {
  const { data } = await api.GET('/api/me');
  const me: Me | undefined = data;
  return me ? me.roles : [];
}

export async function readNotifications(api: SessionledgerClient): Promise<void> {
  const { data } = await api.GET('/api/me/notifications', { params: { query: { unread: true, pageSize: 200 } } });
  for (const notification of data?.items ?? []) {
    await api.POST('/api/me/notifications/{id}/read', { params: { path: { id: notification.id } } });
  }
}

export async function invite(api: SessionledgerClient, staffId: string, rosterImportId: string): Promise<void> {
  const { data: invitation } = await api.POST('/api/invitations', { body: { staffId, language: 'es' } });
  // 201 is one invitation, 202 a batch (rosterImportId).
  if (invitation && 'expiresAt' in invitation) console.log(invitation.expiresAt);
  await api.POST('/api/invitations', { body: { rosterImportId }, headers: { 'Idempotency-Key': `invite-${rosterImportId}` } });
  await api.POST('/api/invitations/accept', { body: { token: 'from the e-mail link', password: 'a new long passphrase' } });
}
