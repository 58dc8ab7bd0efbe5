import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@sessionledger/common';
import { IsCalendarDate } from '@sessionledger/contracts';
import { toBoolean } from '../directory/shared/dto';

/* The body of PUT /api/schools/:id/bell-schedule is state reporting's contract class (BellScheduleBody), sent on unchanged. */

export class ReportingListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'First session date (YYYY-MM-DD, the district’s local date)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Last session date (YYYY-MM-DD), on or after from' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'Only sessions held at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class ReportableRecordListQuery extends ReportingListQuery {
  @ApiPropertyOptional({ description: 'Only records the state export takes (true) or leaves out (false)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  eligible?: boolean;
}
