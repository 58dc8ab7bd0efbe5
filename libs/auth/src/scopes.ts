import { SetMetadata } from '@nestjs/common';

/**
 * What an API client may be granted. `read` stands for every `*:read` scope,
 * including ones added later; there is no write scope yet.
 */
export const API_SCOPES = ['read', 'sessions:read', 'directory:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export type ReadScope = Extract<ApiScope, `${string}:read`>;

export const SCOPES_METADATA = 'sessionledger:api-scope';

/**
 * The scope that opens a route to API clients (machine tokens), next to its
 * `@Roles(...)` for people. A route without one is closed to every API
 * client, whatever it was granted (403 `AUTH.SCOPE_MISSING`).
 */
export const Scopes = (scope: ReadScope) => SetMetadata(SCOPES_METADATA, scope);

export function scopeGrants(granted: readonly string[], needed: ApiScope): boolean {
  return granted.includes(needed) || (needed.endsWith(':read') && granted.includes('read'));
}
