import { SessionVersionApplied } from './posting';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
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
import { TenantCommand } from '../actor';
import { defineCommand, defineEvent } from '../contract';
import { AttendanceStatus, RemedialCriterion } from '../sessions/session-rules';
import { IsCalendarDate } from './work-orders';

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
  @Matches(LOCAL_TIME, { message: 'start must be a local time written HH:MM (00:00 to 23:59)' })
  start: string;

  @Matches(LOCAL_TIME, { message: 'end must be a local time written HH:MM (00:00 to 23:59)' })
  @Validate(EndsAfterStart)
  end: string;
}

/** A weekday left out, or null, has no school day: every minute of a session on it is outside the school day. */
export class BellScheduleDays {
  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  monday?: SchoolDayHours | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  tuesday?: SchoolDayHours | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  wednesday?: SchoolDayHours | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  thursday?: SchoolDayHours | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  friday?: SchoolDayHours | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  saturday?: SchoolDayHours | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => SchoolDayHours)
  sunday?: SchoolDayHours | null;
}

/** The body of PUT /api/schools/:id/bell-schedule, reused by the command. */
export class BellScheduleBody {
  /** The version read (0 while the school has none); stale → 409. */
  @IsInt()
  @Min(0)
  version: number;

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
export abstract class ReportingListCommand extends TenantCommand {
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @IsOptional()
  @IsCalendarDate()
  to?: string;

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

export class ListReportableRecordsCommand extends ReportingListCommand {
  @IsOptional()
  @IsBoolean()
  eligible?: boolean;
}

export class ListIneligibleSessionsCommand extends ReportingListCommand {}

// ---- replies ----

export type SchoolDays = Record<Weekday, { start: string; end: string } | null>;

export interface BellScheduleReply {
  schoolId: string;
  /** Null while the school has no bell schedule (its minutes outside the school day are unknown). */
  days: SchoolDays | null;
  /** The district's time zone the times are read in (null until state reporting has the district's settings). */
  timeZone: string | null;
  /** 0 while the school has no bell schedule. */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  /** Set by a PUT: records of the school whose minutes outside the school day were computed again. */
  recomputedRecords?: number;
}

export type Delivery = 'individual' | 'small_group';

/** One student of one posted version of a session, as the state report sees them. */
export interface ReportableRecordReply {
  id: string;
  sessionId: string;
  sessionVersion: number;
  sessionDate: string;
  studentId: string;
  studentName: string;
  stateId: string | null;
  /** The school the session was held at, and its state code. */
  schoolId: string;
  schoolCode: string | null;
  /** The student's own school (the session's when the student has none). */
  studentSchoolId: string;
  studentSchoolCode: string | null;
  attendanceStatus: AttendanceStatus;
  minutes: number;
  /** Null while the student's school has no bell schedule. */
  minutesOutsideSchoolDay: number | null;
  qualifiers: {
    homebound: boolean;
    detention: boolean;
    creditRecovery: boolean;
    remedial: boolean;
    remedialCriteria: RemedialCriterion[];
  };
  subject: string | null;
  service: string;
  delivery: Delivery;
  providerId: string;
  providerName: string;
  workOrderId: string | null;
  workOrderType: string | null;
  tags: string[];
  eligible: boolean;
}

export interface ReportableRecordPageReply {
  items: ReportableRecordReply[];
  page: number;
  pageSize: number;
  total: number;
}

/** A posted session (its current version) the state export leaves out, and every reason why. */
export interface IneligibleSessionReply {
  sessionId: string;
  sessionVersion: number;
  sessionDate: string;
  schoolId: string;
  schoolCode: string | null;
  providerId: string;
  providerName: string;
  service: string;
  workOrderId: string | null;
  workOrderType: string | null;
  students: number;
  reasons: string[];
}

export interface IneligibleSessionPageReply {
  items: IneligibleSessionReply[];
  page: number;
  pageSize: number;
  total: number;
}

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
