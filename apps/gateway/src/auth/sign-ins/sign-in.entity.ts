import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantScopedEntity } from '@sessionledger/persistence';

export const SIGN_IN_METHODS = ['password', 'sso'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export type SignInEndReason = 'signed_out' | 'ended' | 'refresh_reused' | 'password_reset' | 'deactivated';

/** How an ended sign-in ended: `by` is the person who ended it, absent when the system did. */
export interface SignInEnding {
  reason: SignInEndReason;
  by?: string;
}

/** Where a sign-in's request came from: the address the trusted proxies vouch for and the browser's own description. */
export interface SignInClient {
  address: string;
  userAgent: string | null;
}

/**
 * One sign-in of an account: a refresh-token family, whose id is this row's
 * id. Its access tokens carry that id as `sid`, and stop working the moment
 * `endedAt` is set.
 */
@Entity({ tableName: 'sign_in' })
export class SignIn extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  userId: string;

  /** Null for sign-ins that began before sign-ins were recorded. */
  @Property({ type: 'text', nullable: true })
  method: SignInMethod | null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null;

  @Property({ type: 'text' })
  device: string;

  @Property({ type: 'timestamptz' })
  startedAt: Date;

  @Property({ type: 'text', nullable: true })
  startedAddress: string | null;

  @Property({ type: 'timestamptz' })
  lastUsedAt: Date;

  /** The address it was last used from (started or refreshed). */
  @Property({ type: 'text', nullable: true })
  address: string | null;

  /** When its newest refresh token expires: past that, the sign-in is over without being ended. */
  @Property({ type: 'timestamptz' })
  expiresAt: Date;

  @Property({ type: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  endedBy: string | null = null;

  @Property({ type: 'text', nullable: true })
  endReason: SignInEndReason | null = null;

  constructor(
    id: string,
    districtId: string,
    userId: string,
    start: { method: SignInMethod | null; client: SignInClient | null; device: string; at: Date; expiresAt: Date },
  ) {
    super();
    this.id = id;
    this.districtId = districtId;
    this.userId = userId;
    this.method = start.method;
    this.userAgent = start.client?.userAgent ?? null;
    this.device = start.device;
    this.startedAt = start.at;
    this.startedAddress = start.client?.address ?? null;
    this.lastUsedAt = start.at;
    this.address = this.startedAddress;
    this.expiresAt = start.expiresAt;
  }

  used(at: Date, address: string, expiresAt: Date): void {
    this.lastUsedAt = at;
    this.address = address;
    this.expiresAt = expiresAt;
  }
}
