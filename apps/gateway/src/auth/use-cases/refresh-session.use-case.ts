import { Injectable, Logger } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { Unauthenticated } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { User } from '../../directory/directory.entities';
import { AccessTokens } from '../access-tokens';
import { RefreshRequest, TokenPair } from '../dto/auth.dto';
import { RefreshToken } from '../refresh-token.entity';
import { RefreshTokens } from '../refresh-tokens';
import { SignIn, SignInClient } from '../sign-ins/sign-in.entity';

type Outcome =
  | { kind: 'rotated'; userId: string; districtId: string; signInId: string; amr: string[]; refreshToken: string }
  | { kind: 'refused'; code: string; message: string };

/**
 * Rotates a refresh token. A token presented a second time was stolen or
 * replayed: its whole family is revoked (committed before the refusal is
 * answered), so both the thief and the victim must sign in again.
 */
@Injectable()
export class RefreshSessionUseCase {
  private readonly logger = new Logger(RefreshSessionUseCase.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async execute(request: RefreshRequest, client: SignInClient): Promise<TokenPair> {
    const parsed = this.refreshTokens.parse(request.refreshToken);
    if (!parsed) throw invalid();
    const outcome = await this.transactions.run<Outcome>(parsed.districtId, async (em) => {
      const token = await em.findOne(RefreshToken, { id: parsed.tokenId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!token || !this.refreshTokens.matches(token, parsed.secret)) return refused('AUTH.REFRESH_INVALID', 'The refresh token is not valid');
      const now = new Date();
      if (token.usedAt) {
        await this.refreshTokens.revokeFamily(em, token.familyId, { reason: 'refresh_reused' }, now);
        this.logger.warn({ familyId: token.familyId }, 'refresh token reused; family revoked');
        return refused('AUTH.REFRESH_REUSED', 'This refresh token was already used; sign in again');
      }
      if (token.revokedAt) {
        // Ended on purpose (signed out, ended from the sign-ins list, a reset password) is not a sign of theft.
        const signIn = await em.findOne(SignIn, { id: token.familyId });
        if (signIn?.endReason && signIn.endReason !== 'refresh_reused') return refused('AUTH.SIGN_IN_ENDED', 'This sign-in was ended; sign in again');
        return refused('AUTH.REFRESH_REUSED', 'This refresh token was already used; sign in again');
      }
      if (token.expiresAt <= now) return refused('AUTH.REFRESH_EXPIRED', 'The refresh token has expired; sign in again');
      const user = await em.findOne(User, { id: token.userId });
      if (!user || user.status !== 'active') {
        await this.refreshTokens.revokeFamily(em, token.familyId, { reason: 'deactivated' }, now);
        return refused('AUTH.USER_INACTIVE', 'This account is not active');
      }
      const refreshToken = await this.refreshTokens.rotate(em, token, client, now);
      await em.flush();
      return { kind: 'rotated', userId: token.userId, districtId: token.districtId, signInId: token.familyId, amr: token.amr, refreshToken };
    });
    if (outcome.kind === 'refused') throw new Unauthenticated(outcome.code, outcome.message);
    const access = await this.accessTokens.issue({ userId: outcome.userId, districtId: outcome.districtId, signInId: outcome.signInId, amr: outcome.amr });
    return { ...access, refreshToken: outcome.refreshToken, tokenType: 'Bearer' };
  }
}

function refused(code: string, message: string): Outcome {
  return { kind: 'refused', code, message };
}

function invalid(): Unauthenticated {
  return new Unauthenticated('AUTH.REFRESH_INVALID', 'The refresh token is not valid');
}
