import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Unauthenticated } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AccessTokens } from '../access-tokens';
import { SignInRequest, TokenPair } from '../dto/auth.dto';
import { LoginThrottle } from '../login-throttle';
import { Passwords } from '../passwords';
import { RefreshTokens } from '../refresh-tokens';

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
  ) {}

  async execute(request: SignInRequest, clientAddress: string): Promise<TokenPair> {
    const email = request.email.toLowerCase();
    await this.throttle.admit(email, clientAddress);
    // Before sign-in no district is known; this SECURITY DEFINER lookup is the only cross-district read.
    const [candidate] = (await this.orm.em
      .getConnection()
      .execute(`select * from gateway.sign_in_candidate(?)`, [email])) as SignInCandidate[];
    const valid = await this.passwords.verify(candidate?.password_hash, request.password);
    // A failure needs no recording: `admit` counted the attempt as one already.
    if (!candidate || !valid || candidate.status !== 'active') {
      throw new Unauthenticated('AUTH.INVALID_CREDENTIALS', 'The e-mail or password is not correct');
    }
    await this.throttle.recordSuccess(email, clientAddress);
    return this.issueTokens(candidate.district_id, candidate.user_id);
  }

  /** The pair every sign-in ends with (password or SSO), for a user already proven and known to be active. */
  async issueTokens(districtId: string, userId: string): Promise<TokenPair> {
    const refreshToken = await this.transactions.run(districtId, async (em) => {
      const token = this.refreshTokens.issue(em, districtId, userId);
      await em.flush();
      return token;
    });
    const access = await this.accessTokens.issue({ userId, districtId });
    return { ...access, refreshToken, tokenType: 'Bearer' };
  }
}
