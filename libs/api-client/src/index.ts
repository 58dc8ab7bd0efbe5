import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };

/** Every named body and reply of the API: `Schemas['ErrorReply']`. */
export type Schemas = components['schemas'];

/** The one error shape every route answers with (`code` is stable, `message` is for people). */
export type ErrorReply = Schemas['ErrorReply'];

/** A few replies most screens need. */
export type Me = Schemas['MeResponse'];
export type Session = Schemas['SessionReply'];
export type Student = Schemas['StudentResponse'];

/** The API version this client was generated from (`info.version` of libs/api-client/openapi.json). */
export const API_VERSION = '1.0.0';

export type SessionledgerClient = Client<paths, 'application/json'>;

export interface SessionledgerClientOptions {
  /** Where the gateway is, without `/api` (the paths carry it): `https://sessionledger.district.org`. */
  baseUrl: string;
  /** The current access token; called before each request, so a refreshed token is picked up. */
  getAccessToken?: () => string | undefined | Promise<string | undefined>;
  /** For tests or other runtimes; defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * A typed client for every route of the gateway: paths, parameters, bodies
 * and replies come from the OpenAPI document, so a call the API does not
 * accept does not compile.
 *
 *     const api = createSessionledgerClient({ baseUrl, getAccessToken: () => token });
 *     const { data, error } = await api.GET('/api/me');
 */
export function createSessionledgerClient(options: SessionledgerClientOptions): SessionledgerClient {
  const client = createClient<paths, 'application/json'>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: options.fetch });
  const { getAccessToken } = options;
  if (getAccessToken) {
    client.use({
      async onRequest({ request }) {
        const token = await getAccessToken();
        if (token) request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}
