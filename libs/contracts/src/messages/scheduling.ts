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
import { TenantCommand } from '../actor';
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

const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class SeriesStudent {
  @IsUUID()
  studentId: string;

  @IsString()
  @MaxLength(200)
  name: string;
}

/** One student's defaults from "update future sessions"; checked against the catalog when a session starts. */
export class SessionDefaultsParticipant {
  @IsUUID()
  studentId: string;

  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  activities: string[];

  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  accommodations: string[];
}

/** What a posted session left as defaults for the series' later occurrences. */
export class SessionDefaults {
  @IsOptional()
  @IsString()
  description: string | null;

  @IsOptional()
  @IsString()
  activitiesDescription: string | null;

  @IsArray()
  @ArrayMaxSize(MAX_SERIES_STUDENTS * 4)
  @ValidateNested({ each: true })
  @Type(() => SessionDefaultsParticipant)
  participants: SessionDefaultsParticipant[];
}

export interface SeriesReply {
  id: string;
  providerId: string;
  schoolId: string;
  service: string;
  description: string | null;
  placeOfService: string | null;
  type: SeriesType;
  groupId: string | null;
  groupName: string | null;
  students: SeriesStudent[];
  /** Local wall-clock start of the first occurrence, in `timeZone`. */
  start: string;
  timeZone: string;
  durationMinutes: number;
  rrule: string;
  exdates: string[];
  workOrderId: string | null;
  /** The series this one was split from by a "this and following" edit. */
  splitFrom: string | null;
  /** From "update future sessions": applies to occurrences starting after `defaultsFrom`. */
  sessionDefaults: SessionDefaults | null;
  defaultsFrom: string | null;
  /** After an "all" edit that kept the past: the series' current definition gives occurrences from here on; earlier ones keep the definition they had. */
  effectiveFrom: string | null;
  /** After a "this and following" split: local midnight of the split day; the series gives nothing from there on. */
  endsBefore: string | null;
  version: number;
  createdAt: string;
  createdBy: string;
}

export interface SeriesPageReply {
  items: SeriesReply[];
  page: number;
  pageSize: number;
  total: number;
}

export interface OccurrenceCancellation {
  cancelledAt: string;
  cancelledBy: string;
  reason: string | null;
  /** From the district's notice window at the time of cancelling. */
  attendance: 'cancelled_billable' | 'cancelled_nonbillable';
}

export interface OccurrenceReply {
  seriesId: string;
  /** The occurrence's key: its start as the series generates it, before any move. */
  occurrenceStart: string;
  startsAt: string;
  endsAt: string;
  localStart: string;
  localDate: string;
  durationMinutes: number;
  service: string;
  description: string | null;
  placeOfService: string | null;
  type: SeriesType;
  providerId: string;
  schoolId: string;
  groupId: string | null;
  students: SeriesStudent[];
  workOrderId: string | null;
  /** True when a "this occurrence" edit changed it. */
  overridden: boolean;
  /** The series' "update future sessions" defaults, on occurrences after the session they came from only. */
  sessionDefaults: SessionDefaults | null;
  cancellation: OccurrenceCancellation | null;
  /** iCalendar SEQUENCE: grows whenever an edit or a cancellation changes this occurrence. */
  sequence: number;
}

export interface ClosureDay {
  date: string;
  name: string | null;
}

export interface ClosureDaysReply {
  days: ClosureDay[];
}

/** HTTP body of POST /api/series. */
export class CreateSeriesBody {
  @IsString()
  @Matches(SERVICE_CODE, { message: 'service must be a service code of the catalog (lower_snake_case)' })
  service: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_SERIES_TEXT)
  description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  placeOfService?: string;

  @IsIn(SERIES_TYPES)
  type: SeriesType;

  /** An admin names the provider; a provider schedules for themselves. */
  @IsOptional()
  @IsUUID()
  providerId?: string;

  /** Required when the provider is approved at more than one school and no group names it. */
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** A group series: the students come from the group when each session starts. */
  @IsOptional()
  @IsUUID()
  groupId?: string;

  /** An ad hoc series' students (none with a group). */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_SERIES_STUDENTS)
  @IsUUID('all', { each: true })
  studentIds?: string[];

  @Matches(LOCAL_DATE_TIME, { message: 'start must be a local date and time YYYY-MM-DDTHH:MM in the district’s time zone' })
  start: string;

  @IsInt()
  @Min(5)
  @Max(24 * 60)
  durationMinutes: number;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  rrule: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  exdates?: string[];

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
  @IsInt()
  @Min(1)
  version: number;

  @IsIn(EDIT_SCOPES)
  scope: EditScope;

  /** The occurrence (its `occurrenceStart`) that `this` changes or `following` splits at. */
  @ValidateIf((body: EditSeriesBody) => body.scope !== 'all' || body.occurrenceStart !== undefined)
  @IsISO8601({ strict: true }, { message: 'occurrenceStart must be the occurrence’s start (ISO 8601, with its offset)' })
  occurrenceStart?: string;

  @IfPresent()
  @IsString()
  @Matches(SERVICE_CODE, { message: 'service must be a service code of the catalog (lower_snake_case)' })
  service?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_SERIES_TEXT)
  description?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  placeOfService?: string | null;

  @IfPresent()
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  durationMinutes?: number;

  /** New local time of day, HH:MM. */
  @IfPresent()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'startTime must be a local time of day HH:MM' })
  startTime?: string;

  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  rrule?: string;

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  exdates?: string[];

  /**
   * `all` only: a cancellation or a "this occurrence" edit on a day the new
   * rule no longer gives makes the edit 409 `SERIES.OVERRIDES_WOULD_BE_LOST`
   * (listing them) unless this is true; then they are deleted.
   */
  @IsOptional()
  @IsBoolean()
  dropOverrides?: boolean;
}

export class CancelOccurrenceBody {
  @IsISO8601({ strict: true }, { message: 'occurrenceStart must be the occurrence’s start (ISO 8601, with its offset)' })
  occurrenceStart: string;

  /** When the family cancelled; defaults to now. It decides the attendance consequence. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'cancelledAt must be a date and time (ISO 8601, with its offset)' })
  cancelledAt?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ClosureDayBody {
  @IsCalendarDate()
  date: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

/** HTTP body of PUT /api/closure-days: the district's closure days, replaced as a whole. */
export class ClosureDaysBody {
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

export class ListSeriesCommand extends TenantCommand {
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
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
  @IsOptional()
  @IsInt()
  @Min(1)
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
