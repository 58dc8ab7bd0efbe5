import { SessionVersionApplied } from './posting';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  Validate,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import type { Page } from '@sessionledger/common';
import { PagedTenantCommand, TenantCommand } from '../actor';
import { defineCommand, defineEvent } from '../contract';
import { ATTENDANCE_STATUSES, AttendanceStatus, REMEDIAL_CRITERIA, RemedialCriterion } from '@sessionledger/session-rules';
import { IsCalendarDate } from './work-orders';
import { MAX_VERSION } from './sessions';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A local wall-clock time, 24-hour `HH:MM`. */
export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

@ValidatorConstraint({ name: 'endsAfterStart' })
class EndsAfterStart implements ValidatorConstraintInterface {
  validate(end: unknown, args: ValidationArguments): boolean {
    const start = (args.object as SchoolDayHours).start;
    // A malformed start or end is reported by its own format check.
    if (typeof start !== 'string' || typeof end !== 'string' || !LOCAL_TIME.test(start) || !LOCAL_TIME.test(end)) return true;
    return end > start;
  }

  defaultMessage(args: ValidationArguments): string {
    return `end must be after start (${(args.object as SchoolDayHours).start})`;
  }
}

/** The school day of one weekday, in the district's time zone. */
export class SchoolDayHours {
  @ApiProperty({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'Local time HH:MM', example: '08:00' })
  @Matches(LOCAL_TIME, { message: 'start must be a local time written HH:MM (00:00 to 23:59)' })
  start: string;

  @ApiProperty({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'Local time HH:MM, after start', example: '15:30' })
  @Matches(LOCAL_TIME, { message: 'end must be a local time written HH:MM (00:00 to 23:59)' })
  @Validate(EndsAfterStart)
  end: string;
}

/** A weekday left out, or null, has no school day: every minute of a session on it is outside the school day. */
export class BellScheduleDays {
  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  monday?: SchoolDayHours | null;

  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  tuesday?: SchoolDayHours | null;

  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  wednesday?: SchoolDayHours | null;

  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  thursday?: SchoolDayHours | null;

  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  friday?: SchoolDayHours | null;

  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  saturday?: SchoolDayHours | null;

  @ApiPropertyOptional({ type: () => SchoolDayHours, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  sunday?: SchoolDayHours | null;
}

/** The body of PUT /api/schools/:id/bell-schedule, reused by the command. */
export class BellScheduleBody {
  /** The version read (0 while the school has none); stale → 409. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_VERSION, description: 'The version read (0 while the school has none); stale → 409', example: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_VERSION)
  version: number;

  @ApiProperty({ type: () => BellScheduleDays, description: 'A weekday left out or null has no school day', example: { monday: { start: '08:00', end: '15:30' }, friday: { start: '08:00', end: '13:00' } } })
  @IsObject()
  @ValidateNested()
  @Type(() => BellScheduleDays)
  days: BellScheduleDays;
}

export class GetBellScheduleCommand extends TenantCommand {
  @IsUUID()
  schoolId: string;
}

export class SetBellScheduleCommand extends TenantCommand {
  @IsUUID()
  schoolId: string;

  @ValidateNested()
  @Type(() => BellScheduleBody)
  body: BellScheduleBody;
}

/** Filters both reporting lists share: session dates (the district's local dates) and the school the session was held at. */
export abstract class ReportingListCommand extends PagedTenantCommand {
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** Only rows recorded or recomputed at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

export class ListReportableRecordsCommand extends ReportingListCommand {
  @IsOptional()
  @IsBoolean()
  eligible?: boolean;
}

export class ListIneligibleSessionsCommand extends ReportingListCommand {}

// ---- replies ----

export type SchoolDays = Record<Weekday, { start: string; end: string } | null>;

export class SchoolDayHoursReply {
  @ApiProperty({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', example: '08:00' })
  start: string;

  @ApiProperty({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', example: '15:30' })
  end: string;
}

/** Every weekday, null when it has no school day. */
export class SchoolDaysReply implements SchoolDays {
  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  monday: SchoolDayHoursReply | null;

  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  tuesday: SchoolDayHoursReply | null;

  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  wednesday: SchoolDayHoursReply | null;

  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  thursday: SchoolDayHoursReply | null;

  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  friday: SchoolDayHoursReply | null;

  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  saturday: SchoolDayHoursReply | null;

  @ApiProperty({ type: () => SchoolDayHoursReply, nullable: true })
  sunday: SchoolDayHoursReply | null;
}

export class BellScheduleReply {
  @ApiProperty({ format: 'uuid' })
  schoolId: string;

  /** Null while the school has no bell schedule (its minutes outside the school day are unknown). */
  @ApiProperty({ type: () => SchoolDaysReply, nullable: true, description: 'Null while the school has no bell schedule' })
  days: SchoolDays | null;

  /** The district's time zone the times are read in (null until state reporting has the district's settings). */
  @ApiProperty({ type: String, nullable: true, example: 'America/Chicago' })
  timeZone: string | null;

  /** 0 while the school has no bell schedule. */
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 while the school has no bell schedule' })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  updatedBy: string | null;

  /** Set by a PUT: records of the school whose minutes outside the school day were computed again. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Set by a PUT: records whose minutes outside the school day were computed again' })
  recomputedRecords?: number;
}

export const DELIVERIES = ['individual', 'small_group'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export class RecordQualifiersReply {
  @ApiProperty()
  homebound: boolean;

  @ApiProperty()
  detention: boolean;

  @ApiProperty()
  creditRecovery: boolean;

  @ApiProperty()
  remedial: boolean;

  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...REMEDIAL_CRITERIA] } })
  remedialCriteria: RemedialCriterion[];
}

/** One student of one posted version of a session, as the state report sees them. */
export class ReportableRecordReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  sessionVersion: number;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ format: 'uuid' })
  studentId: string;

  @ApiProperty()
  studentName: string;

  @ApiProperty({ type: String, nullable: true })
  stateId: string | null;

  /** The school the session was held at, and its state code. */
  @ApiProperty({ format: 'uuid', description: 'The school the session was held at' })
  schoolId: string;

  @ApiProperty({ type: String, nullable: true })
  schoolCode: string | null;

  /** The student's own school (the session's when the student has none). */
  @ApiProperty({ format: 'uuid', description: 'The student’s own school (the session’s when the student has none)' })
  studentSchoolId: string;

  @ApiProperty({ type: String, nullable: true })
  studentSchoolCode: string | null;

  @ApiProperty({ enum: ATTENDANCE_STATUSES })
  attendanceStatus: AttendanceStatus;

  @ApiProperty({ type: 'integer' })
  minutes: number;

  /** Null while the student's school has no bell schedule. */
  @ApiProperty({ type: 'integer', nullable: true, description: 'Null while the student’s school has no bell schedule' })
  minutesOutsideSchoolDay: number | null;

  @ApiProperty({ type: () => RecordQualifiersReply })
  qualifiers: RecordQualifiersReply;

  @ApiProperty({ type: String, nullable: true })
  subject: string | null;

  @ApiProperty()
  service: string;

  @ApiProperty({ enum: DELIVERIES })
  delivery: Delivery;

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty()
  providerName: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  workOrderId: string | null;

  @ApiProperty({ type: String, nullable: true })
  workOrderType: string | null;

  @ApiProperty({ type: [String] })
  tags: string[];

  @ApiProperty()
  eligible: boolean;

  @ApiProperty({ format: 'date-time', description: 'When the record was written or last recomputed' })
  updatedAt: string;
}

export type ReportableRecordPageReply = Page<ReportableRecordReply>;

/** A posted session (its current version) the state export leaves out, and every reason why. */
export class IneligibleSessionReply {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  sessionVersion: number;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ format: 'uuid' })
  schoolId: string;

  @ApiProperty({ type: String, nullable: true })
  schoolCode: string | null;

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty()
  providerName: string;

  @ApiProperty()
  service: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  workOrderId: string | null;

  @ApiProperty({ type: String, nullable: true })
  workOrderType: string | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  students: number;

  @ApiProperty({ type: [String] })
  reasons: string[];

  @ApiProperty({ format: 'date-time', description: 'When this version was recorded or last recomputed' })
  updatedAt: string;
}

export type IneligibleSessionPageReply = Page<IneligibleSessionReply>;

export const GET_BELL_SCHEDULE = defineCommand<GetBellScheduleCommand, BellScheduleReply>('state-reporting', 'get-bell-schedule', GetBellScheduleCommand);
export const SET_BELL_SCHEDULE = defineCommand<SetBellScheduleCommand, BellScheduleReply>('state-reporting', 'set-bell-schedule', SetBellScheduleCommand);
export const LIST_REPORTABLE_RECORDS = defineCommand<ListReportableRecordsCommand, ReportableRecordPageReply>(
  'state-reporting',
  'list-reportable-records',
  ListReportableRecordsCommand,
);
export const LIST_INELIGIBLE_SESSIONS = defineCommand<ListIneligibleSessionsCommand, IneligibleSessionPageReply>(
  'state-reporting',
  'list-ineligible-sessions',
  ListIneligibleSessionsCommand,
);

export const STATE_REPORTING_COMMANDS = [GET_BELL_SCHEDULE, SET_BELL_SCHEDULE, LIST_REPORTABLE_RECORDS, LIST_INELIGIBLE_SESSIONS] as const;

/** State reporting's acknowledgement of a version it recorded (see SessionVersionApplied). */
export const STATE_REPORTING_RECORDED = defineEvent('state-reporting', 'session-recorded', SessionVersionApplied, ['session-log']);
export const STATE_REPORTING_EVENTS = [STATE_REPORTING_RECORDED] as const;
