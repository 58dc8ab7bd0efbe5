import { Injectable } from '@nestjs/common';
import { DomainError, Unauthenticated } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog } from '../../audit/audit-log';
import { TokenPair } from '../dto/auth.dto';
import { SignInClient } from '../sign-ins/sign-in.entity';
import { SignInUseCase } from '../use-cases/sign-in.use-case';
import { MfaChallenges } from './mfa-challenges';
import { MfaSignInRequest } from './second-factor.dto';
import { assertOneProof, SecondFactors } from './second-factors';

/** `POST /api/auth/mfa`: the second step of a sign-in, ending like every sign-in with the token pair. */
@Injectable()
export class MfaSignInUseCase {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly challenges: MfaChallenges,
    private readonly factors: SecondFactors,
    private readonly signIn: SignInUseCase,
    private readonly audit: AuditLog,
  ) {}

  async execute(request: MfaSignInRequest, client: SignInClient): Promise<TokenPair> {
    assertOneProof(request);
    const pending = await this.challenges.pending(request.mfaToken);
    try {
      await this.factors.prove(pending.districtId, pending.userId, { code: request.code, recoveryCode: request.recoveryCode });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'AUTH.MFA_CODE_INVALID') await this.challenges.countFailure(request.mfaToken);
      // Guessing codes after a stolen password is what an auditor looks for; the code itself is never recorded.
      if (error instanceof DomainError) {
        await this.audit.recordFor(
          pending.districtId,
          { kind: 'user', id: pending.userId, name: null },
          [
            {
              action: 'auth.mfa.failed',
              subjectType: 'user',
              subjectId: pending.userId,
              detail: { method: pending.method, proof: request.code !== undefined ? 'code' : 'recovery_code', reason: error.code },
            },
          ],
          client.address,
        );
      }
      throw error;
    }
    await this.challenges.spend(request.mfaToken);
    // Deactivation between the two steps must still win.
    const active = await this.transactions.run(pending.districtId, async (em) => {
      const [user] = (await em.execute(`select status from gateway.app_user where id = ?`, [pending.userId])) as { status: string }[];
      return user?.status === 'active';
    });
    if (!active) throw new Unauthenticated('AUTH.USER_INACTIVE', 'This account is not active');
    return this.signIn.issueTokens(pending.districtId, pending.userId, pending.method, client, true);
  }
}
