import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Unauthenticated } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { StaffApproval, User } from '../directory/directory.entities';

/** Reads the caller's current roles and schools; a disabled or removed user has no access from this moment. */
@Injectable()
export class ActorLoader {
  constructor(private readonly transactions: TenantTransactions) {}

  load(districtId: string, userId: string): Promise<Actor> {
    return this.transactions.run(districtId, (em) => loadActor(em, userId));
  }
}

export async function loadActor(em: EntityManager, userId: string): Promise<Actor> {
  const user = await em.findOne(User, { id: userId });
  if (!user || user.status !== 'active') throw new Unauthenticated('AUTH.USER_INACTIVE', 'This account is not active');
  const approvals = await em.find(StaffApproval, { userId }, { fields: ['schoolId'] });
  return new Actor(
    user.id,
    user.districtId,
    user.roles,
    approvals.map((approval) => approval.schoolId),
    user.displayName,
    user.providerKind ?? null,
  );
}
