import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf } from '../../audit/audit-log';
import { RefreshTokens } from '../refresh-tokens';
import { SignInClient } from '../sign-ins/sign-in.entity';
import { SignInUseCase } from '../use-cases/sign-in.use-case';
import { DistrictSecurityReply, PutDistrictSecurityRequest, TotpConfirmReply } from './second-factor.dto';
import { MFA_ROLES, SecondFactors } from './second-factors';

/** Ends sign-ins (refresh-token families) of these users that were not proven with a second factor, but `keep`. */
async function endSignInsWithoutSecondFactor(
  em: EntityManager,
  refreshTokens: RefreshTokens,
  userFilter: string,
  params: unknown[],
  by: string,
  keep: string | undefined,
): Promise<number> {
  const families = (await em.execute(
    `select distinct t.family_id from gateway.refresh_token t join gateway.app_user u on u.id = t.user_id
      where t.revoked_at is null and not ('otp' = any(t.amr)) and t.family_id is distinct from ?::uuid and ${userFilter}`,
    [keep ?? null, ...params],
  )) as { family_id: string }[];
  return refreshTokens.revokeFamilies(
    em,
    families.map((family) => family.family_id),
    { reason: 'ended', by },
  );
}

/**
 * Confirming an authenticator proves it: the answer carries a new sign-in
 * proven with it, and every sign-in of the account that was not is ended
 * (from now on each sign-in asks for the code, so none may go on without one).
 */
@Injectable()
export class ConfirmTotpUseCase {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly factors: SecondFactors,
    private readonly refreshTokens: RefreshTokens,
    private readonly signIn: SignInUseCase,
  ) {}

  async execute(actor: Actor, amr: readonly string[], code: string, client: SignInClient): Promise<TotpConfirmReply> {
    const recoveryCodes = await this.factors.confirm(actor, code);
    await this.transactions.run(actor.districtId, (em) => endSignInsWithoutSecondFactor(em, this.refreshTokens, 'u.id = ?', [actor.userId], actor.userId, undefined));
    const tokens = await this.signIn.issueTokens(actor.districtId, actor.userId, amr.includes('sso') ? 'sso' : 'password', client, true);
    return { recoveryCodes, tokens };
  }
}

interface DistrictSecurityRow {
  mfa_required: boolean;
  version: number;
  updated_at: Date;
  updated_by: string;
}

/**
 * The district's security settings (today: whether district admins and
 * payroll must use a second factor). Gateway-only: sign-in is the gateway's
 * business, so they are not replicated to the services. Each change keeps
 * who made it and when, and is logged.
 */
@Injectable()
export class DistrictSecurityService {
  private readonly logger = new Logger(DistrictSecurityService.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditLog,
  ) {}

  get(actor: Actor): Promise<DistrictSecurityReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = (await em.execute(`select * from gateway.district_security where district_id = ?`, [actor.districtId])) as DistrictSecurityRow[];
      return toReply(row);
    });
  }

  /**
   * Turning the requirement on ends, at once, every sign-in of the district's
   * admins and payroll staff that was not proven with a second factor: they
   * sign in again, with a code, or (not enrolled yet) to enrol. The admin's
   * own current sign-in is kept, so the answer reaches them; the gate still
   * holds it to the enrolment until they enrol.
   */
  put(actor: Actor, request: PutDistrictSecurityRequest, currentSignInId: string | undefined): Promise<DistrictSecurityReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [before] = (await em.execute(`select mfa_required from gateway.district_security where district_id = ? for update`, [actor.districtId])) as {
        mfa_required: boolean;
      }[];
      const [row] = (await em.execute(
        `insert into gateway.district_security (district_id, mfa_required, updated_by) values (?, ?, ?)
         on conflict (district_id) do update set mfa_required = excluded.mfa_required, updated_by = excluded.updated_by,
           version = gateway.district_security.version + 1, updated_at = now()
         returning *`,
        [actor.districtId, request.mfaRequired, actor.userId],
      )) as DistrictSecurityRow[];
      let ended = 0;
      if (request.mfaRequired && !before?.mfa_required) {
        ended = await endSignInsWithoutSecondFactor(em, this.refreshTokens, 'u.roles && ?::text[]', [`{${MFA_ROLES.join(',')}}`], actor.userId, currentSignInId);
      }
      this.logger.log({ actorId: actor.userId, mfaRequired: request.mfaRequired, version: row.version, signInsEnded: ended }, 'district security settings changed');
      const wasRequired = before?.mfa_required ?? false;
      if (wasRequired !== request.mfaRequired) {
        await this.audit.record(em, actor.districtId, auditActorOf(actor), [
          {
            action: 'district.security.update',
            subjectType: 'district',
            subjectId: actor.districtId,
            before: { mfaRequired: wasRequired },
            after: { mfaRequired: request.mfaRequired },
            detail: { signInsEnded: ended },
          },
        ]);
      }
      return toReply(row);
    });
  }
}

function toReply(row: DistrictSecurityRow | undefined): DistrictSecurityReply {
  return {
    mfaRequired: row?.mfa_required ?? false,
    mfaRoles: [...MFA_ROLES],
    version: row?.version ?? 0,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    updatedBy: row?.updated_by ?? null,
  };
}
