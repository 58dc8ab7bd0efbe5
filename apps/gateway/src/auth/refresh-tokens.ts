import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isUuid, newId } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { RefreshToken } from './refresh-token.entity';
import { deviceLabel } from './sign-ins/device-label';
import { SignIn, SignInClient, SignInEnding, SignInMethod } from './sign-ins/sign-in.entity';

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

  /** Begins a sign-in: its record and the first refresh token of its family (the family id is the sign-in's id). */
  start(
    em: EntityManager,
    districtId: string,
    userId: string,
    method: SignInMethod,
    client: SignInClient,
    now = new Date(),
    amr: string[] = [],
  ): { signInId: string; refreshToken: string } {
    const signIn = new SignIn(newId(), districtId, userId, { method, client, device: deviceLabel(client.userAgent), at: now, expiresAt: this.expiryFrom(now) });
    em.persist(signIn);
    return { signInId: signIn.id, refreshToken: this.issue(em, districtId, userId, signIn.id, now, amr) };
  }

  /** Spends `token` for the next one of its family, and notes when and from where the sign-in was used. */
  async rotate(em: EntityManager, token: RefreshToken, client: SignInClient, now = new Date()): Promise<string> {
    token.usedAt = now;
    const refreshToken = this.issue(em, token.districtId, token.userId, token.familyId, now, token.amr);
    const signIn = await em.findOne(SignIn, { id: token.familyId });
    // A family begun by a gateway without sign-in records (during a rolling deploy) gets its record now.
    if (signIn) signIn.used(now, client.address, this.expiryFrom(now));
    else em.persist(new SignIn(token.familyId, token.districtId, token.userId, { method: null, client, device: deviceLabel(client.userAgent), at: now, expiresAt: this.expiryFrom(now) }));
    return refreshToken;
  }

  private issue(em: EntityManager, districtId: string, userId: string, familyId: string, now: Date, amr: string[]): string {
    const secret = randomBytes(32).toString('base64url');
    const token = new RefreshToken(districtId, userId, familyId, digest(secret), now, this.expiryFrom(now));
    token.amr = amr;
    em.persist(token);
    return `${districtId}.${token.id}.${secret}`;
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.env.REFRESH_TOKEN_TTL_SECONDS * 1000);
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

  /** Ends one sign-in: its refresh tokens stop working, and so (through `sid`) do its access tokens. Returns whether it was live. */
  async revokeFamily(em: EntityManager, familyId: string, ending: SignInEnding, at = new Date()): Promise<boolean> {
    return (await this.revokeFamilies(em, [familyId], ending, at)) > 0;
  }

  /** Ends these sign-ins; returns how many were not ended yet. */
  async revokeFamilies(em: EntityManager, familyIds: string[], ending: SignInEnding, at = new Date()): Promise<number> {
    if (familyIds.length === 0) return 0;
    await em.nativeUpdate(RefreshToken, { familyId: { $in: familyIds }, revokedAt: null }, { revokedAt: at });
    return em.nativeUpdate(SignIn, { id: { $in: familyIds }, endedAt: null }, ended(ending, at));
  }

  /** Ends every sign-in of the user (by default because the account was deactivated). Returns how many were live. */
  async revokeAllOf(em: EntityManager, userId: string, ending: SignInEnding = { reason: 'deactivated' }, at = new Date()): Promise<number> {
    await em.nativeUpdate(RefreshToken, { userId, revokedAt: null }, { revokedAt: at });
    return em.nativeUpdate(SignIn, { userId, endedAt: null }, ended(ending, at));
  }
}

function ended(ending: SignInEnding, at: Date): Partial<SignIn> {
  return { endedAt: at, endedBy: ending.by ?? null, endReason: ending.reason };
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
