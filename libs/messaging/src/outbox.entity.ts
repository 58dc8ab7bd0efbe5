import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import { TenantScopedEntity } from '@sessionledger/persistence';

/**
 * An event waiting to leave the service. It is persisted with the change it
 * reports and flushed in the same transaction, so the two commit or roll back
 * together; the relay publishes it afterwards.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['occurredAt'], options: { where: 'published_at is null' } })
export class OutboxEvent extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'jsonb' })
  payload: object;

  @Property({ type: 'text', nullable: true })
  correlationId?: string;

  @Property({ type: 'timestamptz' })
  occurredAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  publishedAt?: Date;

  constructor(districtId: string, name: string, payload: object, correlationId?: string) {
    super();
    this.districtId = districtId;
    this.name = name;
    this.payload = payload;
    this.correlationId = correlationId;
  }
}
