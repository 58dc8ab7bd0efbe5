import { Entity, Filter, PrimaryKey, Property } from '@mikro-orm/core';
import type { SessionCatalogDocument } from '@sessionledger/session-rules';
import { TENANT_FILTER, TenantFilterParams } from '@sessionledger/persistence';

/** A district's session catalog; absent until an admin first saves one (the default applies). */
@Entity({ tableName: 'session_catalog' })
@Filter({ name: TENANT_FILTER, cond: (params: TenantFilterParams) => ({ districtId: params.districtId }), default: true })
export class SessionCatalog {
  @PrimaryKey({ type: 'uuid' })
  districtId: string;

  @Property({ type: 'jsonb' })
  document: SessionCatalogDocument;

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'uuid' })
  updatedBy: string;

  constructor(districtId: string, document: SessionCatalogDocument, updatedBy: string) {
    this.districtId = districtId;
    this.document = document;
    this.updatedBy = updatedBy;
  }
}
