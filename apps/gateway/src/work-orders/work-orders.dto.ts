import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { IsCalendarDate, MAX_PAY_RATE_CENTS, MAX_WORK_ORDER_DESCRIPTION, WorkOrderReply } from '@sessionledger/contracts';
import { IfPresent, toBoolean, trimmed, UUID, VersionedUpdate } from '../directory/shared/dto';

const TYPE_DESCRIPTION = 'A work order type of the district: career_ladder, homebound, detention, credit_recovery, tutoring, club';

export class CreateWorkOrderRequest {
  @ApiProperty({ description: TYPE_DESCRIPTION, minLength: 1, maxLength: 50, example: 'tutoring' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  type: string;

  @ApiProperty({ ...UUID, description: 'An active provider approved at the school', example: '0193a3f0-6c1d-7e55-8a20-5b9e4d3c2f10' })
  @IsUUID()
  providerId: string;

  @ApiProperty({ ...UUID, description: 'An active school of the district (for a school admin, one of theirs)', example: '0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11' })
  @IsUUID()
  schoolId: string;

  @ApiProperty({ description: 'Pay in integer cents per hour', example: 3250, minimum: 1, maximum: MAX_PAY_RATE_CENTS })
  @IsInt()
  @Min(1)
  @Max(MAX_PAY_RATE_CENTS)
  payRateCents: number;

  @ApiProperty({ type: String, format: 'date', description: 'First day the work order covers (YYYY-MM-DD)', example: '2026-08-17' })
  @IsCalendarDate()
  validFrom: string;

  @ApiProperty({ type: String, format: 'date', description: 'Last day the work order covers (YYYY-MM-DD), on or after validFrom', example: '2027-05-28' })
  @IsCalendarDate()
  validTo: string;

  @ApiPropertyOptional({ maxLength: MAX_WORK_ORDER_DESCRIPTION, example: 'Grade 3 reading, after school' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(MAX_WORK_ORDER_DESCRIPTION)
  description?: string;
}

/** Type, provider and school are fixed once created (pay refers to them): issue a new work order instead. */
export class UpdateWorkOrderRequest extends VersionedUpdate {
  @ApiPropertyOptional({ description: 'Pay in integer cents per hour', minimum: 1, maximum: MAX_PAY_RATE_CENTS })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(MAX_PAY_RATE_CENTS)
  payRateCents?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    description: 'The day the new payRateCents takes effect (YYYY-MM-DD; default today, never earlier): sessions before it keep the old rate',
  })
  @IfPresent()
  @IsCalendarDate()
  rateEffectiveFrom?: string;

  @ApiPropertyOptional({ type: String, format: 'date', description: 'YYYY-MM-DD' })
  @IfPresent()
  @IsCalendarDate()
  validFrom?: string;

  @ApiPropertyOptional({ type: String, format: 'date', description: 'YYYY-MM-DD, on or after validFrom' })
  @IfPresent()
  @IsCalendarDate()
  validTo?: string;

  @ApiPropertyOptional({ description: 'An empty text clears it', maxLength: MAX_WORK_ORDER_DESCRIPTION })
  @IfPresent()
  @Transform(trimmed)
  @IsString()
  @MaxLength(MAX_WORK_ORDER_DESCRIPTION)
  description?: string;
}

export class WorkOrderListQuery extends SyncPageQuery {
  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ description: TYPE_DESCRIPTION, minLength: 1, maxLength: 50 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  type?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only active (true) or only deactivated (false) work orders' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date', description: 'Only work orders whose dates include this day (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  activeOn?: string;
}

export type WorkOrderResponse = WorkOrderReply;
