import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@sessionledger/common';
import { IsCalendarDate, SESSION_STATES, SessionState } from '@sessionledger/contracts';
import { toBoolean } from '../directory/shared/dto';

/*
 * The bodies of the session routes are session-log's contract classes
 * (StartSessionBody, UpdateParticipantBody, …): the gateway validates them
 * and sends them on unchanged, so the two cannot drift.
 */

export class SessionListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Sessions on or after this day (YYYY-MM-DD, district time)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Sessions on or before this day (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({ enum: SESSION_STATES })
  @IsOptional()
  @IsIn(SESSION_STATES)
  state?: SessionState;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  needsAttention?: boolean;
}

export class TaskListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only tasks past due and not done' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'Only open (true) or only done (false) tasks' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}
