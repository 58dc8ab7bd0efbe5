import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors, generators, TokenSet } from 'openid-client';
import { DomainError, isUuid, normalizeEmail } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { REDIS } from '@sessionledger/platform';
import { MikroORM } from '@mikro-orm/postgresql';
import { ANONYMOUS_ACTOR, AuditLog } from '../../audit/audit-log';
import { TokenPair } from '../dto/auth.dto';
import { MfaChallenge } from '../second-factor/second-factor.dto';
import { SignInClient } from '../sign-ins/sign-in.entity';
import { SignInUseCase } from '../use-cases/sign-in.use-case';
import { DistrictSsoService, SSO_NOT_CONFIGURED } from './district-sso.service';
import { OidcProviders } from './oidc-providers';

/** Long enough to pick an account and pass a second factor at the provider. */
const STATE_TTL_SECONDS = 600;
/** The app exchanges the code as soon as it loads; a code found later in history or a log is useless. */
const CODE_TTL_SECONDS = 60;
/**
 * Each start stores a pending sign-in for STATE_TTL_SECONDS, before anyone is
 * known; unbounded, one address could fill Redis (which runs with noeviction,
 * so every queue would stop). High enough for a whole school behind one NAT
 * address at the start of a lesson.
 */
const STARTS_PER_ADDRESS_PER_MINUTE = 120;

interface PendingSignIn {
  districtId: string;
  nonce: string;
  codeVerifier: string;
  bindingHash: string;
}

interface IssuedCode {
  districtId: string;
  userId: string;
}

export interface SsoStart {
  authorizationUrl: string;
  /** Goes into an HttpOnly cookie: the callback must arrive in the browser that started the sign-in. */
  binding: string;
}

const refused = (kind: 'invalid' | 'unauthenticated' | 'forbidden', code: string, message: string) => new DomainError(kind, code, message);

/**
 * OpenID Connect sign-in (authorization code + PKCE). State, nonce and the
 * PKCE verifier stay in Redis, keyed by the state, and are taken out with
 * GETDEL: a callback works once. Sign-in never creates an account; the
 * provider only proves an address that the district's directory already has.
 */
@Injectable()
export class SsoSignIn {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly env: Environment,
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    private readonly settings: DistrictSsoService,
    private readonly providers: OidcProviders,
    private readonly signIn: SignInUseCase,
    private readonly audit: AuditLog,
  ) {}

  async start(districtSlugOrId: string, clientAddress: string): Promise<SsoStart> {
    await this.admitStart(clientAddress);
    const districtId = await this.resolveDistrict(districtSlugOrId);
    const settings = await this.settings.settingsFor(districtId);
    if (!settings) throw SSO_NOT_CONFIGURED();
    const client = await this.providers.client(settings);
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    const binding = randomBytes(32).toString('base64url');
    const pending: PendingSignIn = { districtId, nonce, codeVerifier, bindingHash: digest(binding) };
    await this.redis.set(this.key('state', state), JSON.stringify(pending), 'EX', STATE_TTL_SECONDS);
    const authorizationUrl = client.authorizationUrl({
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { authorizationUrl, binding };
  }

  /** Returns the one-time code the app exchanges for tokens. */
  async callback(callbackUrl: string, binding: string | undefined): Promise<string> {
    const params = new URL(callbackUrl, 'http://callback.invalid').searchParams;
    const state = params.get('state');
    const raw = state && /^[A-Za-z0-9_-]{1,128}$/.test(state) ? await this.redis.getdel(this.key('state', state)) : null;
    if (!raw) throw refused('invalid', 'SSO.STATE_INVALID', 'This sign-in link has expired or was already used; start the sign-in again');
    const pending = JSON.parse(raw) as PendingSignIn;
    // From here the district is known: its log gets every refusal (before, an unknown or spent state names no district).
    const attempt: { email?: string } = {};
    try {
      return await this.finishCallback(callbackUrl, state!, binding, pending, attempt);
    } catch (error) {
      if (error instanceof DomainError) await this.recordFailure(pending.districtId, 'callback', error.code, attempt.email);
      throw error;
    }
  }

  private async finishCallback(callbackUrl: string, state: string, binding: string | undefined, pending: PendingSignIn, attempt: { email?: string }): Promise<string> {
    const params = new URL(callbackUrl, 'http://callback.invalid').searchParams;
    if (!binding || !sameDigest(digest(binding), pending.bindingHash)) {
      throw refused('invalid', 'SSO.BROWSER_MISMATCH', 'This sign-in was started in another browser; start the sign-in again');
    }
    if (params.get('error')) throw refused('forbidden', 'SSO.PROVIDER_REFUSED', 'The identity provider did not sign you in');
    const settings = await this.settings.settingsFor(pending.districtId);
    if (!settings) throw SSO_NOT_CONFIGURED();
    const client = await this.providers.client(settings);

    let tokens: TokenSet;
    try {
      // openid-client checks state, the ID token's signature, issuer, audience, expiry and nonce, and sends the PKCE verifier.
      tokens = await client.callback(this.env.SSO_REDIRECT_URI, client.callbackParams(callbackUrl), {
        state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
        response_type: 'code',
      });
    } catch (error) {
      if (error instanceof errors.RPError) throw refused('unauthenticated', 'SSO.ID_TOKEN_INVALID', 'The identity provider answered with an ID token that is not valid for this district');
      if (error instanceof errors.OPError) throw refused('unauthenticated', 'SSO.CODE_REJECTED', 'The identity provider refused the sign-in code');
      throw new DomainError('unavailable', 'SSO.PROVIDER_UNAVAILABLE', 'The identity provider could not be reached');
    }

    const claims = tokens.claims();
    // An address the provider has not verified could be anyone's: a self-registered account typing a teacher's address.
    if (claims.email_verified !== true || typeof claims.email !== 'string') {
      throw refused('forbidden', 'SSO.EMAIL_UNVERIFIED', 'The identity provider has not verified your e-mail address');
    }
    const normalized = normalizeEmail(claims.email);
    const email = 'email' in normalized ? normalized.email : undefined;
    attempt.email = email;
    const domain = email?.slice(email.lastIndexOf('@') + 1);
    if (!email || !domain || !settings.allowedDomains.includes(domain)) {
      throw refused('forbidden', 'SSO.DOMAIN_NOT_ALLOWED', "Your e-mail address's domain may not sign in to this district");
    }
    const userId = await this.activeUserOf(pending.districtId, email);
    if (!userId) throw noAccount();
    const code = randomBytes(32).toString('base64url');
    await this.redis.set(this.key('code', digest(code)), JSON.stringify({ districtId: pending.districtId, userId } satisfies IssuedCode), 'EX', CODE_TTL_SECONDS);
    return code;
  }

  async exchange(code: string, client: SignInClient): Promise<TokenPair | MfaChallenge> {
    const raw = await this.redis.getdel(this.key('code', digest(code)));
    if (!raw) throw refused('unauthenticated', 'SSO.CODE_INVALID', 'The sign-in code has expired or was already used');
    const issued = JSON.parse(raw) as IssuedCode;
    // Deactivation between the callback and the exchange must still win.
    const active = await this.transactions.run(issued.districtId, async (em) => {
      const [user] = (await em.execute(`select status from gateway.app_user where id = ?`, [issued.userId])) as { status: string }[];
      return user?.status === 'active';
    });
    if (!active) {
      await this.recordFailure(issued.districtId, 'exchange', 'SSO.NO_ACCOUNT', undefined, issued.userId);
      throw noAccount();
    }
    // An authenticator asks for its code here too: the provider's own second factor is not known to us.
    return this.signIn.complete(issued.districtId, issued.userId, 'sso', client);
  }

  /**
   * A refused sign-on of a known district, in its log: by the account the
   * provider's verified address belongs to (whatever its status), else by
   * someone anonymous, with the address's domain only (an outsider's address is
   * not the district's to keep).
   */
  private async recordFailure(districtId: string, stage: 'callback' | 'exchange', reason: string, email?: string, knownUserId?: string): Promise<void> {
    const userId = knownUserId ?? (email ? await this.accountOf(districtId, email) : undefined);
    const domain = email?.slice(email.lastIndexOf('@') + 1);
    await this.audit.recordFor(districtId, userId ? { kind: 'user', id: userId, name: null } : ANONYMOUS_ACTOR, [
      {
        action: 'auth.sso.failed',
        subjectType: userId ? 'user' : 'district',
        subjectId: userId ?? districtId,
        detail: { method: 'sso', stage, reason, ...(domain && !userId ? { emailDomain: domain } : {}) },
      },
    ]);
  }

  private accountOf(districtId: string, email: string): Promise<string | undefined> {
    return this.transactions.run(districtId, async (em) => {
      const [user] = (await em.execute(`select id from gateway.app_user where district_id = ? and email = ?`, [districtId, email])) as { id: string }[];
      return user?.id;
    });
  }

  private async admitStart(clientAddress: string): Promise<void> {
    const key = this.key('start', clientAddress);
    const result = await this.redis.multi().incr(key).expire(key, 60, 'NX').ttl(key).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    if (count > STARTS_PER_ADDRESS_PER_MINUTE) {
      const retryAfterSeconds = Math.max(1, Number(result?.[2]?.[1] ?? 60));
      throw new DomainError('rate_limited', 'SSO.START_THROTTLED', 'Too many sign-ins started from this address; try again shortly', undefined, { retryAfterSeconds });
    }
  }

  private async resolveDistrict(slugOrId: string): Promise<string> {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/i.test(slugOrId)) throw SSO_NOT_CONFIGURED();
    const [row] = (await this.orm.em.getConnection().execute(`select gateway.sso_district(?) as district_id`, [slugOrId])) as { district_id: string | null }[];
    if (!row?.district_id || !isUuid(row.district_id)) throw SSO_NOT_CONFIGURED();
    return row.district_id;
  }

  private activeUserOf(districtId: string, email: string): Promise<string | undefined> {
    return this.transactions.run(districtId, async (em) => {
      const [user] = (await em.execute(`select id from gateway.app_user where district_id = ? and email = ? and status = 'active'`, [districtId, email])) as { id: string }[];
      return user?.id;
    });
  }

  private key(kind: 'state' | 'code' | 'start', id: string): string {
    return `${this.env.REDIS_PREFIX}:sso:${kind}:${id}`;
  }
}

// One answer for unknown, deactivated and other districts' addresses: the refusal must not reveal who has an account.
const noAccount = () => refused('forbidden', 'SSO.NO_ACCOUNT', 'No active account of this district has your e-mail address');

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function sameDigest(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
