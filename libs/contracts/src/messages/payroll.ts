import { SessionVersionApplied } from './posting';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { TenantCommand } from '../actor';
import { defineCommand, defineEvent } from '../contract';
import { IsCalendarDate } from './work-orders';

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
  @IsInt()
  @Min(0)
  version: number;

  @IsIn(PAY_FREQUENCIES)
  frequency: PayFrequency;

  /** A Monday: periods start on it and every 7 or 14 days before and after it. */
  @IsCalendarDate()
  anchorDate: string;

  @IsOptional()
  @IsIn(BILLING_UNIT_RULES)
  billingUnitRule?: BillingUnitRule;

  /** The LEA's NPI, the 837P billing provider (10 digits); `null` clears it, absent keeps it. */
  @IsOptional()
  @Matches(NPI, { message: 'billingProviderNpi must be a 10-digit NPI' })
  billingProviderNpi?: string | null;

  /** The 837P rendering provider's NPI (10 digits); absent or null: the billing provider's. */
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

export class ListPayPeriodsCommand extends TenantCommand {
  @IsOptional()
  @IsIn(PAY_PERIOD_STATUSES)
  status?: PayPeriodStatus;

  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
}

export class PayPeriodCommand extends TenantCommand {
  @IsUUID()
  periodId: string;
}

export class ListPayLinesCommand extends TenantCommand {
  @IsOptional()
  @IsUUID()
  periodId?: string;

  @IsOptional()
  @IsUUID()
  providerId?: string;

  /** Only the actor's own lines, whatever their roles (GET /api/me/pay-lines). */
  @IsBoolean()
  mine: boolean;

  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
}

/** The body of PUT /api/pay-employees/:providerId; an empty number clears it. */
export class EmployeeNumberBody {
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

export interface EmployeeNumberReply {
  providerId: string;
  employeeNumber: string | null;
}

/**
 * The body of POST /api/billing/exports: a pay period's billable lines
 * (`periodId`), or the dates of service `from`–`to` (both included, at most
 * 366 days) — one or the other.
 */
export class BillingExportBody {
  @IsOptional()
  @IsUUID()
  periodId?: string;

  @IsOptional()
  @IsCalendarDate()
  from?: string;

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

export interface PayScheduleReply {
  frequency: PayFrequency;
  anchorDate: string;
  billingUnitRule: BillingUnitRule;
  billingProviderNpi: string | null;
  renderingProviderNpi: string | null;
  /** 0 while the district has the default schedule. */
  version: number;
}

export interface PayPeriodTotals {
  payLines: number;
  providers: number;
  /** Net of reversals. */
  minutes: number;
  amountCents: number;
  billableLines: number;
  billableUnits: number;
}

export interface PayPeriodReply {
  id: string;
  startsOn: string;
  endsOn: string;
  status: PayPeriodStatus;
  /** The last day late entries are accepted for this period (end + the district's lateEntryDays); closing is allowed the day after. */
  lateEntryCutoff: string;
  closedAt: string | null;
  closedBy: string | null;
  totals: PayPeriodTotals;
}

export interface PayPeriodPageReply {
  items: PayPeriodReply[];
  page: number;
  pageSize: number;
  total: number;
}

export interface PayLineReply {
  id: string;
  periodId: string;
  sessionId: string;
  sessionVersion: number;
  kind: 'payment' | 'reversal';
  providerId: string;
  providerName: string;
  workOrderId: string;
  sessionDate: string;
  minutes: number;
  rateCents: number;
  amountCents: number;
  reversesLineId: string | null;
  createdAt: string;
}

export interface PayLinePageReply {
  items: PayLineReply[];
  page: number;
  pageSize: number;
  total: number;
}

export interface BillableLineReply {
  id: string;
  periodId: string;
  sessionId: string;
  sessionVersion: number;
  /** `adjustment`: units (no minutes) bringing the student's day with the provider to the units of its total minutes. */
  kind: 'charge' | 'reversal' | 'adjustment';
  participantId: string;
  studentId: string;
  studentName: string;
  attendanceStatus: string;
  minutes: number;
  units: number;
  unitRule: BillingUnitRule;
  reversesLineId: string | null;
}

/** What payroll decided for one posted version of a session; every version has one, paid or not. */
export interface PayDecisionReply {
  sessionVersion: number;
  event: 'posted' | 'amended';
  amendmentReason: string | null;
  payable: boolean;
  /** Why it is paid, or why not. */
  reason: string;
  providerId: string;
  workOrderId: string | null;
  sessionDate: string;
  adjustedMinutes: number | null;
  rateCents: number | null;
  amountCents: number | null;
  /** A later version had already been applied when this one arrived: it wrote no lines. */
  supersededBy: number | null;
  decidedAt: string;
}

export interface SessionPayReply {
  sessionId: string;
  decisions: PayDecisionReply[];
  payLines: PayLineReply[];
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
