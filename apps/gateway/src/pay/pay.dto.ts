import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { PAY_PERIOD_STATUSES, PayPeriodStatus } from '@sessionledger/contracts';

/* The body of PUT /api/pay-schedule is payroll's contract class (PayScheduleBody), sent on unchanged. */

export class PayPeriodListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ enum: PAY_PERIOD_STATUSES })
  @IsOptional()
  @IsIn(PAY_PERIOD_STATUSES)
  status?: PayPeriodStatus;
}

export class PayLineListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only this provider’s lines' })
  @IsOptional()
  @IsUUID()
  providerId?: string;
}

export class MyPayLineListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only the lines of this pay period' })
  @IsOptional()
  @IsUUID()
  periodId?: string;
}
