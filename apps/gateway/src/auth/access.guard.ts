import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessDeclaration, ACCESS_METADATA, Actor } from '@sessionledger/auth';
import { Forbidden, requestContext, Unauthenticated } from '@sessionledger/common';
import { AccessTokens } from './access-tokens';
import { ActorLoader } from './actor.loader';

/**
 * Every route declares `@Public()` or `@Roles(...)`. A route without a
 * declaration is refused (and the route-inventory test fails), so forgetting
 * one can never open a route.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly actors: ActorLoader,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!declaration) {
      this.logger.error({ handler: context.getHandler().name }, 'route has no access declaration; refusing');
      throw new Forbidden('AUTH.UNDECLARED_ROUTE', 'This route is not available');
    }
    if (declaration.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const header = request.headers.authorization;
    if (!header || !header.startsWith('Bearer ')) throw new Unauthenticated();
    const claims = await this.tokens.verify(header.slice('Bearer '.length).trim());
    const actor = await this.actors.load(claims.districtId, claims.userId);
    requestContext.enrich({ districtId: actor.districtId, actorId: actor.userId });
    if (!declaration.roles.some((role) => actor.roles.includes(role as never))) {
      throw new Forbidden('AUTH.ROLE_NOT_ALLOWED', 'Your role does not allow this');
    }
    request.actor = actor;
    return true;
  }
}
