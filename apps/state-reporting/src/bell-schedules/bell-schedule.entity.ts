import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { SchoolDays } from '@sessionledger/contracts';
import { TenantScopedEntity } from '@sessionledger/persistence';

/** A school's day, per weekday, in the district's time zone; set by district admins. */
@Entity({ tableName: 'bell_schedule' })
export class BellSchedule extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'jsonb' })
  days: SchoolDays;

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'uuid' })
  updatedBy: string;

  constructor(fields: { districtId: string; schoolId: string; days: SchoolDays; updatedBy: string }) {
    super();
    Object.assign(this, fields);
  }
}
