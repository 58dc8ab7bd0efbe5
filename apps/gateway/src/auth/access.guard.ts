import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessDeclaration, ACCESS_METADATA, Actor, ApiScope, SCOPES_METADATA, scopeGrants } from '@sessionledger/auth';
import { Forbidden, requestContext, Unauthenticated } from '@sessionledger/common';
import { AccessTokens } from './access-tokens';
import { ActorLoader } from './actor.loader';
import { SecondFactorGate } from './second-factor/second-factor.gate';

/**
 * Every route declares `@Public()` or `@Roles(...)`. A route without a
 * declaration is refused (and the route-inventory test fails), so forgetting
 * one can never open a route. API clients pass on `@Scopes(...)` alone: a
 * route without one is closed to every machine token.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly actors: ActorLoader,
    private readonly secondFactor: SecondFactorGate,
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

    const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor; signInId?: string }>();
    const header = request.headers.authorization;
    if (!header || !header.startsWith('Bearer ')) throw new Unauthenticated();
    const claims = await this.tokens.verify(header.slice('Bearer '.length).trim());
    const person = claims.client ? undefined : await this.actors.loadPerson(claims.districtId, claims.userId, claims.signInId);
    const actor = claims.client ? await this.actors.loadClient(claims.districtId, claims.client) : person!.actor;
    requestContext.enrich({ districtId: actor.districtId, actorId: actor.userId });
    if (actor.client) {
      // A machine's roles never open a route; only the scope the route declares, if it declares one.
      const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPES_METADATA, [context.getHandler(), context.getClass()]);
      if (!scope || !scopeGrants(actor.client.scopes, scope)) throw new Forbidden('AUTH.SCOPE_MISSING', 'This API client has no scope for this route');
    } else if (!declaration.roles.some((role) => actor.roles.includes(role as never))) {
      throw new Forbidden('AUTH.ROLE_NOT_ALLOWED', 'Your role does not allow this');
    }
    if (person) this.secondFactor.check(context, person.secondFactor, claims.amr ?? []);
    request.actor = actor;
    request.signInId = claims.signInId;
    return true;
  }
}
