import { Filter, Property } from '@mikro-orm/core';

export const TENANT_FILTER = 'tenant';

export interface TenantFilterParams {
  districtId: string;
}

/**
 * Base of every tenant-owned entity. The filter is on by default and has no
 * default value, so a query made without a district throws instead of reading
 * every district's rows; row-level security enforces the same in PostgreSQL.
 */
@Filter({
  name: TENANT_FILTER,
  cond: (params: TenantFilterParams) => ({ districtId: params.districtId }),
  default: true,
})
export abstract class TenantScopedEntity {
  @Property({ type: 'uuid' })
  districtId: string;
}
