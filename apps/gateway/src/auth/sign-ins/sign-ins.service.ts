import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { NotFound, Page, pageOf, SyncPageQuery } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { RefreshTokens } from '../refresh-tokens';
import { SignIn } from './sign-in.entity';
import { EndedSignInsReply, SignInRecordReply } from './sign-ins.dto';

/** Whose sign-ins, and which one made the request (`sid` of its access token). */
export interface SignInsOf {
  userId: string;
  currentSignInId: string | undefined;
}

/**
 * The live sign-ins of one account (not ended, refresh token not expired),
 * and ending them. The caller decides whose: the actor's own, or, for a
 * district admin, any user's of the district (row-level security keeps
 * another district's user out: 404). Ending records who ended it and when.
 */
@Injectable()
export class SignInsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  list(actor: Actor, of: SignInsOf, query: SyncPageQuery): Promise<Page<SignInRecordReply>> {
    return this.transactions.run(actor.districtId, async (em) => {
      await this.assertUserExists(em, of.userId);
      const where: FilterQuery<SignIn> = query.updatedSince ? { $and: [live(of.userId), { lastUsedAt: { $gte: new Date(query.updatedSince) } }] } : live(of.userId);
      const [rows, total] = await em.findAndCount(SignIn, where, {
        orderBy: { startedAt: 'desc', id: 'desc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      return pageOf(
        rows.map((row) => toReply(row, of.currentSignInId)),
        total,
        query,
      );
    });
  }

  /** Ending one that already ended (or expired) changes nothing; another user's is 404. */
  end(actor: Actor, userId: string, signInId: string): Promise<void> {
    return this.transactions.run(actor.districtId, async (em) => {
      await this.assertUserExists(em, userId);
      const signIn = await em.findOne(SignIn, { id: signInId, userId });
      if (!signIn) throw new NotFound('sign_in');
      await this.refreshTokens.revokeFamily(em, signIn.id, { reason: 'ended', by: actor.userId });
    });
  }

  endAll(actor: Actor, of: SignInsOf, keepCurrent: boolean): Promise<EndedSignInsReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      await this.assertUserExists(em, of.userId);
      const where: FilterQuery<SignIn> = keepCurrent && of.currentSignInId ? { $and: [live(of.userId), { id: { $ne: of.currentSignInId } }] } : live(of.userId);
      const ids = (await em.find(SignIn, where, { fields: ['id'] })).map((signIn) => signIn.id);
      return { ended: await this.refreshTokens.revokeFamilies(em, ids, { reason: 'ended', by: actor.userId }) };
    });
  }

  private async assertUserExists(em: EntityManager, userId: string): Promise<void> {
    const [user] = (await em.execute(`select 1 from gateway.app_user where id = ?`, [userId])) as unknown[];
    if (!user) throw new NotFound('user');
  }
}

function live(userId: string): FilterQuery<SignIn> {
  return { userId, endedAt: null, expiresAt: { $gt: new Date() } };
}

function toReply(signIn: SignIn, currentSignInId: string | undefined): SignInRecordReply {
  return {
    id: signIn.id,
    device: signIn.device,
    userAgent: signIn.userAgent,
    address: signIn.address,
    startedAt: signIn.startedAt.toISOString(),
    lastUsedAt: signIn.lastUsedAt.toISOString(),
    method: signIn.method,
    current: signIn.id === currentSignInId,
  };
}
