import { Entity, Filter, PrimaryKey, Property } from '@mikro-orm/core';
import { TENANT_FILTER, TenantFilterParams, TenantScopedEntity } from '@sessionledger/persistence';

/**
 * A service's copy of the district facts it applies on its own (time zone,
 * notice window, late-entry window). The gateway owns the original and sends
 * every change as an event; the copy never calls back.
 */
@Entity({ tableName: 'district_replica' })
@Filter({ name: TENANT_FILTER, cond: (params: TenantFilterParams) => ({ districtId: params.districtId }), default: true })
export class DistrictReplica {
  @PrimaryKey({ type: 'uuid', fieldName: 'district_id' })
  districtId: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  timeZone: string;

  @Property({ type: 'integer' })
  version: number;

  @Property({ type: 'jsonb' })
  settings: object;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  constructor(districtId: string) {
    this.districtId = districtId;
  }
}

@Entity({ tableName: 'school_replica' })
export class SchoolReplica extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  stateSchoolCode: string;

  @Property({ type: 'boolean' })
  active: boolean;

  @Property({ type: 'integer' })
  version: number;

  constructor(id: string, districtId: string) {
    super();
    this.id = id;
    this.districtId = districtId;
  }
}
