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

export type CalendarEntryState = 'planned' | 'cancelled_billable' | 'cancelled_nonbillable' | 'cancelled' | 'active' | 'ended' | 'posted';

export interface CalendarEntry {
  /** `occurrence`: planned and not started; `session`: what happened (from an occurrence, or ad hoc). */
  kind: 'occurrence' | 'session';
  /** `<seriesId>/<occurrenceStart>` for an occurrence, the session's id for a session. */
  id: string;
  sessionId: string | null;
  /** The occurrence the entry is, or the one its session was started from; null for an ad hoc session. */
  occurrence: { seriesId: string; occurrenceStart: string } | null;
  startsAt: string;
  /** An active session has none yet. */
  endsAt: string | null;
  service: string;
  description: string | null;
  placeOfService: string | null;
  providerId: string;
  schoolId: string;
  participantCount: number;
  state: CalendarEntryState;
}

export interface CalendarWarning {
  code: 'CALENDAR.PROVIDER_DOUBLE_BOOKED' | 'CALENDAR.STUDENT_DOUBLE_BOOKED';
  message: string;
  providerId?: string;
  studentId?: string;
  /** The ids of the two overlapping entries. */
  entryIds: [string, string];
}

export interface CalendarReply {
  from: string;
  to: string;
  entries: CalendarEntry[];
  warnings: CalendarWarning[];
}

export const LIST_CALENDAR_OCCURRENCES = defineCommand<ListCalendarOccurrencesCommand, OccurrenceReply[]>(
  'scheduling',
  'list-calendar-occurrences',
  ListCalendarOccurrencesCommand,
);

export const CALENDAR_COMMANDS = [LIST_CALENDAR_OCCURRENCES] as const;
