import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { RefreshRequest } from '../dto/auth.dto';
import { RefreshToken } from '../refresh-token.entity';
import { RefreshTokens } from '../refresh-tokens';

/** Ends the sign-in the refresh token belongs to. Answers the same whether or not the token was valid. */
@Injectable()
export class SignOutUseCase {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async execute(request: RefreshRequest): Promise<void> {
    const parsed = this.refreshTokens.parse(request.refreshToken);
    if (!parsed) return;
    await this.transactions.run(parsed.districtId, async (em) => {
      const token = await em.findOne(RefreshToken, { id: parsed.tokenId });
      if (token && this.refreshTokens.matches(token, parsed.secret)) {
        await this.refreshTokens.revokeFamily(em, token.familyId, { reason: 'signed_out', by: token.userId });
      }
    });
  }
}
