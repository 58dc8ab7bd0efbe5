import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor, ProviderKind } from '@sessionledger/auth';
import { Unauthenticated } from '@sessionledger/common';
import type { Role } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';

interface ActorRow {
  id: string;
  district_id: string;
  roles: Role[];
  first_name: string;
  last_name: string;
  provider_kind: ProviderKind | null;
  status: string;
  school_ids: string[];
}

/**
 * Reads the caller's current roles and schools on every request, so a
 * disabled user or a withdrawn approval takes effect at once. This is on the
 * path of every authenticated request: one statement, no entity mapping
 * (measured in bench/platform: half the cost of loading the entities).
 */
@Injectable()
export class ActorLoader {
  constructor(private readonly transactions: TenantTransactions) {}

  load(districtId: string, userId: string): Promise<Actor> {
    return this.transactions.run(districtId, (em) => loadActor(em, userId));
  }
}

export async function loadActor(em: EntityManager, userId: string): Promise<Actor> {
  const [row] = (await em.execute(
    `select u.id, u.district_id, u.roles, u.first_name, u.last_name, u.provider_kind, u.status,
            coalesce(array_agg(a.school_id) filter (where a.school_id is not null), '{}') as school_ids
       from gateway.app_user u
       left join gateway.staff_approval a on a.user_id = u.id
      where u.id = ?
      group by u.id`,
    [userId],
  )) as ActorRow[];
  if (!row || row.status !== 'active') throw new Unauthenticated('AUTH.USER_INACTIVE', 'This account is not active');
  return new Actor(row.id, row.district_id, row.roles, row.school_ids, `${row.first_name} ${row.last_name}`, row.provider_kind);
}
