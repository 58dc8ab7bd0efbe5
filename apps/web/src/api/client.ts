import { createSessionledgerClient, type SessionledgerClient } from '@sessionledger/api-client';
import type { TokenStore } from './tokens';

export interface ApiClientOptions {
  /** Where the gateway is; the app is served by it, so by default the page's own origin. */
  baseUrl?: string;
  tokens: TokenStore;
  /** Called when the sign-in cannot be renewed (ended, expired, revoked): the app shows the sign-in screen. */
  onSignedOut: () => void;
  fetch?: (request: Request) => Promise<Response>;
}

/** The refresh and sign-in routes answer 401 for bad credentials: never try to renew on them. */
const NO_RENEWAL = /\/api\/auth\//;

/**
 * The typed client the whole app uses, with one addition: a request answered
 * 401 because the access token expired is sent again, once, after renewing
 * the token. The request is cloned before it is sent, so the retry carries
 * exactly what the provider typed.
 */
export function createApiClient(options: ApiClientOptions): SessionledgerClient {
  const baseUrl = options.baseUrl ?? window.location.origin;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const { tokens, onSignedOut } = options;
  // Without the retry wrapper: the refresh call itself must not loop.
  const plain = createSessionledgerClient({ baseUrl, fetch: send });
  let renewing: Promise<string | undefined> | undefined;

  /**
   * One renewal at a time: refresh tokens are single use, and two parallel
   * refreshes with the same token would look like reuse to the API, which then
   * ends the sign-in. Requests that fail together wait for the same renewal.
   */
  function renew(): Promise<string | undefined> {
    renewing ??= (async () => {
      const refreshToken = tokens.refreshToken;
      if (!refreshToken) return undefined;
      const { data, response } = await plain.POST('/api/auth/refresh', { body: { refreshToken } });
      if (data) {
        tokens.set(data);
        return data.accessToken;
      }
      // 401: the sign-in is over. Anything else (429, 503) may pass: keep the tokens and let the caller see the error.
      if (response.status === 401) {
        tokens.clear();
        onSignedOut();
      }
      return undefined;
    })().finally(() => {
      renewing = undefined;
    });
    return renewing;
  }

  async function sendRenewingOnce(request: Request): Promise<Response> {
    const retry = request.clone();
    const sentWith = tokens.accessToken;
    const response = await send(request);
    if (response.status !== 401 || NO_RENEWAL.test(new URL(request.url).pathname)) return response;
    // Another request may have renewed the token while this one was under way.
    const token = tokens.accessToken && tokens.accessToken !== sentWith ? tokens.accessToken : await renew();
    if (!token) return response;
    retry.headers.set('Authorization', `Bearer ${token}`);
    return send(retry);
  }

  return createSessionledgerClient({ baseUrl, fetch: sendRenewingOnce, getAccessToken: () => tokens.accessToken });
}
