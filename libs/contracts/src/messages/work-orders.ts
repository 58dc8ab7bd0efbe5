import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '@sessionledger/common';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PagedTenantCommand, TenantCommand } from '../actor';
import { defineCommand } from '../contract';

/** A calendar date, `YYYY-MM-DD` (district-local; work orders are valid for whole days). */
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar day written `YYYY-MM-DD` (2026-02-30 is refused). */
export const IsCalendarDate =
  (): PropertyDecorator =>
  (target: object, property: string | symbol): void => {
    Matches(ISO_DATE, { message: ({ property: name }) => `${name} must be a date written YYYY-MM-DD` })(target, property as string);
    IsISO8601({ strict: true }, { message: ({ property: name }) => `${name} must be a real calendar day` })(target, property as string);
  };

/** Pay is in integer cents per hour; the ceiling only catches typos (e.g. dollars sent as cents × 100). */
export const MAX_PAY_RATE_CENTS = 100_000;
export const MAX_WORK_ORDER_DESCRIPTION = 2000;

/** Leaves a field out, but refuses `null` (a PATCH never clears these). */
const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** One rate of a work order: in force from `effectiveFrom` until the next one's day. */
export class WorkOrderRate {
  @ApiProperty({ type: String, format: 'date', example: '2026-08-17' })
  effectiveFrom: string;

  @ApiProperty({ minimum: 1, maximum: MAX_PAY_RATE_CENTS, description: 'Integer cents per hour', example: 3250 })
  payRateCents: number;
}

export class WorkOrderReply {
  @ApiProperty({ type: String, format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'A type of the district’s catalog', example: 'tutoring' })
  type: string;

  @ApiProperty({ example: 'Tutoring' })
  typeName: string;

  @ApiProperty({ type: String, format: 'uuid' })
  providerId: string;

  @ApiProperty({ type: String, format: 'uuid' })
  schoolId: string;

  @ApiProperty({ minimum: 1, maximum: MAX_PAY_RATE_CENTS, description: 'The newest rate (the last of `rates`), integer cents per hour' })
  payRateCents: number;

  @ApiProperty({ type: [WorkOrderRate], description: 'Oldest first; a session is paid at the one in force on its date' })
  rates: WorkOrderRate[];

  @ApiProperty({ type: String, format: 'date', description: 'First day covered', example: '2026-08-17' })
  validFrom: string;

  @ApiProperty({ type: String, format: 'date', description: 'Last day covered', example: '2027-05-28' })
  validTo: string;

  @ApiProperty({ type: String, nullable: true, maxLength: MAX_WORK_ORDER_DESCRIPTION })
  description: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was last deactivated (null while active): sessions started before then stay covered' })
  deactivatedAt: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'uuid' })
  createdBy: string;
}

export type WorkOrderPageReply = Page<WorkOrderReply>;

/**
 * The gateway has checked, before sending, that the provider is an active
 * provider approved at the school (payroll does not know users); payroll
 * checks the type against the district's catalog and the dates.
 */
export class CreateWorkOrderCommand extends TenantCommand {
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  type: string;

  @IsUUID()
  providerId: string;

  @IsUUID()
  schoolId: string;

  @IsInt()
  @Min(1)
  @Max(MAX_PAY_RATE_CENTS)
  payRateCents: number;

  @IsCalendarDate()
  validFrom: string;

  @IsCalendarDate()
  validTo: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_WORK_ORDER_DESCRIPTION)
  description?: string | null;
}

/** Type, provider and school are fixed at creation: pay already computed refers to them. */
export class UpdateWorkOrderCommand extends TenantCommand {
  @IsUUID()
  workOrderId: string;

  @IsInt()
  @Min(1)
  version: number;

  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(MAX_PAY_RATE_CENTS)
  payRateCents?: number;

  /**
   * The day a new `payRateCents` takes effect (default: the district's
   * today); never before today, so pay already settled keeps its rate.
   */
  @IfPresent()
  @IsCalendarDate()
  rateEffectiveFrom?: string;

  @IfPresent()
  @IsCalendarDate()
  validFrom?: string;

  @IfPresent()
  @IsCalendarDate()
  validTo?: string;

  /** `null` clears the description. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_WORK_ORDER_DESCRIPTION)
  description?: string | null;
}

export class SetWorkOrderActiveCommand extends TenantCommand {
  @IsUUID()
  workOrderId: string;

  @IsBoolean()
  active: boolean;
}

export class GetWorkOrderCommand extends TenantCommand {
  @IsUUID()
  workOrderId: string;
}

export class ListWorkOrdersCommand extends PagedTenantCommand {
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;

  /** Only work orders whose dates include this day. */
  @IsOptional()
  @IsCalendarDate()
  activeOn?: string;

  /** Only work orders created or changed at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

export const CREATE_WORK_ORDER = defineCommand<CreateWorkOrderCommand, WorkOrderReply>('payroll', 'create-work-order', CreateWorkOrderCommand);
export const UPDATE_WORK_ORDER = defineCommand<UpdateWorkOrderCommand, WorkOrderReply>('payroll', 'update-work-order', UpdateWorkOrderCommand);
export const SET_WORK_ORDER_ACTIVE = defineCommand<SetWorkOrderActiveCommand, WorkOrderReply>(
  'payroll',
  'set-work-order-active',
  SetWorkOrderActiveCommand,
);
export const GET_WORK_ORDER = defineCommand<GetWorkOrderCommand, WorkOrderReply>('payroll', 'get-work-order', GetWorkOrderCommand);
export const LIST_WORK_ORDERS = defineCommand<ListWorkOrdersCommand, WorkOrderPageReply>('payroll', 'list-work-orders', ListWorkOrdersCommand);

export const WORK_ORDER_COMMANDS = [CREATE_WORK_ORDER, UPDATE_WORK_ORDER, SET_WORK_ORDER_ACTIVE, GET_WORK_ORDER, LIST_WORK_ORDERS] as const;
