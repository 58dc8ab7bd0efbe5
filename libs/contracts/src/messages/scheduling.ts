import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Page } from '@sessionledger/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PagedTenantCommand, TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { IsCalendarDate } from './work-orders';

/** A series' local wall-clock start in the district's time zone. */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
/** Service codes are the catalog's shape; whether the code is in the district's catalog is checked when a session starts. */
export const SERVICE_CODE = /^[a-z][a-z0-9_]{0,49}$/;
export const SERIES_TYPES = ['group', 'individual'] as const;
export type SeriesType = (typeof SERIES_TYPES)[number];
export const EDIT_SCOPES = ['this', 'following', 'all'] as const;
export type EditScope = (typeof EDIT_SCOPES)[number];
export const MAX_SERIES_TEXT = 2000;
export const MAX_SERIES_STUDENTS = 50;
/** The longest window one occurrences request expands. */
export const MAX_OCCURRENCE_WINDOW_DAYS = 366;
/** `YYYY-MM-DDTHH:MM:SS`, the longest excluded date `start`'s forms allow. */
const MAX_EXDATE_LENGTH = 19;
/** A version column is a PostgreSQL integer. */
const MAX_VERSION = 2_147_483_647;

const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** An instant in replies: ISO 8601 in UTC. */
const INSTANT = { type: String, format: 'date-time', example: '2026-09-14T21:00:00.000Z' } as const;
const NULLABLE_INSTANT = { ...INSTANT, nullable: true } as const;
const UUID = { type: String, format: 'uuid' } as const;
const NULLABLE_UUID = { ...UUID, nullable: true } as const;
const NULLABLE_TEXT = { type: String, nullable: true } as const;
const LOCAL_DATE_TIME_EXAMPLE = '2026-09-14T16:00';

export class SeriesStudent {
  @ApiProperty(UUID)
  @IsUUID()
  studentId: string;

  @ApiProperty({ maxLength: 200, example: 'Maya Garcia' })
  @IsString()
  @MaxLength(200)
  name: string;
}

/** One student's defaults from "update future sessions"; checked against the catalog when a session starts. */
export class SessionDefaultsParticipant {
  @ApiProperty(UUID)
  @IsUUID()
  studentId: string;

  @ApiProperty({ type: [String], maxItems: 100, description: 'Activity codes of the session catalog' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  activities: string[];

  @ApiProperty({ type: [String], maxItems: 100, description: 'Accommodation codes of the session catalog' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  accommodations: string[];
}

/** What a posted session left as defaults for the series' later occurrences. */
export class SessionDefaults {
  @ApiProperty(NULLABLE_TEXT)
  @IsOptional()
  @IsString()
  description: string | null;

  @ApiProperty(NULLABLE_TEXT)
  @IsOptional()
  @IsString()
  activitiesDescription: string | null;

  @ApiProperty({ type: [SessionDefaultsParticipant], maxItems: MAX_SERIES_STUDENTS * 4 })
  @IsArray()
  @ArrayMaxSize(MAX_SERIES_STUDENTS * 4)
  @ValidateNested({ each: true })
  @Type(() => SessionDefaultsParticipant)
  participants: SessionDefaultsParticipant[];
}

export class SeriesReply {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty(UUID)
  providerId: string;

  @ApiProperty(UUID)
  schoolId: string;

  @ApiProperty({ pattern: SERVICE_CODE.source, example: 'reading_intervention' })
  service: string;

  @ApiProperty(NULLABLE_TEXT)
  description: string | null;

  @ApiProperty(NULLABLE_TEXT)
  placeOfService: string | null;

  @ApiProperty({ enum: SERIES_TYPES })
  type: SeriesType;

  @ApiProperty(NULLABLE_UUID)
  groupId: string | null;

  @ApiProperty(NULLABLE_TEXT)
  groupName: string | null;

  @ApiProperty({ type: [SeriesStudent], description: 'An ad hoc series’ students; empty for a group series (the group gives them when each session starts)' })
  students: SeriesStudent[];

  @ApiProperty({ description: 'Local wall-clock start of the first occurrence, in `timeZone`', pattern: LOCAL_DATE_TIME.source, example: '2026-09-14T16:00:00' })
  start: string;

  @ApiProperty({ description: 'The district’s IANA time zone', example: 'America/Chicago' })
  timeZone: string;

  @ApiProperty({ minimum: 5, maximum: 24 * 60, example: 45 })
  durationMinutes: number;

  @ApiProperty({ description: 'RFC 5545 recurrence rule', example: 'FREQ=WEEKLY;BYDAY=MO,WE' })
  rrule: string;

  @ApiProperty({ type: [String], description: 'Local dates (YYYY-MM-DD) or date-times (YYYY-MM-DDTHH:MM:SS) left out' })
  exdates: string[];

  @ApiProperty(NULLABLE_UUID)
  workOrderId: string | null;

  @ApiProperty({ ...NULLABLE_UUID, description: 'The series this one was split from by a "this and following" edit' })
  splitFrom: string | null;

  @ApiProperty({ type: () => SessionDefaults, nullable: true, description: 'From "update future sessions": applies to occurrences starting after `defaultsFrom`' })
  sessionDefaults: SessionDefaults | null;

  @ApiProperty(NULLABLE_INSTANT)
  defaultsFrom: string | null;

  @ApiProperty({
    ...NULLABLE_INSTANT,
    description: 'After an "all" edit that kept the past: the current definition gives occurrences from here on; earlier ones keep the definition they had',
  })
  effectiveFrom: string | null;

  @ApiProperty({ ...NULLABLE_INSTANT, description: 'After a "this and following" split: local midnight of the split day; the series gives nothing from there on' })
  endsBefore: string | null;

  @ApiProperty({ minimum: 1, description: 'Send it back with PATCH; every write raises it' })
  version: number;

  @ApiProperty(INSTANT)
  createdAt: string;

  @ApiProperty(UUID)
  createdBy: string;
}

export type SeriesPageReply = Page<SeriesReply>;

export const OCCURRENCE_CANCELLATION_ATTENDANCE = ['cancelled_billable', 'cancelled_nonbillable'] as const;

export class OccurrenceCancellation {
  @ApiProperty(INSTANT)
  cancelledAt: string;

  @ApiProperty(UUID)
  cancelledBy: string;

  @ApiProperty(NULLABLE_TEXT)
  reason: string | null;

  @ApiProperty({ enum: OCCURRENCE_CANCELLATION_ATTENDANCE, description: 'From the district’s notice window at the time of cancelling' })
  attendance: (typeof OCCURRENCE_CANCELLATION_ATTENDANCE)[number];
}

export class OccurrenceReply {
  @ApiProperty(UUID)
  seriesId: string;

  @ApiProperty({ ...INSTANT, description: 'The occurrence’s key: its start as the series generates it, before any move' })
  occurrenceStart: string;

  @ApiProperty({ ...INSTANT, description: 'When it starts, after any move' })
  startsAt: string;

  @ApiProperty(INSTANT)
  endsAt: string;

  @ApiProperty({ description: 'Local wall-clock start in the district’s zone', example: '2026-09-14T16:00:00' })
  localStart: string;

  @ApiProperty({ type: String, format: 'date', description: 'Local day in the district’s zone', example: '2026-09-14' })
  localDate: string;

  @ApiProperty({ minimum: 5, maximum: 24 * 60 })
  durationMinutes: number;

  @ApiProperty({ pattern: SERVICE_CODE.source })
  service: string;

  @ApiProperty(NULLABLE_TEXT)
  description: string | null;

  @ApiProperty(NULLABLE_TEXT)
  placeOfService: string | null;

  @ApiProperty({ enum: SERIES_TYPES })
  type: SeriesType;

  @ApiProperty(UUID)
  providerId: string;

  @ApiProperty(UUID)
  schoolId: string;

  @ApiProperty(NULLABLE_UUID)
  groupId: string | null;

  @ApiProperty({ type: [SeriesStudent] })
  students: SeriesStudent[];

  @ApiProperty(NULLABLE_UUID)
  workOrderId: string | null;

  @ApiProperty({ description: 'True when a "this occurrence" edit changed it' })
  overridden: boolean;

  @ApiProperty({ type: () => SessionDefaults, nullable: true, description: 'The series’ "update future sessions" defaults, on occurrences after the session they came from only' })
  sessionDefaults: SessionDefaults | null;

  @ApiProperty({ type: () => OccurrenceCancellation, nullable: true })
  cancellation: OccurrenceCancellation | null;

  @ApiProperty({ minimum: 0, description: 'iCalendar SEQUENCE: grows whenever an edit or a cancellation changes this occurrence' })
  sequence: number;
}

export class ClosureDay {
  @ApiProperty({ type: String, format: 'date', example: '2026-11-26' })
  date: string;

  @ApiProperty({ ...NULLABLE_TEXT, example: 'Thanksgiving' })
  name: string | null;
}

export class ClosureDaysReply {
  @ApiProperty({ type: [ClosureDay], description: 'Oldest first' })
  days: ClosureDay[];
}

/** HTTP body of POST /api/series. */
export class CreateSeriesBody {
  @ApiProperty({ description: 'A service code of the district’s catalog (checked when a session starts)', pattern: SERVICE_CODE.source, maxLength: 50, example: 'reading_intervention' })
  @IsString()
  @Matches(SERVICE_CODE, { message: 'service must be a service code of the catalog (lower_snake_case)' })
  service: string;

  @ApiPropertyOptional({ maxLength: MAX_SERIES_TEXT, example: 'Phonics, small group' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SERIES_TEXT)
  description?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Room 12' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  placeOfService?: string;

  @ApiProperty({ enum: SERIES_TYPES, description: '`individual`: exactly one student and no group; `group`: a group or students', example: 'group' })
  @IsIn(SERIES_TYPES)
  type: SeriesType;

  @ApiPropertyOptional({ ...UUID, description: 'An admin names the provider; a provider schedules for themselves' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional({ ...UUID, description: 'Required when the provider is approved at more than one school and no group names it' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ ...UUID, description: 'A group series: the students come from the group when each session starts' })
  @IsOptional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_SERIES_STUDENTS, uniqueItems: true, description: 'An ad hoc series’ students (none with a group)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_SERIES_STUDENTS)
  @IsUUID('all', { each: true })
  studentIds?: string[];

  @ApiProperty({ description: 'Local date and time of the first occurrence in the district’s zone', pattern: LOCAL_DATE_TIME.source, example: LOCAL_DATE_TIME_EXAMPLE })
  @Matches(LOCAL_DATE_TIME, { message: 'start must be a local date and time YYYY-MM-DDTHH:MM in the district’s time zone' })
  start: string;

  @ApiProperty({ minimum: 5, maximum: 24 * 60, example: 45 })
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  durationMinutes: number;

  @ApiProperty({ description: 'RFC 5545 subset: FREQ DAILY/WEEKLY/MONTHLY, INTERVAL, COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST', minLength: 1, maxLength: 500, example: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=20' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  rrule: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: MAX_EXDATE_LENGTH },
    maxItems: 500,
    description: 'Local dates (every occurrence that day) or local date-times (one occurrence)',
    example: ['2026-10-12'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(MAX_EXDATE_LENGTH, { each: true })
  exdates?: string[];

  @ApiPropertyOptional({ ...UUID, description: 'An active work order of the provider at the series’ school' })
  @IsOptional()
  @IsUUID()
  workOrderId?: string;
}

/**
 * HTTP body of PATCH /api/series/:id. `this` changes one occurrence (service,
 * description, place, duration, startTime); `following` and `all` may also
 * change the rule and the excluded dates.
 */
export class EditSeriesBody {
  @ApiProperty({ minimum: 1, maximum: MAX_VERSION, description: 'The version you read; a stale one is refused with 409 SERIES.STALE', example: 3 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;

  @ApiProperty({ enum: EDIT_SCOPES, description: '`this` occurrence, this and the `following` ones (a split), or `all`' })
  @IsIn(EDIT_SCOPES)
  scope: EditScope;

  @ApiPropertyOptional({ ...INSTANT, description: 'The occurrence (its `occurrenceStart`) that `this` changes or `following` splits at; required for those scopes' })
  @ValidateIf((body: EditSeriesBody) => body.scope !== 'all' || body.occurrenceStart !== undefined)
  @IsISO8601({ strict: true }, { message: 'occurrenceStart must be the occurrence’s start (ISO 8601, with its offset)' })
  occurrenceStart?: string;

  @ApiPropertyOptional({ pattern: SERVICE_CODE.source, maxLength: 50 })
  @IfPresent()
  @IsString()
  @Matches(SERVICE_CODE, { message: 'service must be a service code of the catalog (lower_snake_case)' })
  service?: string;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, maxLength: MAX_SERIES_TEXT, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SERIES_TEXT)
  description?: string | null;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, maxLength: 200, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  placeOfService?: string | null;

  @ApiPropertyOptional({ minimum: 5, maximum: 24 * 60 })
  @IfPresent()
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  durationMinutes?: number;

  @ApiPropertyOptional({ description: 'New local time of day, HH:MM', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', example: '15:30' })
  @IfPresent()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'startTime must be a local time of day HH:MM' })
  startTime?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 500, description: '`following` and `all` only' })
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  rrule?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: MAX_EXDATE_LENGTH }, maxItems: 500, description: '`following` and `all` only' })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(MAX_EXDATE_LENGTH, { each: true })
  exdates?: string[];

  /**
   * `all` only: a cancellation or a "this occurrence" edit on a day the new
   * rule no longer gives makes the edit 409 `SERIES.OVERRIDES_WOULD_BE_LOST`
   * (listing them) unless this is true; then they are deleted.
   */
  @ApiPropertyOptional({ description: '`all` only: delete the cancellations and edits of days the new rule no longer gives (otherwise 409 SERIES.OVERRIDES_WOULD_BE_LOST)' })
  @IsOptional()
  @IsBoolean()
  dropOverrides?: boolean;
}

export class CancelOccurrenceBody {
  @ApiProperty({ ...INSTANT, description: 'The occurrence’s key (`occurrenceStart`)' })
  @IsISO8601({ strict: true }, { message: 'occurrenceStart must be the occurrence’s start (ISO 8601, with its offset)' })
  occurrenceStart: string;

  @ApiPropertyOptional({ ...INSTANT, description: 'When the family cancelled (default now, never in the future); decides billable or not' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'cancelledAt must be a date and time (ISO 8601, with its offset)' })
  cancelledAt?: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Family vacation' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ClosureDayBody {
  @ApiProperty({ type: String, format: 'date', description: 'YYYY-MM-DD', example: '2026-11-26' })
  @IsCalendarDate()
  date: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Thanksgiving' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

/** HTTP body of PUT /api/closure-days: the district's closure days, replaced as a whole. */
export class ClosureDaysBody {
  @ApiProperty({
    type: [ClosureDayBody],
    maxItems: 1000,
    description: 'Every closure day of the district; replaces the stored set',
    example: [{ date: '2026-11-26', name: 'Thanksgiving' }],
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ClosureDayBody)
  days: ClosureDayBody[];
}

/**
 * The gateway resolved the provider (approved at the school), the group
 * (the provider's, at the school) and the students; scheduling applies
 * the recurrence rule in the district's time zone and the actor's scope.
 */
export class CreateSeriesCommand extends TenantCommand {
  @ValidateNested()
  @Type(() => CreateSeriesBody)
  body: CreateSeriesBody;

  @IsUUID()
  providerId: string;

  @IsUUID()
  schoolId: string;

  @IsOptional()
  @IsString()
  groupName: string | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SeriesStudent)
  students: SeriesStudent[];
}

export class ListSeriesCommand extends PagedTenantCommand {
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** Only series created or changed at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

export class GetSeriesCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;
}

export class ListOccurrencesCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;

  @IsISO8601({ strict: true })
  from: string;

  @IsISO8601({ strict: true })
  to: string;

  /** Only when the series (or one of its occurrences) changed at or after this instant; otherwise none. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

export class GetOccurrenceCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;

  @IsISO8601({ strict: true })
  occurrenceStart: string;
}

export class EditSeriesCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;

  @ValidateNested()
  @Type(() => EditSeriesBody)
  body: EditSeriesBody;

  /** The occurrence starts of the series that have a session (the gateway asked session-log): an `all` edit leaves them as they are. */
  @IsOptional()
  @IsArray()
  @IsISO8601({ strict: true }, { each: true })
  startedOccurrences?: string[];
}

export class CancelOccurrenceCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;

  @ValidateNested()
  @Type(() => CancelOccurrenceBody)
  body: CancelOccurrenceBody;
}

/** HTTP body of POST /api/sessions/:id/update-future-sessions: optionally the series version last read. */
export class UpdateFutureSessionsBody {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_VERSION, description: 'The series version you read; a stale one is refused with 409', example: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;
}

/** The gateway read the session (visible to the actor, started from an occurrence of `seriesId`). */
export class UpdateFutureSessionsCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;

  /** The session's occurrence: the defaults apply to occurrences strictly after it. */
  @IsISO8601({ strict: true })
  after: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ValidateNested()
  @Type(() => SessionDefaults)
  defaults: SessionDefaults;
}

export class GetClosureDaysCommand extends TenantCommand {}

export class SetClosureDaysCommand extends TenantCommand {
  @ValidateNested()
  @Type(() => ClosureDaysBody)
  body: ClosureDaysBody;
}

export const CREATE_SERIES = defineCommand<CreateSeriesCommand, SeriesReply>('scheduling', 'create-series', CreateSeriesCommand);
export const LIST_SERIES = defineCommand<ListSeriesCommand, SeriesPageReply>('scheduling', 'list-series', ListSeriesCommand);
export const GET_SERIES = defineCommand<GetSeriesCommand, SeriesReply>('scheduling', 'get-series', GetSeriesCommand);
export const LIST_OCCURRENCES = defineCommand<ListOccurrencesCommand, OccurrenceReply[]>('scheduling', 'list-occurrences', ListOccurrencesCommand);
export const GET_OCCURRENCE = defineCommand<GetOccurrenceCommand, OccurrenceReply>('scheduling', 'get-occurrence', GetOccurrenceCommand);
export const EDIT_SERIES = defineCommand<EditSeriesCommand, SeriesReply>('scheduling', 'edit-series', EditSeriesCommand);
export const CANCEL_OCCURRENCE = defineCommand<CancelOccurrenceCommand, OccurrenceReply>('scheduling', 'cancel-occurrence', CancelOccurrenceCommand);
export const UPDATE_FUTURE_SESSIONS = defineCommand<UpdateFutureSessionsCommand, SeriesReply>('scheduling', 'update-future-sessions', UpdateFutureSessionsCommand);
export const GET_CLOSURE_DAYS = defineCommand<GetClosureDaysCommand, ClosureDaysReply>('scheduling', 'get-closure-days', GetClosureDaysCommand);
export const SET_CLOSURE_DAYS = defineCommand<SetClosureDaysCommand, ClosureDaysReply>('scheduling', 'set-closure-days', SetClosureDaysCommand);

export const SCHEDULING_COMMANDS = [
  CREATE_SERIES,
  LIST_SERIES,
  GET_SERIES,
  LIST_OCCURRENCES,
  GET_OCCURRENCE,
  EDIT_SERIES,
  CANCEL_OCCURRENCE,
  UPDATE_FUTURE_SESSIONS,
  GET_CLOSURE_DAYS,
  SET_CLOSURE_DAYS,
] as const;
