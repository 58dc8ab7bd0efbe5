import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import { TenantScopedEntity } from '@sessionledger/persistence';

/**
 * Authorises paid work: a provider, at a school, under a type of the
 * district's catalog, at a rate, between two dates (both included). Never
 * deleted, only deactivated: pay lines will refer to it.
 */
@Entity({ tableName: 'work_order' })
export class WorkOrder extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  type: string;

  /** A gateway user id; payroll does not know users, the gateway checked it before sending. */
  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'integer' })
  payRateCents: number;

  @Property({ type: 'date' })
  validFrom: string;

  @Property({ type: 'date' })
  validTo: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'boolean' })
  active = true;

  /** Set while deactivated: work started before it stays covered (pay is judged at the session's time). */
  @Property({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Stamped by the database on every real change, a new dated rate included (Migration20261205050000WorkOrderUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  @Property({ type: 'uuid' })
  createdBy: string;

  constructor(fields: {
    districtId: string;
    type: string;
    providerId: string;
    schoolId: string;
    payRateCents: number;
    validFrom: string;
    validTo: string;
    description: string | null;
    createdBy: string;
  }) {
    super();
    Object.assign(this, fields);
  }
}
