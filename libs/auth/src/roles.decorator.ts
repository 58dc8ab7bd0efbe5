import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ACCESS_METADATA, AccessDeclaration } from '@sessionledger/platform';
import type { Role } from '@sessionledger/contracts';
import type { Actor } from './actor';

export { Public, ACCESS_METADATA } from '@sessionledger/platform';
export type { AccessDeclaration };

/** Who may call a route. Every route declares this or `@Public()`; an undeclared route is refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessDeclaration);

export const AUTHENTICATED: Role[] = ['district_admin', 'school_admin', 'provider', 'payroll', 'guardian', 'student'];

/** The authenticated caller; the first argument of every use case. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) throw new Error('CurrentActor used on a route without authentication');
  return request.actor;
});
