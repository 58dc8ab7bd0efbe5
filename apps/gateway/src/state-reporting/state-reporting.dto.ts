import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { IsCalendarDate } from '@sessionledger/contracts';
import { toBoolean } from '../directory/shared/dto';

/* The body of PUT /api/schools/:id/bell-schedule is state reporting's contract class (BellScheduleBody), sent on unchanged. */

export class ReportingListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: String, format: 'date', description: 'First session day (sessionDate, YYYY-MM-DD, district-local)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date', description: 'Last session day (sessionDate, YYYY-MM-DD, district-local), on or after from' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only sessions held at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class ReportableRecordListQuery extends ReportingListQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'Only records the state export takes (true) or leaves out (false)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  eligible?: boolean;
}
