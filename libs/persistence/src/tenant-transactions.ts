import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { isUuid, requestContext } from '@sessionledger/common';
import { TENANT_FILTER } from './tenant-entity';

/**
 * The one way application code reaches tenant data: a fresh fork, a
 * transaction, the district set for row-level security with
 * `set_config(..., true)` (it ends with the transaction, so a pooled
 * connection never carries it to the next caller) and the ORM filter set to
 * the same district.
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly orm: MikroORM) {}

  async run<T>(districtId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!isUuid(districtId)) throw new Error('A tenant transaction needs a district id');
    requestContext.enrich({ districtId });
    const em = this.orm.em.fork({ clear: true });
    em.setFilterParams(TENANT_FILTER, { districtId });
    return em.transactional(async (tx) => {
      await tx.execute(`select set_config('app.district_id', ?, true)`, [districtId]);
      return work(tx);
    });
  }

  /** Work that is not any one district's (outbox relay, login lookup): no tenant is set, so only SECURITY DEFINER functions see rows. */
  async runWithoutTenant<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const em = this.orm.em.fork({ clear: true });
    return em.transactional((tx) => work(tx));
  }
}
