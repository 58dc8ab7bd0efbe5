import { SetMetadata } from '@nestjs/common';

/**
 * Route-access declarations. Every route must carry exactly one: `@Public()`
 * or `@Roles(...)` (in libs/auth). A test walks every route and fails on one
 * without.
 */
export const ACCESS_METADATA = 'sessionledger:access';

export type AccessDeclaration = { kind: 'public' } | { kind: 'roles'; roles: readonly string[] };

export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessDeclaration);
