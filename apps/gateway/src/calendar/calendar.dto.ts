import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

/** GET /api/calendar: a window (at most 62 days) and exactly one of providerId, schoolId, studentId. */
export class CalendarQuery {
  @ApiProperty({ description: 'Entries starting at or after this instant (ISO 8601 with offset)' })
  @IsISO8601({ strict: true }, { message: 'from must be a date and time (ISO 8601, with its offset)' })
  from: string;

  @ApiProperty({ description: 'Entries starting before this instant (at most 62 days after from)' })
  @IsISO8601({ strict: true }, { message: 'to must be a date and time (ISO 8601, with its offset)' })
  to: string;

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
}

export interface CalendarFeedReply {
  /** The secret URL; shown once: only a hash of its secret is stored. */
  url: string;
  createdAt: string;
}
