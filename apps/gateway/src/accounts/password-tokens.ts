import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, isUuid, newId } from '@sessionledger/common';

export type TokenPurpose = 'invitation' | 'reset';

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  invitation: 7 * 24 * 3_600_000,
  // Short: a reset link sits in a mailbox that may be read by others later.
  reset: 3_600_000,
};

interface TokenRow {
  id: string;
  user_id: string;
  purpose: TokenPurpose;
  secret_hash: string;
  expires_at: Date;
  spent_at: Date | null;
  status: string;
}

/**
 * Single-use links `<district>.<token id>.<secret>` for invitations and
 * password resets. The district part lets the lookup run under that
 * district's row-level security (a tampered one finds nothing); only SHA-256
 * of the 256-bit secret is stored, so a database copy holds no live link.
 */
@Injectable()
export class PasswordTokens {
  /** Spends the account's live links of this purpose (a new link replaces them), then issues one. */
  async issue(em: EntityManager, districtId: string, userId: string, purpose: TokenPurpose, createdBy: string | null, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    await em.execute(`update gateway.password_token set spent_at = ? where user_id = ? and purpose = ? and spent_at is null`, [now, userId, purpose]);
    const id = newId();
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS[purpose]);
    await em.execute(
      `insert into gateway.password_token (id, district_id, user_id, purpose, secret_hash, created_by, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, districtId, userId, purpose, digest(secret), createdBy, now, expiresAt],
    );
    return { token: `${districtId}.${id}.${secret}`, expiresAt };
  }

  /** The district a token claims, or undefined when it is not shaped like one (checked again by `redeem`). */
  districtOf(raw: string): string | undefined {
    const [districtId, tokenId, secret, ...rest] = raw.split('.');
    return rest.length === 0 && isUuid(districtId) && isUuid(tokenId) && secret ? districtId : undefined;
  }

  /**
   * Spends the token (and every other live link of the account) and answers
   * its account, inside the caller's transaction of the token's district; the
   * row is locked so two uses at once cannot both succeed.
   */
  async redeem(em: EntityManager, raw: string, purpose: TokenPurpose, now = new Date()): Promise<string> {
    const [, tokenId, secret] = raw.split('.');
    const [row] = await em.execute<TokenRow[]>(
      `select t.id, t.user_id, t.purpose, t.secret_hash, t.expires_at, t.spent_at, u.status
         from gateway.password_token t join gateway.app_user u on u.id = t.user_id
        where t.id = ? for update of t`,
      [isUuid(tokenId) ? tokenId : '00000000-0000-0000-0000-000000000000'],
    );
    if (!row || row.purpose !== purpose || !matches(row.secret_hash, secret ?? '') || row.status !== 'active') throw tokenProblem('TOKEN_INVALID', 'The link is not valid');
    if (row.spent_at) throw tokenProblem('TOKEN_SPENT', 'The link was already used or replaced by a newer one');
    if (new Date(row.expires_at) <= now) throw tokenProblem('TOKEN_EXPIRED', 'The link has expired; ask for a new one');
    await em.execute(`update gateway.password_token set spent_at = ? where user_id = ? and spent_at is null`, [now, row.user_id]);
    return row.user_id;
  }
}

export function invalidToken(): DomainError {
  return tokenProblem('TOKEN_INVALID', 'The link is not valid');
}

function tokenProblem(code: string, message: string): DomainError {
  return new DomainError('invalid', `ACCOUNT.${code}`, message, [{ field: 'token', problems: [message] }]);
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function matches(storedHex: string, secret: string): boolean {
  const expected = Buffer.from(storedHex, 'hex');
  const actual = Buffer.from(digest(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
