import { Entity, Filter, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import { BillingUnitRule, PayFrequency, PayPeriodStatus } from '@sessionledger/contracts';
import { AttendanceStatus } from '@sessionledger/session-rules';
import { TENANT_FILTER, TenantFilterParams, TenantScopedEntity } from '@sessionledger/persistence';

/** A district's pay schedule and billing-unit rule; absent until first set (DEFAULT_PAY_SCHEDULE applies). */
@Entity({ tableName: 'pay_settings' })
@Filter({ name: TENANT_FILTER, cond: (params: TenantFilterParams) => ({ districtId: params.districtId }), default: true })
export class PaySettings {
  @PrimaryKey({ type: 'uuid' })
  districtId: string;

  @Property({ type: 'text' })
  frequency: PayFrequency;

  @Property({ type: 'date' })
  anchorDate: string;

  @Property({ type: 'text' })
  billingUnitRule: BillingUnitRule;

  /** The 837P billing provider (the LEA's NPI, loop 2010AA). */
  @Property({ type: 'text', nullable: true })
  billingProviderNpi: string | null = null;

  /** The 837P rendering provider (loop 2310B); the billing provider's when the state takes the LEA as both. */
  @Property({ type: 'text', nullable: true })
  renderingProviderNpi: string | null = null;

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'uuid' })
  updatedBy: string;

  constructor(fields: { districtId: string; frequency: PayFrequency; anchorDate: string; billingUnitRule: BillingUnitRule; updatedBy: string }) {
    Object.assign(this, fields);
  }
}

/** Created on demand when a line first lands in it; closing it is final. */
@Entity({ tableName: 'pay_period' })
export class PayPeriod extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'date' })
  startsOn: string;

  @Property({ type: 'date' })
  endsOn: string;

  @Property({ type: 'text' })
  status: PayPeriodStatus = 'open';

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  closedBy: string | null = null;
}

/** What payroll decided for one posted version of a session: paid or not, and why. */
@Entity({ tableName: 'pay_decision' })
export class PayDecision extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'integer' })
  sessionVersion: number;

  @Property({ type: 'text' })
  event: 'posted' | 'amended';

  @Property({ type: 'text', nullable: true })
  amendmentReason: string | null = null;

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text' })
  providerName: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'uuid', nullable: true })
  workOrderId: string | null = null;

  @Property({ type: 'text', nullable: true })
  workOrderType: string | null = null;

  @Property({ type: 'integer', nullable: true })
  adjustedMinutes: number | null = null;

  @Property({ type: 'boolean' })
  payable: boolean;

  @Property({ type: 'text' })
  reason: string;

  @Property({ type: 'integer', nullable: true })
  rateCents: number | null = null;

  @Property({ type: 'integer', nullable: true })
  amountCents: number | null = null;

  @Property({ type: 'integer', nullable: true })
  supersededBy: number | null = null;

  @Property({ type: 'text' })
  contentHash: string;

  /** A hash of what money depends on in the version (null for decisions made before it was kept). */
  @Property({ type: 'text', nullable: true })
  moneyBasis: string | null = null;

  @Property({ type: 'timestamptz' })
  decidedAt: Date = new Date();

  constructor(fields: Omit<PayDecision, 'id' | 'decidedAt'>) {
    super();
    Object.assign(this, fields);
  }
}

/** Money owed a provider; a reversal is the exact negative of the line it reverses. Never updated. */
@Entity({ tableName: 'pay_line' })
export class PayLine extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  periodId: string;

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'integer' })
  sessionVersion: number;

  @Property({ type: 'text' })
  kind: 'payment' | 'reversal';

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text' })
  providerName: string;

  @Property({ type: 'uuid' })
  workOrderId: string;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'integer' })
  minutes: number;

  @Property({ type: 'integer' })
  rateCents: number;

  @Property({ type: 'integer' })
  amountCents: number;

  @Property({ type: 'uuid', nullable: true })
  reversesLineId: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(fields: Omit<PayLine, 'id' | 'createdAt'>) {
    super();
    Object.assign(this, fields);
  }
}

/**
 * Units billed for one student of a session version; reversed and re-added on
 * amendment like pay. An `adjustment` (no minutes) brings the student's day
 * with the provider to the units of its total minutes; it is never reversed.
 */
@Entity({ tableName: 'billable_line' })
export class BillableLine extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  periodId: string;

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'integer' })
  sessionVersion: number;

  @Property({ type: 'text' })
  kind: 'charge' | 'reversal' | 'adjustment';

  @Property({ type: 'uuid' })
  participantId: string;

  @Property({ type: 'uuid' })
  studentId: string;

  @Property({ type: 'text' })
  studentName: string;

  @Property({ type: 'text', nullable: true })
  stateId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  schoolId: string | null = null;

  @Property({ type: 'text' })
  attendanceStatus: AttendanceStatus;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'integer' })
  minutes: number;

  @Property({ type: 'integer' })
  units: number;

  @Property({ type: 'text' })
  unitRule: BillingUnitRule;

  /** CMS place-of-service code (null on lines written before it was kept). */
  @Property({ type: 'text', nullable: true })
  placeOfService: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  reversesLineId: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(fields: Omit<BillableLine, 'id' | 'createdAt'>) {
    super();
    Object.assign(this, fields);
  }
}
