import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { isUuid, newId, Unauthenticated } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';

export interface AccessClaims {
  /** The user, or for a machine token the API client's row id. */
  userId: string;
  districtId: string;
  /** Machine tokens only (client-credentials grant): the API client and the scopes granted at issue. */
  client?: { id: string; scopes: string[] };
  /**
   * A person's tokens only (`sid`): the sign-in (refresh-token family) they came from, refused once it is ended.
   * Absent only from tokens issued before sign-ins were recorded.
   */
  signInId?: string;
  /**
   * A person's tokens (`amr`, RFC 8176): how the sign-in was proven, e.g. ['pwd'], ['sso', 'otp'].
   * `otp` marks a second factor, which is remembered for the life of this token only.
   */
  amr?: string[];
}

/**
 * Short-lived HS256 access tokens. Verification pins the algorithm (so `none`
 * and key-confusion tokens fail), the issuer and the audience, and honours
 * expiry with no leeway, and refuses a token whose lifetime exceeds the
 * access-token TTL. Roles are not trusted from the token: they are read
 * from the database on every request.
 */
@Injectable()
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(private readonly env: Environment) {
    this.key = new TextEncoder().encode(env.JWT_SECRET);
  }

  async issue(claims: AccessClaims, now = new Date()): Promise<{ accessToken: string; expiresIn: number }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const machine = claims.client ? { cid: claims.client.id, scope: claims.client.scopes.join(' ') } : {};
    const signIn = claims.signInId ? { sid: claims.signInId } : {};
    const methods = claims.amr ? { amr: claims.amr } : {};
    const accessToken = await new SignJWT({ did: claims.districtId, ...machine, ...signIn, ...methods })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(this.env.JWT_ISSUER)
      .setAudience(this.env.JWT_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.env.ACCESS_TOKEN_TTL_SECONDS)
      .setJti(newId())
      .sign(this.key);
    return { accessToken, expiresIn: this.env.ACCESS_TOKEN_TTL_SECONDS };
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.env.JWT_ISSUER,
        audience: this.env.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        maxTokenAge: this.env.ACCESS_TOKEN_TTL_SECONDS,
      });
      // A token we issued never outlives the TTL; a longer one was minted elsewhere.
      if (payload.exp! - payload.iat! > this.env.ACCESS_TOKEN_TTL_SECONDS) {
        throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
      }
      if (!isUuid(payload.sub) || !isUuid(payload.did)) throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
      if (payload.cid !== undefined) {
        if (payload.cid !== payload.sub || typeof payload.scope !== 'string') throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
        return { userId: payload.sub, districtId: payload.did, client: { id: payload.sub, scopes: payload.scope.split(' ') } };
      }
      if (payload.sid !== undefined && !isUuid(payload.sid)) throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
      const amr = payload.amr === undefined ? [] : payload.amr;
      if (!Array.isArray(amr) || !amr.every((method) => typeof method === 'string')) throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
      return { userId: payload.sub, districtId: payload.did, amr, ...(payload.sid === undefined ? {} : { signInId: payload.sid }) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new Unauthenticated('AUTH.TOKEN_EXPIRED', 'The access token has expired');
      if (error instanceof Unauthenticated) throw error;
      throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
    }
  }
}
