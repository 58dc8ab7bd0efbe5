import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { API_SCOPES, ApiScope, scopeGrants } from '@sessionledger/auth';
import { AccessTokens } from '../access-tokens';
import { ClientCredentialsTokenReply } from './api-clients.dto';
import { clientSecretMatches } from './api-clients.service';
import { ClientAuthThrottle } from './client-auth-throttle';

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'slow_down';

/** An RFC 6749 §5.2 error: the token route answers `{ error, error_description }`, not the platform's shape. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

const MAX_PARAMETER_CHARS = 1000;

interface ClientCandidate {
  id: string;
  district_id: string;
  secret_hash: string;
  scopes: string[];
}

/** The token request as received: the parsed body (form or JSON) and the Authorization header. */
export interface TokenRequest {
  body: unknown;
  authorization?: string;
  address: string;
}

/** RFC 6749 §4.4: an API client trades its id and secret for a short-lived access token; no refresh token. */
@Injectable()
export class ClientCredentialsUseCase {
  constructor(
    private readonly orm: MikroORM,
    private readonly throttle: ClientAuthThrottle,
    private readonly tokens: AccessTokens,
  ) {}

  async execute(request: TokenRequest): Promise<ClientCredentialsTokenReply> {
    const params = parameters(request.body);
    const grantType = params.get('grant_type');
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported');
    const credentials = clientCredentials(request.authorization, params);

    const wait = await this.throttle.admit(request.address);
    if (wait > 0) throw new OAuthError('slow_down', 'Too many failed client authentications from this address; try again later', 429, wait);
    // Before the client is known no district is; this SECURITY DEFINER lookup is the only cross-district read.
    const [candidate] = (await this.orm.em
      .getConnection()
      .execute(`select * from gateway.api_client_candidate(?)`, [credentials.clientId])) as ClientCandidate[];
    if (!clientSecretMatches(credentials.clientSecret, candidate?.secret_hash)) {
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }
    await this.throttle.recordSuccess(request.address);

    const scopes = grantedScopes(params.get('scope'), candidate.scopes);
    const { accessToken, expiresIn } = await this.tokens.issue({ userId: candidate.id, districtId: candidate.district_id, client: { id: candidate.id, scopes } });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  }
}

/** Every parameter once at most (§3.2), each a string of bounded length; unknown ones are ignored (§3.2). */
function parameters(body: unknown): Map<string, string> {
  if (body === undefined || body === null) throw new OAuthError('invalid_request', 'Send the parameters as an application/x-www-form-urlencoded body');
  if (typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_request', 'The body must hold the token request parameters');
  const params = new Map<string, string>();
  for (const name of ['grant_type', 'scope', 'client_id', 'client_secret']) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be given once, as a string`);
    if (value.length > MAX_PARAMETER_CHARS) throw new OAuthError('invalid_request', `${name} is too long`);
    params.set(name, value);
  }
  return params;
}

/** client_secret_basic or client_secret_post, never both (§2.3). */
function clientCredentials(authorization: string | undefined, params: Map<string, string>): { clientId: string; clientSecret: string } {
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  const inBody = params.has('client_id') || params.has('client_secret');
  if (basic && inBody) throw new OAuthError('invalid_request', 'Authenticate the client in one way only: HTTP Basic or the body');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Client authentication failed');
    try {
      // §2.3.1: both parts are form-urlencoded before they are joined.
      const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
      return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
    } catch {
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }
  }
  const clientId = params.get('client_id');
  const clientSecret = params.get('client_secret');
  if (!clientId || !clientSecret) throw new OAuthError('invalid_client', 'Client authentication is required (HTTP Basic or client_id and client_secret)');
  return { clientId, clientSecret };
}

/** The requested scopes (each one the client holds, directly or through `read`), or all the client's when none are asked for. */
function grantedScopes(requested: string | undefined, held: string[]): string[] {
  if (requested === undefined) return held;
  const asked = [...new Set(requested.split(' '))];
  const refused = asked.filter((scope) => !(API_SCOPES as readonly string[]).includes(scope) || !scopeGrants(held, scope as ApiScope));
  if (asked.length === 0 || refused.length > 0) {
    throw new OAuthError('invalid_scope', `Not a scope of this client: ${refused.map((scope) => JSON.stringify(scope)).join(', ') || '(empty)'}`);
  }
  return asked;
}
