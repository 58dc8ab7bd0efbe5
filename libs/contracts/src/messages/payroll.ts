import { SessionVersionApplied } from './posting';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { Page } from '@sessionledger/common';
import { PagedTenantCommand, TenantCommand } from '../actor';
import { defineCommand, defineEvent } from '../contract';
import { IsCalendarDate } from './work-orders';
import { MAX_VERSION } from './sessions';

export const PAY_FREQUENCIES = ['weekly', 'biweekly'] as const;
export type PayFrequency = (typeof PAY_FREQUENCIES)[number];

/**
 * How timed minutes become 15-minute billing units: `cms_8_minute` (a unit
 * from 8 minutes, another at every 15 after: 8–22 → 1, 23–37 → 2, …) or
 * `full_15_only` (only whole 15-minute blocks count).
 */
export const BILLING_UNIT_RULES = ['cms_8_minute', 'full_15_only'] as const;
export type BillingUnitRule = (typeof BILLING_UNIT_RULES)[number];

export const PAY_PERIOD_STATUSES = ['open', 'closed'] as const;
export type PayPeriodStatus = (typeof PAY_PERIOD_STATUSES)[number];

/** A National Provider Identifier: 10 digits. */
export const NPI = /^[0-9]{10}$/;

/** A district that never set its schedule: weekly periods, Monday to Sunday, counted from Monday 2026-01-05. */
export const DEFAULT_PAY_SCHEDULE = Object.freeze({
  frequency: 'weekly' as PayFrequency,
  anchorDate: '2026-01-05',
  billingUnitRule: 'cms_8_minute' as BillingUnitRule,
});

/** The body of PUT /api/pay-schedule, reused by the command. */
export class PayScheduleBody {
  /** The version read (0 while the district still has the default schedule); stale → 409. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_VERSION, description: 'The version read (0 while the district has the default schedule); stale → 409', example: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_VERSION)
  version: number;

  @ApiProperty({ enum: PAY_FREQUENCIES, example: 'biweekly' })
  @IsIn(PAY_FREQUENCIES)
  frequency: PayFrequency;

  /** A Monday: periods start on it and every 7 or 14 days before and after it. */
  @ApiProperty({ format: 'date', description: 'A Monday: periods start on it and every 7 or 14 days before and after it', example: '2026-01-05' })
  @IsCalendarDate()
  anchorDate: string;

  @ApiPropertyOptional({ enum: BILLING_UNIT_RULES })
  @IsOptional()
  @IsIn(BILLING_UNIT_RULES)
  billingUnitRule?: BillingUnitRule;

  /** The LEA's NPI, the 837P billing provider (10 digits); `null` clears it, absent keeps it. */
  @ApiPropertyOptional({ type: String, nullable: true, pattern: '^[0-9]{10}$', description: '`null` clears it, absent keeps it', example: '1234567893' })
  @IsOptional()
  @Matches(NPI, { message: 'billingProviderNpi must be a 10-digit NPI' })
  billingProviderNpi?: string | null;

  /** The 837P rendering provider's NPI (10 digits); absent or null: the billing provider's. */
  @ApiPropertyOptional({ type: String, nullable: true, pattern: '^[0-9]{10}$', description: 'Absent or null: the billing provider’s' })
  @IsOptional()
  @Matches(NPI, { message: 'renderingProviderNpi must be a 10-digit NPI' })
  renderingProviderNpi?: string | null;
}

export class GetPayScheduleCommand extends TenantCommand {}

export class SetPayScheduleCommand extends TenantCommand {
  @ValidateNested()
  @Type(() => PayScheduleBody)
  body: PayScheduleBody;
}

export class ListPayPeriodsCommand extends PagedTenantCommand {
  @IsOptional()
  @IsIn(PAY_PERIOD_STATUSES)
  status?: PayPeriodStatus;

  /** Only periods changed (created, closed, a line added) at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

export class PayPeriodCommand extends TenantCommand {
  @IsUUID()
  periodId: string;
}

export class ListPayLinesCommand extends PagedTenantCommand {
  @IsOptional()
  @IsUUID()
  periodId?: string;

  @IsOptional()
  @IsUUID()
  providerId?: string;

  /** Only the actor's own lines, whatever their roles (GET /api/me/pay-lines). */
  @IsBoolean()
  mine: boolean;

  /** Only lines written at or after this instant (lines never change: a correction is a reversal line). */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

/** The body of PUT /api/pay-employees/:providerId; an empty number clears it. */
export class EmployeeNumberBody {
  @ApiProperty({ maxLength: 50, description: 'Empty clears it', example: 'E-10442' })
  @IsString()
  @MaxLength(50)
  employeeNumber: string;
}

export class SetEmployeeNumberCommand extends TenantCommand {
  /** A provider of the district (the gateway checked). */
  @IsUUID()
  providerId: string;

  @IsString()
  @MaxLength(50)
  employeeNumber: string;
}

export class EmployeeNumberReply {
  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty({ type: String, nullable: true })
  employeeNumber: string | null;
}

/**
 * The body of POST /api/billing/exports: a pay period's billable lines
 * (`periodId`), or the dates of service `from`–`to` (both included, at most
 * 366 days) — one or the other.
 */
export class BillingExportBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'A pay period; or give from and to' })
  @IsOptional()
  @IsUUID()
  periodId?: string;

  @ApiPropertyOptional({ format: 'date', description: 'First date of service (YYYY-MM-DD, district-local)', example: '2026-11-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last date of service (YYYY-MM-DD, district-local), at most 366 days after from', example: '2026-11-30' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class BillingExportCommand extends TenantCommand {
  @ValidateNested()
  @Type(() => BillingExportBody)
  body: BillingExportBody;
}

export class SessionPayCommand extends TenantCommand {
  @IsUUID()
  sessionId: string;
}

// ---- replies ----

export class PayScheduleReply {
  @ApiProperty({ enum: PAY_FREQUENCIES })
  frequency: PayFrequency;

  @ApiProperty({ format: 'date', description: 'A Monday' })
  anchorDate: string;

  @ApiProperty({ enum: BILLING_UNIT_RULES })
  billingUnitRule: BillingUnitRule;

  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]{10}$' })
  billingProviderNpi: string | null;

  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]{10}$' })
  renderingProviderNpi: string | null;

  /** 0 while the district has the default schedule. */
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 while the district has the default schedule' })
  version: number;
}

export class PayPeriodTotals {
  @ApiProperty({ type: 'integer', example: 12 })
  payLines: number;

  @ApiProperty({ type: 'integer', example: 3 })
  providers: number;

  /** Net of reversals. */
  @ApiProperty({ type: 'integer', description: 'Net of reversals', example: 540 })
  minutes: number;

  @ApiProperty({ type: 'integer', description: 'Net of reversals', example: 40500 })
  amountCents: number;

  @ApiProperty({ type: 'integer', example: 14 })
  billableLines: number;

  @ApiProperty({ type: 'integer', example: 36 })
  billableUnits: number;
}

export class PayPeriodReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date', example: '2026-11-30' })
  startsOn: string;

  @ApiProperty({ format: 'date', example: '2026-12-06' })
  endsOn: string;

  @ApiProperty({ enum: PAY_PERIOD_STATUSES, example: 'closed' })
  status: PayPeriodStatus;

  /** The last day late entries are accepted for this period (end + the district's lateEntryDays); closing is allowed the day after. */
  @ApiProperty({ format: 'date', description: 'The last day late entries are accepted (end + lateEntryDays); closing is allowed the day after', example: '2026-12-20' })
  lateEntryCutoff: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-21T14:00:00.000Z' })
  closedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  closedBy: string | null;

  @ApiProperty({ type: () => PayPeriodTotals })
  totals: PayPeriodTotals;

  @ApiProperty({ format: 'date-time', description: 'When the period or its lines last changed' })
  updatedAt: string;
}

export type PayPeriodPageReply = Page<PayPeriodReply>;

export class PayLineReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  periodId: string;

  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  sessionVersion: number;

  @ApiProperty({ enum: ['payment', 'reversal'] })
  kind: 'payment' | 'reversal';

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty()
  providerName: string;

  @ApiProperty({ format: 'uuid' })
  workOrderId: string;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ type: 'integer', description: 'Negative on a reversal' })
  minutes: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  rateCents: number;

  @ApiProperty({ type: 'integer', description: 'Negative on a reversal' })
  amountCents: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  reversesLineId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export type PayLinePageReply = Page<PayLineReply>;

export class BillableLineReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  periodId: string;

  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  sessionVersion: number;

  /** `adjustment`: units (no minutes) bringing the student's day with the provider to the units of its total minutes. */
  @ApiProperty({ enum: ['charge', 'reversal', 'adjustment'], description: '`adjustment`: units (no minutes) bringing the student’s day with the provider to the units of its total minutes' })
  kind: 'charge' | 'reversal' | 'adjustment';

  @ApiProperty({ format: 'uuid' })
  participantId: string;

  @ApiProperty({ format: 'uuid' })
  studentId: string;

  @ApiProperty()
  studentName: string;

  @ApiProperty({ example: 'attended' })
  attendanceStatus: string;

  @ApiProperty({ type: 'integer' })
  minutes: number;

  @ApiProperty({ type: 'integer' })
  units: number;

  @ApiProperty({ enum: BILLING_UNIT_RULES })
  unitRule: BillingUnitRule;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  reversesLineId: string | null;
}

/** What payroll decided for one posted version of a session; every version has one, paid or not. */
export class PayDecisionReply {
  @ApiProperty({ type: 'integer', minimum: 1 })
  sessionVersion: number;

  @ApiProperty({ enum: ['posted', 'amended'] })
  event: 'posted' | 'amended';

  @ApiProperty({ type: String, nullable: true })
  amendmentReason: string | null;

  @ApiProperty()
  payable: boolean;

  /** Why it is paid, or why not. */
  @ApiProperty({ description: 'Why it is paid, or why not' })
  reason: string;

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  workOrderId: string | null;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ type: 'integer', nullable: true })
  adjustedMinutes: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  rateCents: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  amountCents: number | null;

  /** A later version had already been applied when this one arrived: it wrote no lines. */
  @ApiProperty({ type: 'integer', nullable: true, description: 'A later version had already been applied when this one arrived: it wrote no lines' })
  supersededBy: number | null;

  @ApiProperty({ format: 'date-time' })
  decidedAt: string;
}

export class SessionPayReply {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: [PayDecisionReply] })
  decisions: PayDecisionReply[];

  @ApiProperty({ type: [PayLineReply] })
  payLines: PayLineReply[];

  @ApiProperty({ type: [BillableLineReply] })
  billableLines: BillableLineReply[];
}

export interface PayExportReply {
  filename: string;
  csv: string;
}

export const GET_PAY_SCHEDULE = defineCommand<GetPayScheduleCommand, PayScheduleReply>('payroll', 'get-pay-schedule', GetPayScheduleCommand);
export const SET_PAY_SCHEDULE = defineCommand<SetPayScheduleCommand, PayScheduleReply>('payroll', 'set-pay-schedule', SetPayScheduleCommand);
export const LIST_PAY_PERIODS = defineCommand<ListPayPeriodsCommand, PayPeriodPageReply>('payroll', 'list-pay-periods', ListPayPeriodsCommand);
export const GET_PAY_PERIOD = defineCommand<PayPeriodCommand, PayPeriodReply>('payroll', 'get-pay-period', PayPeriodCommand);
export const CLOSE_PAY_PERIOD = defineCommand<PayPeriodCommand, PayPeriodReply>('payroll', 'close-pay-period', PayPeriodCommand);
export const EXPORT_PAY_PERIOD = defineCommand<PayPeriodCommand, PayExportReply>('payroll', 'export-pay-period', PayPeriodCommand);
export const LIST_PAY_LINES = defineCommand<ListPayLinesCommand, PayLinePageReply>('payroll', 'list-pay-lines', ListPayLinesCommand);
export const SET_EMPLOYEE_NUMBER = defineCommand<SetEmployeeNumberCommand, EmployeeNumberReply>('payroll', 'set-employee-number', SetEmployeeNumberCommand);
export const EXPORT_BILLING = defineCommand<BillingExportCommand, PayExportReply>('payroll', 'export-billing', BillingExportCommand);
export const GET_SESSION_PAY = defineCommand<SessionPayCommand, SessionPayReply>('payroll', 'get-session-pay', SessionPayCommand);

/**
 * Payroll's acknowledgement that one posted version of a session has its
 * effect (a decision, and lines when it pays): recorded in the transaction of
 * that effect, and again whenever the version arrives once more. Session-log
 * republishes the versions that stay unacknowledged (its reconciler), since a
 * Redis that loses its data loses jobs the relay had already marked published.
 */
export class SessionPayApplied extends SessionVersionApplied {}

export const PAYROLL_APPLIED = defineEvent('payroll', 'session-pay-applied', SessionPayApplied, ['session-log']);
export const PAYROLL_EVENTS = [PAYROLL_APPLIED] as const;

export const PAYROLL_COMMANDS = [
  GET_PAY_SCHEDULE,
  SET_PAY_SCHEDULE,
  LIST_PAY_PERIODS,
  GET_PAY_PERIOD,
  CLOSE_PAY_PERIOD,
  EXPORT_PAY_PERIOD,
  LIST_PAY_LINES,
  SET_EMPLOYEE_NUMBER,
  EXPORT_BILLING,
  GET_SESSION_PAY,
] as const;
