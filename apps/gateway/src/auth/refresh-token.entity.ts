import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import { TenantScopedEntity } from '@sessionledger/persistence';

/**
 * One refresh token of a login's family. Only a hash of its secret is kept.
 * Each use rotates it; presenting a used one means it leaked, and the whole
 * family is revoked.
 */
@Entity({ tableName: 'refresh_token' })
export class RefreshToken extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'uuid' })
  familyId: string;

  @Property({ type: 'text', hidden: true })
  secretHash: string;

  @Property({ type: 'timestamptz' })
  issuedAt: Date;

  @Property({ type: 'timestamptz' })
  expiresAt: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  /** How the family's sign-in was proven (RFC 8176 `amr`); each rotation carries it on, so refresh keeps a second factor but never adds one. */
  @Property({ type: 'text[]' })
  amr: string[] = [];

  constructor(districtId: string, userId: string, familyId: string, secretHash: string, issuedAt: Date, expiresAt: Date) {
    super();
    this.districtId = districtId;
    this.userId = userId;
    this.familyId = familyId;
    this.secretHash = secretHash;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
  }
}
