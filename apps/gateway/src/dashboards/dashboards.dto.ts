import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@sessionledger/common';
import { COACHING_GROUPINGS, CoachingGrouping, IsCalendarDate, MINUTES_GROUPINGS, MinutesGrouping } from '@sessionledger/contracts';
import { toBoolean } from '../directory/shared/dto';

export class DashboardQuery {
  @ApiPropertyOptional({ type: String, format: 'date', example: '2026-09-01', description: 'First session date (YYYY-MM-DD, the district’s local date)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2026-12-18', description: 'Last session date (YYYY-MM-DD, the district’s local date), on or after from' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only sessions held at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Leave out groups with fewer people than the district’s anonymizationMinGroupSize' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  anonymized?: boolean;
}

export class MinutesDashboardQuery extends DashboardQuery {
  @ApiProperty({ enum: MINUTES_GROUPINGS, description: 'category is the work order type' })
  @IsIn(MINUTES_GROUPINGS, { message: `groupBy must be one of: ${MINUTES_GROUPINGS.join(', ')}` })
  groupBy: MinutesGrouping;
}

export class CoachingDashboardQuery extends DashboardQuery {
  @ApiProperty({ enum: COACHING_GROUPINGS, description: 'category is the coaching service' })
  @IsIn(COACHING_GROUPINGS, { message: `groupBy must be one of: ${COACHING_GROUPINGS.join(', ')}` })
  groupBy: CoachingGrouping;
}

export class DosageDashboardQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'date', example: '2026-09-01', description: 'First session date (YYYY-MM-DD, the district’s local date)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2026-12-18', description: 'Last session date (YYYY-MM-DD, the district’s local date), on or after from' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only students of sessions held at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Totals only, and none when fewer students than the district’s anonymizationMinGroupSize' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  anonymized?: boolean;
}
