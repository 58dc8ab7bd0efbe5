import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { isUuid, newId, Unauthenticated } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';

export interface AccessClaims {
  userId: string;
  districtId: string;
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
    const accessToken = await new SignJWT({ did: claims.districtId })
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
      return { userId: payload.sub, districtId: payload.did };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new Unauthenticated('AUTH.TOKEN_EXPIRED', 'The access token has expired');
      if (error instanceof Unauthenticated) throw error;
      throw new Unauthenticated('AUTH.TOKEN_INVALID', 'The access token is not valid');
    }
  }
}
