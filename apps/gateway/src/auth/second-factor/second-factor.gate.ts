import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, Unauthenticated } from '@sessionledger/common';
import { SecondFactorState } from './second-factors';

const ENROLMENT_ROUTE = 'sessionledger:second-factor-enrolment';

/** Routes a user who must enrol a second factor, and has not, may still reach: the enrolment itself. */
export const SecondFactorEnrolment = (): MethodDecorator => SetMetadata(ENROLMENT_ROUTE, true);

/** What the access guard leaves on the request for the second-factor routes: the methods (RFC 8176 `amr`) the token was proven with. */
export interface AuthenticatedRequest {
  authMethods?: readonly string[];
}

/**
 * Applies the district's second-factor requirement on every request, from
 * what the database says now (like roles), so turning it on, or giving
 * someone the payroll role, takes effect at once:
 *
 * - a token proven with a second factor (`otp` in `amr`) passes;
 * - required and not enrolled: the enrolment routes only, else 403
 *   `AUTH.MFA_ENROLMENT_REQUIRED` (turning the setting on never locks anyone out);
 * - required and enrolled, but this token was not proven with it: 401
 *   `AUTH.MFA_REQUIRED` (sign in again, with the code).
 *
 * The state is read with the actor, in the request's one statement (ActorLoader).
 */
@Injectable()
export class SecondFactorGate {
  constructor(private readonly reflector: Reflector) {}

  check(context: ExecutionContext, state: SecondFactorState, amr: readonly string[]): void {
    context.switchToHttp().getRequest<AuthenticatedRequest>().authMethods = amr;
    if (amr.includes('otp') || !state.required) return;
    if (state.enrolled) throw new Unauthenticated('AUTH.MFA_REQUIRED', 'Your district requires a second factor: sign in again with your authenticator code');
    if (this.reflector.get<boolean | undefined>(ENROLMENT_ROUTE, context.getHandler())) return;
    throw new Forbidden('AUTH.MFA_ENROLMENT_REQUIRED', 'Your district requires a second factor for your role: enrol an authenticator app first (POST /api/me/mfa/totp)');
  }
}
