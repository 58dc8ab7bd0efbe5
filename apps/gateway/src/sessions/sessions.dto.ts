import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { IsCalendarDate, SESSION_STATES, SessionState } from '@sessionledger/contracts';
import { toBoolean } from '../directory/shared/dto';

/*
 * The bodies of the session routes are session-log's contract classes
 * (StartSessionBody, UpdateParticipantBody, …): the gateway validates them
 * and sends them on unchanged, so the two cannot drift.
 *
 * `from`/`to` are always calendar days (YYYY-MM-DD, the district's local
 * date, both included) on a record's day; instants are asked for by
 * `updatedSince` only.
 */

/** The session list's filters; GET /api/needs-attention takes them with the flag set. */
export class SessionFilterQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: String, format: 'date', description: 'Sessions whose day (YYYY-MM-DD, district-local) is on or after this day' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date', description: 'Sessions whose day (YYYY-MM-DD, district-local) is on or before this day' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({ enum: SESSION_STATES })
  @IsOptional()
  @IsIn(SESSION_STATES)
  state?: SessionState;
}

export class SessionListQuery extends SessionFilterQuery {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  needsAttention?: boolean;
}

export class TaskListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'Only tasks past due and not done' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'Only open (true) or only done (false) tasks' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}
