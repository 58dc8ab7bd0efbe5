import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isUuid, newId } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { RefreshToken } from './refresh-token.entity';

export interface ParsedRefreshToken {
  districtId: string;
  tokenId: string;
  secret: string;
}

/**
 * Opaque refresh tokens `<district>.<token id>.<secret>`. The district part
 * lets the lookup run under that district's row-level security; a tampered
 * district finds nothing. Only SHA-256 of the 256-bit secret is stored.
 */
@Injectable()
export class RefreshTokens {
  constructor(private readonly env: Environment) {}

  issue(em: EntityManager, districtId: string, userId: string, familyId: string = newId(), now = new Date()): string {
    const secret = randomBytes(32).toString('base64url');
    const token = new RefreshToken(
      districtId,
      userId,
      familyId,
      digest(secret),
      now,
      new Date(now.getTime() + this.env.REFRESH_TOKEN_TTL_SECONDS * 1000),
    );
    em.persist(token);
    return `${districtId}.${token.id}.${secret}`;
  }

  parse(raw: string): ParsedRefreshToken | undefined {
    const [districtId, tokenId, secret, ...rest] = raw.split('.');
    if (rest.length > 0 || !isUuid(districtId) || !isUuid(tokenId) || !secret) return undefined;
    return { districtId, tokenId, secret };
  }

  matches(token: RefreshToken, secret: string): boolean {
    const expected = Buffer.from(token.secretHash, 'hex');
    const actual = Buffer.from(digest(secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  async revokeFamily(em: EntityManager, familyId: string, at = new Date()): Promise<void> {
    await em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: at });
  }

  async revokeAllOf(em: EntityManager, userId: string, at = new Date()): Promise<void> {
    await em.nativeUpdate(RefreshToken, { userId, revokedAt: null }, { revokedAt: at });
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
