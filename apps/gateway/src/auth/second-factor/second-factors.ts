import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomInt } from 'node:crypto';
import { Actor } from '@sessionledger/auth';
import { DomainError, invalid, newId, Unauthenticated } from '@sessionledger/common';
import type { Role } from '@sessionledger/contracts';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { LoginThrottle } from '../login-throttle';
import { SecretBox } from '../secret-box';
import { acceptedTimeStep, newTotpSecret, totpUri } from './totp';

/** Roles that must use a second factor when their district requires it. */
export const MFA_ROLES: readonly Role[] = ['district_admin', 'payroll'];
export const RECOVERY_CODE_COUNT = 10;

/** Authentication methods (RFC 8176) a token or sign-in was proven with: `otp` marks a second factor (TOTP or a recovery code). */
export type AuthMethod = 'pwd' | 'sso' | 'otp';

/** What the second factor asks of one user now: read on every request, with the actor. */
export interface SecondFactorState {
  enrolled: boolean;
  /** The district requires a second factor and the user holds a role it applies to. */
  required: boolean;
}

/** A second factor presented to a route: exactly one of the two. */
export interface SecondFactorProof {
  code?: string;
  recoveryCode?: string;
}

interface TotpRow {
  secret_sealed: string | null;
  pending_secret_sealed: string | null;
  last_time_step: string | null;
  enrolled_at: Date | null;
}

// Lower case letters and digits a person cannot misread for another (no 0/o, 1/l/i).
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export const MFA_CODE_INVALID = () => new Unauthenticated('AUTH.MFA_CODE_INVALID', 'The code is not correct, has expired or was already used');

/**
 * The second-factor state as two columns of a query over `gateway.app_user u`
 * (`mfa_enrolled`, `mfa_required`), with SECOND_FACTOR_ROLES_PARAM bound to its
 * one placeholder: the actor's per-request statement reads them too.
 */
export const SECOND_FACTOR_COLUMNS = `exists(select 1 from gateway.user_totp t where t.user_id = u.id and t.enrolled_at is not null) as mfa_enrolled,
            coalesce((select s.mfa_required from gateway.district_security s where s.district_id = u.district_id), false)
              and u.roles && ?::text[] as mfa_required`;
export const SECOND_FACTOR_ROLES_PARAM = `{${MFA_ROLES.join(',')}}`;

/** The second-factor state of a user, in the caller's transaction. */
export async function secondFactorState(em: EntityManager, userId: string): Promise<SecondFactorState> {
  const [row] = (await em.execute(`select ${SECOND_FACTOR_COLUMNS} from gateway.app_user u where u.id = ?`, [SECOND_FACTOR_ROLES_PARAM, userId])) as {
    mfa_enrolled: boolean;
    mfa_required: boolean;
  }[];
  return { enrolled: Boolean(row?.mfa_enrolled), required: Boolean(row?.mfa_required) };
}

/**
 * TOTP second factors (RFC 6238 through otplib) and their recovery codes.
 * Secrets are sealed (SecretBox, under SSO_SECRET_KEY) with the user as
 * associated data; recovery codes are kept as SHA-256 only. The last time
 * step accepted is stored with the secret and advanced in the statement that
 * accepts a code, so one code never works twice, even in a race.
 */
@Injectable()
export class SecondFactors {
  private readonly box: SecretBox;

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly throttle: LoginThrottle,
    env: Environment,
  ) {
    this.box = SecretBox.fromEnvironment(env);
  }

  state(districtId: string, userId: string): Promise<SecondFactorState> {
    return this.transactions.run(districtId, (em) => secondFactorState(em, userId));
  }

  async status(actor: Actor): Promise<{ enrolled: boolean; pending: boolean; enrolledAt: string | null; recoveryCodesLeft: number; required: boolean }> {
    return this.transactions.run(actor.districtId, async (em) => {
      const row = await totpRow(em, actor.userId);
      const [{ left }] = (await em.execute(`select count(*)::int as "left" from gateway.mfa_recovery_code where user_id = ? and used_at is null`, [actor.userId])) as {
        left: number;
      }[];
      const { required } = await secondFactorState(em, actor.userId);
      return {
        enrolled: Boolean(row?.enrolled_at),
        pending: Boolean(row?.pending_secret_sealed),
        enrolledAt: row?.enrolled_at ? new Date(row.enrolled_at).toISOString() : null,
        recoveryCodesLeft: row?.enrolled_at ? left : 0,
        required,
      };
    });
  }

  /**
   * Starts (or restarts) enrolment: a new secret waits for its first code.
   * Replacing an enrolled authenticator needs a sign-in proven with it, so a
   * stolen password-only session cannot swap in the thief's phone.
   */
  async begin(actor: Actor, amr: readonly string[]): Promise<{ secret: string; otpauthUri: string }> {
    const secret = newTotpSecret();
    return this.transactions.run(actor.districtId, async (em) => {
      const row = await totpRow(em, actor.userId);
      if (row?.enrolled_at && !amr.includes('otp')) {
        throw new DomainError('forbidden', 'MFA.SECOND_FACTOR_REQUIRED', 'Sign in with your current authenticator (or a recovery code) before replacing it');
      }
      const sealed = this.seal(secret, actor);
      await em.execute(
        `insert into gateway.user_totp (user_id, district_id, pending_secret_sealed) values (?, ?, ?)
         on conflict (user_id) do update set pending_secret_sealed = excluded.pending_secret_sealed, updated_at = now()`,
        [actor.userId, actor.districtId, sealed],
      );
      const [{ email }] = (await em.execute(`select email from gateway.app_user where id = ?`, [actor.userId])) as { email: string }[];
      return { secret, otpauthUri: totpUri(secret, email) };
    });
  }

  /** Activates the pending secret with its first code; returns the new recovery codes (shown once). */
  async confirm(actor: Actor, code: string): Promise<string[]> {
    await this.throttle.admitSecondFactor(actor.userId);
    const codes = await this.transactions.run(actor.districtId, async (em) => {
      const row = await totpRow(em, actor.userId, true);
      if (!row?.pending_secret_sealed) throw new DomainError('conflict', 'MFA.NO_PENDING_ENROLMENT', 'Start enrolment first (POST /api/me/mfa/totp)');
      const step = await acceptedTimeStep(this.open(row.pending_secret_sealed, actor), code, null);
      if (step === undefined) return undefined;
      await em.execute(
        `update gateway.user_totp set secret_sealed = pending_secret_sealed, pending_secret_sealed = null, last_time_step = ?, enrolled_at = now(), updated_at = now()
          where user_id = ?`,
        [step, actor.userId],
      );
      return replaceRecoveryCodes(em, actor.districtId, actor.userId);
    });
    if (!codes) throw new DomainError('invalid', 'MFA.CODE_INVALID', 'The code is not correct; check the time on your phone and try the next code', [
      { field: 'code', problems: ['is not the current code of the new authenticator'] },
    ]);
    await this.throttle.recordSecondFactorSuccess(actor.userId);
    return codes;
  }

  /** Removes the authenticator and its recovery codes; refused while the district requires a second factor of this user. */
  async disable(actor: Actor, proof: SecondFactorProof): Promise<void> {
    const state = await this.state(actor.districtId, actor.userId);
    if (!state.enrolled) throw new DomainError('conflict', 'MFA.NOT_ENROLLED', 'No authenticator is enrolled');
    if (state.required) throw new DomainError('unprocessable', 'MFA.REQUIRED_BY_DISTRICT', 'Your district requires a second factor for your role; it cannot be turned off');
    await this.prove(actor.districtId, actor.userId, proof);
    await this.transactions.run(actor.districtId, async (em) => {
      await em.execute(`delete from gateway.mfa_recovery_code where user_id = ?`, [actor.userId]);
      await em.execute(`delete from gateway.user_totp where user_id = ?`, [actor.userId]);
    });
  }

  async regenerateRecoveryCodes(actor: Actor, proof: SecondFactorProof): Promise<string[]> {
    const state = await this.state(actor.districtId, actor.userId);
    if (!state.enrolled) throw new DomainError('conflict', 'MFA.NOT_ENROLLED', 'No authenticator is enrolled');
    await this.prove(actor.districtId, actor.userId, proof);
    return this.transactions.run(actor.districtId, (em) => replaceRecoveryCodes(em, actor.districtId, actor.userId));
  }

  /**
   * Checks a second factor of an enrolled user: a TOTP code (never a step
   * already used) or an unused recovery code (spent by this check).
   * Throttled per user; a wrong one is 401 `AUTH.MFA_CODE_INVALID`.
   */
  async prove(districtId: string, userId: string, proof: SecondFactorProof): Promise<void> {
    assertOneProof(proof);
    await this.throttle.admitSecondFactor(userId);
    const accepted = await this.transactions.run(districtId, async (em) => {
      if (proof.recoveryCode !== undefined) {
        const spent = await em.execute(
          `update gateway.mfa_recovery_code set used_at = now() where user_id = ? and code_hash = ? and used_at is null
              and exists (select 1 from gateway.user_totp t where t.user_id = ? and t.enrolled_at is not null) returning id`,
          [userId, recoveryHash(userId, proof.recoveryCode), userId],
        );
        return spent.length === 1;
      }
      const row = await totpRow(em, userId, true);
      if (!row?.secret_sealed) return false;
      const step = await acceptedTimeStep(this.open(row.secret_sealed, { userId, districtId }), proof.code!, row.last_time_step === null ? null : Number(row.last_time_step));
      if (step === undefined) return false;
      await em.execute(`update gateway.user_totp set last_time_step = ?, updated_at = now() where user_id = ?`, [step, userId]);
      return true;
    });
    if (!accepted) throw MFA_CODE_INVALID();
    await this.throttle.recordSecondFactorSuccess(userId);
  }

  private seal(secret: string, who: { userId: string; districtId: string }): string {
    if (!this.box.available) throw unavailable();
    return this.box.seal(secret, totpContext(who));
  }

  private open(sealed: string, who: { userId: string; districtId: string }): string {
    if (!this.box.available) throw unavailable();
    const secret = this.box.open(sealed, totpContext(who));
    if (secret === undefined) {
      throw new DomainError('unprocessable', 'MFA.SECRET_UNREADABLE', 'Your authenticator cannot be read on this server (its key changed): use a recovery code, then enrol again');
    }
    return secret;
  }
}

/** Reads the user's TOTP row; `lock` holds it until the transaction ends, so two codes checked at once see each other's step. */
async function totpRow(em: EntityManager, userId: string, lock = false): Promise<TotpRow | undefined> {
  const [row] = (await em.execute(
    `select secret_sealed, pending_secret_sealed, last_time_step, enrolled_at from gateway.user_totp where user_id = ?${lock ? ' for update' : ''}`,
    [userId],
  )) as TotpRow[];
  return row;
}

async function replaceRecoveryCodes(em: EntityManager, districtId: string, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await em.execute(`delete from gateway.mfa_recovery_code where user_id = ?`, [userId]);
  for (const code of codes) {
    await em.execute(`insert into gateway.mfa_recovery_code (id, district_id, user_id, code_hash) values (?, ?, ?, ?)`, [newId(), districtId, userId, recoveryHash(userId, code)]);
  }
  return codes;
}

/** 12 characters of 31: about 59 random bits, shown as `xxxx-xxxx-xxxx`. */
function newRecoveryCode(): string {
  const characters = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8)}`;
}

/** Typed with or without the dashes, in any case; salted with the user id so equal codes of two users hash apart. */
function recoveryHash(userId: string, code: string): string {
  const normalized = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return createHash('sha256').update(`${userId}:${normalized}`).digest('hex');
}

function totpContext(who: { userId: string; districtId: string }): string {
  return `totp:${who.districtId}:${who.userId}`;
}

export function assertOneProof(proof: SecondFactorProof): void {
  if ((proof.code === undefined) === (proof.recoveryCode === undefined)) {
    throw invalid('code', 'send exactly one of code and recoveryCode');
  }
}

function unavailable(): DomainError {
  return new DomainError('unavailable', 'MFA.UNAVAILABLE', 'Second factors are not available: SSO_SECRET_KEY, which seals authenticator secrets, is not set on this server');
}
