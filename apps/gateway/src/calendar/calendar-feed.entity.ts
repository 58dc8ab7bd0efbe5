import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantScopedEntity } from '@sessionledger/persistence';

/** A provider's calendar feed. Only SHA-256 of the URL's secret is stored; rotating replaces it, revoking deletes the row. */
@Entity({ tableName: 'calendar_feed' })
export class CalendarFeed extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text', hidden: true })
  secretHash: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date;

  constructor(districtId: string, providerId: string, secretHash: string, createdAt: Date) {
    super();
    this.districtId = districtId;
    this.providerId = providerId;
    this.secretHash = secretHash;
    this.createdAt = createdAt;
  }
}
