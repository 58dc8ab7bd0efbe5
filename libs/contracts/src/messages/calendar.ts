import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import type { OccurrenceReply } from './scheduling';

/** The longest window one calendar request covers. */
export const MAX_CALENDAR_WINDOW_DAYS = 62;

/**
 * The planned side of a calendar: the occurrences starting in [from, to) of
 * every series the actor may read, for one provider, one school or one
 * student (a student's series name them, or name a group in `groupIds`,
 * which the gateway resolved from the directory).
 */
export class ListCalendarOccurrencesCommand extends TenantCommand {
  @IsISO8601({ strict: true })
  from: string;

  @IsISO8601({ strict: true })
  to: string;

  @IsOptional()
  @IsUUID()
  providerId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsArray()
  @IsUUID('all', { each: true })
  groupIds: string[];
}

export const CALENDAR_ENTRY_STATES = ['planned', 'cancelled_billable', 'cancelled_nonbillable', 'cancelled', 'active', 'ended', 'posted'] as const;
export type CalendarEntryState = (typeof CALENDAR_ENTRY_STATES)[number];

export class CalendarOccurrenceRef {
  @ApiProperty({ format: 'uuid' })
  seriesId: string;

  @ApiProperty({ format: 'date-time' })
  occurrenceStart: string;
}

export class CalendarEntry {
  /** `occurrence`: planned and not started; `session`: what happened (from an occurrence, or ad hoc). */
  @ApiProperty({ enum: ['occurrence', 'session'], description: '`occurrence`: planned and not started; `session`: what happened (from an occurrence, or ad hoc)' })
  kind: 'occurrence' | 'session';

  /** `<seriesId>/<occurrenceStart>` for an occurrence, the session's id for a session. */
  @ApiProperty({ description: '`<seriesId>/<occurrenceStart>` for an occurrence, the session’s id for a session' })
  id: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  sessionId: string | null;

  /** The occurrence the entry is, or the one its session was started from; null for an ad hoc session. */
  @ApiProperty({ type: () => CalendarOccurrenceRef, nullable: true, description: 'The occurrence the entry is, or the one its session was started from; null for an ad hoc session' })
  occurrence: CalendarOccurrenceRef | null;

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  /** An active session has none yet. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'An active session has none yet' })
  endsAt: string | null;

  @ApiProperty({ example: 'tutoring' })
  service: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, nullable: true })
  placeOfService: string | null;

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty({ format: 'uuid' })
  schoolId: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  participantCount: number;

  @ApiProperty({ enum: CALENDAR_ENTRY_STATES })
  state: CalendarEntryState;
}

export class CalendarWarning {
  @ApiProperty({ enum: ['CALENDAR.PROVIDER_DOUBLE_BOOKED', 'CALENDAR.STUDENT_DOUBLE_BOOKED'] })
  code: 'CALENDAR.PROVIDER_DOUBLE_BOOKED' | 'CALENDAR.STUDENT_DOUBLE_BOOKED';

  @ApiProperty()
  message: string;

  @ApiPropertyOptional({ format: 'uuid' })
  providerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  studentId?: string;

  /** The ids of the two overlapping entries. */
  @ApiProperty({ type: [String], minItems: 2, maxItems: 2, description: 'The ids of the two overlapping entries' })
  entryIds: [string, string];
}

export class CalendarReply {
  @ApiProperty({ format: 'date-time' })
  from: string;

  @ApiProperty({ format: 'date-time' })
  to: string;

  @ApiProperty({ type: [CalendarEntry], description: 'By start, then id' })
  entries: CalendarEntry[];

  @ApiProperty({ type: [CalendarWarning] })
  warnings: CalendarWarning[];
}

export const LIST_CALENDAR_OCCURRENCES = defineCommand<ListCalendarOccurrencesCommand, OccurrenceReply[]>(
  'scheduling',
  'list-calendar-occurrences',
  ListCalendarOccurrencesCommand,
);

export const CALENDAR_COMMANDS = [LIST_CALENDAR_OCCURRENCES] as const;
