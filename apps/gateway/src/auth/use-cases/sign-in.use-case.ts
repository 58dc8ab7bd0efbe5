import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Unauthenticated } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog } from '../../audit/audit-log';
import { AccessTokens } from '../access-tokens';
import { SignInRequest, TokenPair } from '../dto/auth.dto';
import { LoginThrottle } from '../login-throttle';
import { Passwords } from '../passwords';
import { RefreshTokens } from '../refresh-tokens';
import { MfaChallenges } from '../second-factor/mfa-challenges';
import { MfaChallenge } from '../second-factor/second-factor.dto';
import { SignInClient, SignInMethod } from '../sign-ins/sign-in.entity';

interface SignInCandidate {
  user_id: string;
  district_id: string;
  password_hash: string | null;
  status: string;
}

@Injectable()
export class SignInUseCase {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly throttle: LoginThrottle,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly challenges: MfaChallenges,
    private readonly audit: AuditLog,
  ) {}

  async execute(request: SignInRequest, client: SignInClient): Promise<TokenPair | MfaChallenge> {
    const email = request.email.toLowerCase();
    await this.throttle.admit(email, client.address);
    // Before sign-in no district is known; this SECURITY DEFINER lookup is the only cross-district read.
    const [candidate] = (await this.orm.em
      .getConnection()
      .execute(`select * from gateway.sign_in_candidate(?)`, [email])) as SignInCandidate[];
    const valid = await this.passwords.verify(candidate?.password_hash, request.password);
    // `admit` counted the attempt for the throttle already. The district's log gets it when the e-mail is one of its accounts;
    // an unknown e-mail belongs to no district. The answer is the same either way.
    if (!candidate || !valid || candidate.status !== 'active') {
      if (candidate) {
        await this.audit.recordFor(
          candidate.district_id,
          { kind: 'user', id: candidate.user_id, name: null },
          [{ action: 'auth.sign-in.failed', subjectType: 'user', subjectId: candidate.user_id, detail: { method: 'password', reason: valid ? 'account_inactive' : 'wrong_password' } }],
          client.address,
        );
      }
      throw new Unauthenticated('AUTH.INVALID_CREDENTIALS', 'The e-mail or password is not correct');
    }
    await this.throttle.recordSuccess(email, client.address);
    return this.complete(candidate.district_id, candidate.user_id, 'password', client);
  }

  /** The end of a first factor (password or SSO): a second-factor challenge when the account has an authenticator, else the pair. */
  async complete(districtId: string, userId: string, method: SignInMethod, client: SignInClient): Promise<TokenPair | MfaChallenge> {
    return (await this.challenges.challengeFor(districtId, userId, method)) ?? this.issueTokens(districtId, userId, method, client);
  }

  /**
   * The pair every sign-in ends with (password or SSO), for a user already proven and known to be active;
   * begins the sign-in the user sees in `GET /api/me/sign-ins` (how, from where, with which browser).
   */
  async issueTokens(districtId: string, userId: string, method: SignInMethod, client: SignInClient, secondFactor = false): Promise<TokenPair> {
    const amr = [method === 'sso' ? 'sso' : 'pwd', ...(secondFactor ? ['otp'] : [])];
    const { signInId, refreshToken } = await this.transactions.run(districtId, async (em) => {
      const started = this.refreshTokens.start(em, districtId, userId, method, client, undefined, amr);
      await em.flush();
      await this.audit.record(
        em,
        districtId,
        { kind: 'user', id: userId, name: null },
        [{ action: 'auth.sign-in', subjectType: 'user', subjectId: userId, detail: { method, secondFactor, signInId: started.signInId } }],
        client.address,
      );
      return started;
    });
    const access = await this.accessTokens.issue({ userId, districtId, signInId, amr });
    return { ...access, refreshToken, tokenType: 'Bearer' };
  }
}
