import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

/** GET /api/calendar: a window (at most 62 days) and exactly one of providerId, schoolId, studentId. */
export class CalendarQuery {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-09-07T00:00:00-05:00', description: 'Entries starting at or after this instant (ISO 8601 with offset; an instant, not a date, so a week view ends where the viewer’s week does)' })
  @IsISO8601({ strict: true }, { message: 'from must be a date and time (ISO 8601, with its offset)' })
  from: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-09-14T00:00:00-05:00', description: 'Entries starting before this instant (at most 62 days after from)' })
  @IsISO8601({ strict: true }, { message: 'to must be a date and time (ISO 8601, with its offset)' })
  to: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'One provider’s calendar (name exactly one of providerId, schoolId, studentId)' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'One school’s calendar' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'One student’s calendar' })
  @IsOptional()
  @IsUUID()
  studentId?: string;
}

export class CalendarFeedReply {
  /** The secret URL; shown once: only a hash of its secret is stored. */
  @ApiProperty({ format: 'uri', description: 'The secret feed URL; shown once (only a hash of its secret is stored)' })
  url: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** GET /api/me/upcoming-sessions: a window from now by default; at most 62 days. */
export class FamilyUpcomingQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Planned sessions starting at or after this instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be a date and time (ISO 8601, with its offset)' })
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Planned sessions starting before this instant (default: 14 days after from; at most 62 days after it)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be a date and time (ISO 8601, with its offset)' })
  to?: string;
}

/** One planned session of a reader's child (or of the student reading): when, what and with whom; nothing a provider typed. */
export class FamilyOccurrenceReply {
  @ApiProperty({ format: 'uuid' })
  studentId: string;

  @ApiProperty({ example: 'Kit Jones' })
  studentName: string;

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  @ApiProperty({ example: 'tutoring', description: 'The service’s code in the district’s catalog' })
  service: string;

  @ApiProperty({ example: 'Tara Reed' })
  providerName: string;

  @ApiProperty({ description: 'Called off: it will not take place' })
  cancelled: boolean;
}

export class FamilyUpcomingReply {
  @ApiProperty({ format: 'date-time' })
  from: string;

  @ApiProperty({ format: 'date-time' })
  to: string;

  @ApiProperty({ type: [FamilyOccurrenceReply], description: 'By start, then student' })
  items: FamilyOccurrenceReply[];
}
