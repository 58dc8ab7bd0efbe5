import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { Page } from '@sessionledger/common';
import { PagedTenantCommand, TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { SessionCatalogDocument, PARTICIPANT_KINDS, ParticipantKind } from '@sessionledger/session-rules';
import { ATTENDANCE_STATUSES, AttendanceStatus, REMEDIAL_CRITERIA, RemedialCriterion } from '@sessionledger/session-rules';
import { IsCalendarDate } from './work-orders';
import { TASK_KINDS } from './tasks';

/*
 * Sessions are session-log's. The HTTP bodies below are validated by the
 * gateway and travel unchanged inside the commands (validated again on
 * arrival); what only the gateway knows (students, staff, groups, work
 * orders) it resolves and sends as snapshots.
 */

export const SESSION_STATES = ['active', 'ended', 'cancelled'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** The largest version a client can send back: PostgreSQL's integer. */
export const MAX_VERSION = 2_147_483_647;

export const MAX_NOTE_LENGTH = 10_000;
export const MAX_DESCRIPTION_LENGTH = 2_000;

/** Leaves a field out, but refuses `null` where a value cannot be cleared. */
const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
/** Leaves a field out; `null` clears it. */
const IfGiven = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

const IsInstant = () => IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be a date and time (ISO 8601, with its offset)` });

/** Sent with every write: the version the client last read. */
export abstract class VersionedBody {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, description: 'The version last read; stale → 409', example: 3 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;
}

/** A scheduled occurrence: its series and the start the series gives it. */
export class OccurrenceRef {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  seriesId: string;

  @ApiProperty({ format: 'date-time', description: 'The start the series gives the occurrence' })
  @IsInstant()
  occurrenceStart: string;
}

export class StartSessionBody {
  /** The code of one of the district's services (tutoring, coaching, …); an occurrence gives it when left out. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 50, description: 'A service code of the district; required unless `occurrence` gives it', example: 'tutoring' })
  @ValidateIf((body: StartSessionBody) => body.occurrence === undefined || body.service !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  service: string;

  @ApiProperty({ format: 'date-time', description: 'Up to the district’s lateEntryDays back, never ahead of the clock', example: '2026-12-03T15:30:00-06:00' })
  @IsISO8601({ strict: true }, { message: 'startedAt must be a date and time (ISO 8601, with its offset)' })
  startedAt: string;

  /** A group of the provider; none for an ad hoc session. */
  @ApiPropertyOptional({ format: 'uuid', description: 'A group of the provider; none for an ad hoc session' })
  @IsOptional()
  @IsUUID()
  groupId?: string;

  /** None for time tracking only. */
  @ApiPropertyOptional({ format: 'uuid', description: 'None for time tracking only (never paid)' })
  @IsOptional()
  @IsUUID()
  workOrderId?: string;

  /** Required when the provider is approved at more than one school. */
  @ApiPropertyOptional({ format: 'uuid', description: 'Required when the provider is approved at more than one school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;

  /** A Family Involvement event: the description must be one of the district's approved events. */
  @ApiPropertyOptional({ description: 'A Family Involvement event: the description must be one of the district’s approved events' })
  @IsOptional()
  @IsBoolean()
  familyInvolvement?: boolean;

  /** The scheduled length; the duration rule's ceiling is this plus 30. */
  @ApiPropertyOptional({ type: 'integer', minimum: 5, maximum: 24 * 60, example: 45 })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  plannedMinutes?: number;

  /** An occurrence after an "update future sessions" fills it in when left out. */
  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  activitiesDescription?: string;

  /** Starts a scheduled occurrence: the gateway fills group, students, service, planned minutes, description and work order from it; fields given here win. */
  @ApiPropertyOptional({ type: () => OccurrenceRef, description: 'Starts a scheduled occurrence; fields given here win over the series’' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OccurrenceRef)
  occurrence?: OccurrenceRef;
}

/** Session fields that a PATCH and an amendment may both change. */
export class SessionChanges {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_DESCRIPTION_LENGTH, description: '`null` clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;

  /** What the session did, for everyone in it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_DESCRIPTION_LENGTH, description: 'What the session did, for everyone in it; `null` clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  activitiesDescription?: string | null;

  @ApiPropertyOptional({ description: 'Not null' })
  @IfPresent()
  @IsBoolean()
  familyInvolvement?: boolean;
}

export class UpdateSessionBody extends SessionChanges {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, description: 'The version last read; stale → 409', example: 3 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;

  @ApiPropertyOptional({ description: 'Puts the session in (or takes it out of) the admins’ Needs Attention queue' })
  @IfPresent()
  @IsBoolean()
  needsAttention?: boolean;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 5, maximum: 24 * 60, description: '`null` clears it' })
  @IfGiven()
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  plannedMinutes?: number | null;
}

export class EndSessionBody extends VersionedBody {
  @ApiProperty({ format: 'date-time', description: 'Everyone not yet timed out is timed out then', example: '2026-12-03T16:15:00-06:00' })
  @IsInstant()
  endedAt: string;
}

export class CancelSessionBody extends VersionedBody {
  /** When the family or student cancelled; the notice window decides who pays. */
  @ApiProperty({ format: 'date-time', description: 'When the family or student cancelled; the notice window decides who pays' })
  @IsInstant()
  cancelledAt: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class DurationBody extends VersionedBody {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 24 * 60, description: 'A provider: 5-minute steps between 15 and planned + 30', example: 45 })
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  minutes: number;

  /** Required from an admin setting a duration outside the provider's range. */
  @ApiPropertyOptional({ minLength: 3, maxLength: 500, description: 'Required from an admin setting a duration outside the provider’s range' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason?: string;
}

export class TagsBody extends VersionedBody {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 50 },
    maxItems: 20,
    uniqueItems: true,
    description: 'Career Ladder goal codes of the catalog',
    example: ['goal_reading'],
  })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  // Catalog codes are at most 50 characters: a longer one could never be a goal.
  @MaxLength(50, { each: true })
  tags: string[];
}

export class AssignWorkOrderBody extends VersionedBody {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workOrderId: string;
}

export class CoachingLogBody extends VersionedBody {
  /** Values by field name, as the district's coaching fields define them. */
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Values by field name, as the district’s coaching fields define them' })
  @IsObject()
  values: Record<string, unknown>;
}

export class AddParticipantBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'One of studentId or staffId', example: '0b6f7c1e-3f43-4d8e-9a57-1c2d3e4f5a6b' })
  @ValidateIf((body: AddParticipantBody) => body.staffId === undefined)
  @IsUUID()
  studentId?: string;

  /** Coaching: the teacher being coached. */
  @ApiPropertyOptional({ format: 'uuid', description: 'Coaching: the teacher being coached' })
  @ValidateIf((body: AddParticipantBody) => body.studentId === undefined)
  @IsUUID()
  staffId?: string;

  /** Defaults to the session's start. */
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to the session’s start' })
  @IsOptional()
  @IsInstant()
  timeIn?: string;
}

export class QualifiersBody {
  @ApiProperty()
  @IsBoolean()
  homebound: boolean;

  @ApiProperty()
  @IsBoolean()
  detention: boolean;

  @ApiProperty()
  @IsBoolean()
  creditRecovery: boolean;

  @ApiProperty()
  @IsBoolean()
  remedial: boolean;

  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...REMEDIAL_CRITERIA] }, maxItems: REMEDIAL_CRITERIA.length, uniqueItems: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(REMEDIAL_CRITERIA, { each: true })
  remedialCriteria: RemedialCriterion[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, description: 'A subject of the catalog; required when remedial' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subject?: string | null;
}

/** A participant's fields that a PATCH and an amendment may both change. */
export class ParticipantChanges {
  @ApiPropertyOptional({ format: 'date-time', description: 'Not null' })
  @IfPresent()
  @IsInstant()
  timeIn?: string;

  /** `null` times the participant back in. */
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: '`null` times the participant back in' })
  @IfGiven()
  @IsInstant()
  timeOut?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 24 * 60 })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  timeAwayMinutes?: number;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: '`true` means attended', example: true })
  @IfGiven()
  @IsBoolean()
  present?: boolean | null;

  @ApiPropertyOptional({ type: String, enum: [...ATTENDANCE_STATUSES], nullable: true })
  @IfGiven()
  @IsIn(ATTENDANCE_STATUSES)
  attendanceStatus?: AttendanceStatus | null;

  @ApiPropertyOptional({ type: () => QualifiersBody })
  @IfPresent()
  @ValidateNested()
  @Type(() => QualifiersBody)
  qualifiers?: QualifiersBody;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 50, uniqueItems: true, description: 'Activity entries of the service’s catalog' })
  @IfPresent()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  // The catalog's entries are at most 200 characters: a longer one could never be among them.
  @MaxLength(200, { each: true })
  activities?: string[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 50, uniqueItems: true, description: 'Accommodation entries of the service’s catalog' })
  @IfPresent()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  // The catalog's entries are at most 200 characters: a longer one could never be among them.
  @MaxLength(200, { each: true })
  accommodations?: string[];

  /** To the student: seen by the student, their guardians and admins. */
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_NOTE_LENGTH,
    description: 'To the student: seen by the student, their guardians and admins',
    example: 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  studentNote?: string | null;

  /** To the parent: seen by guardians and admins. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_NOTE_LENGTH, description: 'To the parent: seen by guardians and admins' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  clientNote?: string | null;

  /** Internal: seen by admins (and the provider who wrote it). */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_NOTE_LENGTH, description: 'Internal: seen by admins (and the provider who wrote it)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  adminNote?: string | null;
}

export class UpdateParticipantBody extends ParticipantChanges {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, description: 'The participant’s version last read; stale → 409', example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;
}

/** What the gateway knows of a person joining a session. */
export class TeacherGroupRef {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;

  @ApiProperty()
  @IsString()
  name: string;
}

export class ParticipantSnapshot {
  @IsIn(PARTICIPANT_KINDS)
  kind: ParticipantKind;

  @IsUUID()
  personId: string;

  @IsString()
  name: string;

  @IsOptional()
  @IsUUID()
  schoolId: string | null;

  @IsOptional()
  @IsString()
  stateId: string | null;

  @IsOptional()
  @IsUUID()
  homeboundTeacherId: string | null;

  /** Pre-filled from a series' "update future sessions" defaults; session-log drops codes no longer in the catalog. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  activities?: string[];

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  accommodations?: string[];

  /** A staff participant's active teacher groups when added to the session (coaching reports group by them). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TeacherGroupRef)
  teacherGroups?: TeacherGroupRef[];
}

export class WorkOrderSnapshot {
  @IsUUID()
  id: string;

  @IsString()
  type: string;
}

export class GroupSnapshot {
  @IsUUID()
  id: string;

  @IsString()
  name: string;
}

export class StartSessionCommand extends TenantCommand {
  @ValidateNested()
  @Type(() => StartSessionBody)
  body: StartSessionBody;

  /** The school the gateway settled on (the provider's only one, or the one chosen). */
  @IsUUID()
  schoolId: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => GroupSnapshot)
  group: GroupSnapshot | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ParticipantSnapshot)
  participants: ParticipantSnapshot[];

  @IsOptional()
  @ValidateNested()
  @Type(() => WorkOrderSnapshot)
  workOrder: WorkOrderSnapshot | null;

  /** Where the provider's task reminders are emailed (scheduling knows no users); passed on with the tasks. */
  @IsOptional()
  @IsString()
  providerEmail?: string;

  /** The language those reminders are written in (the provider's, `en` or `es`). */
  @IsOptional()
  @IsIn(['en', 'es'])
  providerLanguage?: string;
}

/** Who reads: the students a student or guardian may see; empty for staff. */
export class ViewerScope {
  @IsArray()
  @IsUUID('all', { each: true })
  studentIds: string[];
}

export class SessionRef extends TenantCommand {
  @IsUUID()
  sessionId: string;
}

export class ViewSessionCommand extends SessionRef {
  @ValidateNested()
  @Type(() => ViewerScope)
  viewer: ViewerScope;
}

export class ListSessionsCommand extends PagedTenantCommand {
  @ValidateNested()
  @Type(() => ViewerScope)
  viewer: ViewerScope;

  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @IsOptional()
  @IsUUID()
  providerId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsOptional()
  @IsIn(SESSION_STATES)
  state?: SessionState;

  @IsOptional()
  @IsBoolean()
  needsAttention?: boolean;

  /** Only sessions changed at or after this instant (the session, a participant, posting, an amendment). */
  @IsOptional()
  @IsInstant()
  updatedSince?: string;
}

export class UpdateSessionCommand extends SessionRef {
  @ValidateNested()
  @Type(() => UpdateSessionBody)
  body: UpdateSessionBody;
}

export class EndSessionCommand extends SessionRef {
  @ValidateNested()
  @Type(() => EndSessionBody)
  body: EndSessionBody;
}

export class CancelSessionCommand extends SessionRef {
  @ValidateNested()
  @Type(() => CancelSessionBody)
  body: CancelSessionBody;
}

/** A write that carries nothing but the version it was based on. */
export class VersionOnlyBody extends VersionedBody {}

export class NoShowCommand extends SessionRef {
  @ValidateNested()
  @Type(() => VersionOnlyBody)
  body: VersionOnlyBody;
}

export class DurationCommand extends SessionRef {
  @ValidateNested()
  @Type(() => DurationBody)
  body: DurationBody;
}

export class TagsCommand extends SessionRef {
  @ValidateNested()
  @Type(() => TagsBody)
  body: TagsBody;
}

export class AssignWorkOrderCommand extends SessionRef {
  @IsInt()
  @Min(1)
  version: number;

  @ValidateNested()
  @Type(() => WorkOrderSnapshot)
  workOrder: WorkOrderSnapshot;
}

export class CoachingLogCommand extends SessionRef {
  @ValidateNested()
  @Type(() => CoachingLogBody)
  body: CoachingLogBody;
}

export class AddParticipantCommand extends SessionRef {
  @ValidateNested()
  @Type(() => ParticipantSnapshot)
  participant: ParticipantSnapshot;

  @IsOptional()
  @IsInstant()
  timeIn?: string;
}

export class ParticipantRef extends SessionRef {
  @IsUUID()
  participantId: string;
}

export class UpdateParticipantCommand extends ParticipantRef {
  @ValidateNested()
  @Type(() => UpdateParticipantBody)
  body: UpdateParticipantBody;
}

export class ListTasksCommand extends PagedTenantCommand {
  /** Only the actor's own tasks (a provider's to-do list). */
  @IsBoolean()
  mine: boolean;

  @IsOptional()
  @IsBoolean()
  overdue?: boolean;

  @IsOptional()
  @IsBoolean()
  open?: boolean;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** Only tasks changed (opened, done, reopened) at or after this instant. */
  @IsOptional()
  @IsInstant()
  updatedSince?: string;
}

/** A session's trail, a page of it. */
export class SessionHistoryCommand extends SessionRef {
  /** Only entries recorded at or after this instant. */
  @IsOptional()
  @IsInstant()
  updatedSince?: string;

  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
}

export class GetCatalogCommand extends TenantCommand {}

export class UpdateCatalogCommand extends TenantCommand {
  @IsInt()
  @Min(1)
  version: number;

  @ValidateNested()
  @Type(() => SessionCatalogDocument)
  catalog: SessionCatalogDocument;
}

// ---- replies ----

export class QualifiersReply {
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

  @ApiProperty({ type: String, nullable: true })
  subject: string | null;
}

export class ParticipantReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: PARTICIPANT_KINDS })
  kind: ParticipantKind;

  @ApiProperty({ format: 'uuid', description: 'The student or staff member' })
  personId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  schoolId: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  timeIn: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  timeOut: string | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  timeAwayMinutes: number;

  @ApiProperty({ type: Boolean, nullable: true })
  present: boolean | null;

  @ApiProperty({ type: String, enum: [...ATTENDANCE_STATUSES], nullable: true })
  attendanceStatus: AttendanceStatus | null;

  @ApiProperty({ type: () => QualifiersReply })
  qualifiers: QualifiersReply;

  @ApiProperty({ type: [String] })
  activities: string[];

  @ApiProperty({ type: [String] })
  accommodations: string[];

  /** Staff (the only readers of this shape) get every note; families get FamilySessionReply. */
  @ApiPropertyOptional({ type: String, nullable: true })
  studentNote?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  clientNote?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  adminNote?: string | null;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;
}

export const NOTE_HINT_CODES = ['NOTE.TOO_SHORT', 'NOTE.TOO_LONG', 'NOTE.ONLY_RECAP'] as const;

export class NoteHint {
  @ApiProperty({ format: 'uuid' })
  participantId: string;

  @ApiProperty({ enum: NOTE_HINT_CODES })
  code: (typeof NOTE_HINT_CODES)[number];

  @ApiProperty()
  message: string;
}

/** Who the reply was cut for; decides which notes it carries. */
export type SessionAudience = 'admin' | 'provider' | 'guardian' | 'student';
export type StaffAudience = Extract<SessionAudience, 'admin' | 'provider'>;
export type FamilyAudience = Extract<SessionAudience, 'guardian' | 'student'>;

export class SessionGroupReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

export class SessionWorkOrderReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'The work order type code' })
  type: string;

  @ApiProperty({ format: 'date-time' })
  assignedAt: string;
}

export class PostedMarkReply {
  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class DurationOverrideReply {
  @ApiProperty({ type: 'integer', minimum: 1 })
  minutes: number;

  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'uuid' })
  by: string;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class SessionOccurrenceReply {
  @ApiProperty({ format: 'uuid' })
  seriesId: string;

  @ApiProperty({ format: 'date-time' })
  occurrenceStart: string;
}

/** The session as staff (its provider, admins of its school) see it: everything, every note. */
export class SessionReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['admin', 'provider'], description: 'Who the reply was cut for' })
  audience: StaffAudience;

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty()
  providerName: string;

  @ApiProperty({ format: 'uuid' })
  schoolId: string;

  @ApiProperty({ description: 'A service code of the district’s catalog' })
  service: string;

  @ApiProperty({ enum: PARTICIPANT_KINDS })
  participantKind: ParticipantKind;

  @ApiProperty({ type: () => SessionGroupReply, nullable: true })
  group: SessionGroupReply | null;

  @ApiProperty({ type: () => SessionWorkOrderReply, nullable: true })
  workOrder: SessionWorkOrderReply | null;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty()
  familyInvolvement: boolean;

  @ApiProperty({ type: String, nullable: true })
  activitiesDescription: string | null;

  @ApiProperty({ enum: SESSION_STATES })
  state: SessionState;

  /** The signed version in force once posted; the session then changes only by amendment. */
  @ApiProperty({ type: () => PostedMarkReply, nullable: true, description: 'The signed version in force once posted; the session then changes only by amendment' })
  posted: PostedMarkReply | null;

  @ApiProperty({ format: 'date', description: 'The start’s date in the district’s time zone' })
  sessionDate: string;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  rawMinutes: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  plannedMinutes: number | null;

  /** Present when the session was started from a scheduled occurrence. */
  @ApiPropertyOptional({ type: () => SessionOccurrenceReply, description: 'Present when the session was started from a scheduled occurrence' })
  occurrence?: SessionOccurrenceReply;

  @ApiProperty({ type: 'integer', nullable: true })
  adjustedMinutes: number | null;

  @ApiProperty({ type: () => DurationOverrideReply, nullable: true })
  durationOverride: DurationOverrideReply | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  cancelledAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  cancelReason: string | null;

  @ApiPropertyOptional()
  needsAttention?: boolean;

  @ApiProperty({ type: [String] })
  tags: string[];

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Coaching sessions: values by the district’s coaching field names' })
  coachingLog: Record<string, unknown> | null;

  @ApiProperty({ type: [ParticipantReply] })
  participants: ParticipantReply[];

  @ApiPropertyOptional({ type: String, nullable: true })
  noteTemplate?: string | null;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class SessionWriteReply extends SessionReply {
  @ApiProperty({ type: [NoteHint], description: 'Non-blocking advice on the student notes just written' })
  noteHints: NoteHint[];
}

/** A guardian's child's / a student's own entry: who, the subject tutored, and the notes meant for them. */
export class FamilyParticipantReply {
  @ApiProperty({ format: 'uuid' })
  personId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  subject: string | null;

  @ApiProperty({ type: String, nullable: true })
  studentNote: string | null;

  /** Guardians only. */
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Guardians only' })
  clientNote?: string | null;
}

/**
 * A posted session as a guardian or a student sees it (DESIGN.md "What
 * families see"): date, time, provider, subject and the notes of their
 * audience — a separate shape, so a field added for staff never reaches them.
 */
export class FamilySessionReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['guardian', 'student'], description: 'Who the reply was cut for' })
  audience: FamilyAudience;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;

  @ApiProperty()
  providerName: string;

  @ApiProperty({ type: [FamilyParticipantReply] })
  participants: FamilyParticipantReply[];
}

export type SessionView = SessionReply | FamilySessionReply;

export function isStaffView(view: SessionView): view is SessionReply {
  return view.audience === 'admin' || view.audience === 'provider';
}

export type SessionPageReply = Page<SessionView>;

export class AuditProblem {
  @ApiProperty({ example: 'SESSION.NOT_ENDED' })
  code: string;

  @ApiProperty()
  message: string;

  @ApiPropertyOptional({ format: 'uuid' })
  participantId?: string;
}

export class PaymentOutlookReply {
  @ApiProperty()
  payable: boolean;

  @ApiProperty()
  reason: string;
}

export class SessionAuditReply {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty()
  postable: boolean;

  @ApiProperty({ type: [AuditProblem] })
  problems: AuditProblem[];

  /** What does not block posting but keeps the session out of pay or the state export until fixed. */
  @ApiProperty({ type: [AuditProblem], description: 'What does not block posting but keeps the session out of pay or the state export until fixed' })
  warnings: AuditProblem[];

  @ApiProperty({ type: () => PaymentOutlookReply })
  payment: PaymentOutlookReply;

  @ApiProperty({ type: () => DurationOverrideReply, nullable: true })
  durationOverride: DurationOverrideReply | null;
}

export class SessionChangeReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ format: 'uuid' })
  actorId: string;

  @ApiProperty()
  actorName: string;

  @ApiProperty({ example: 'participant-updated' })
  action: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  detail: Record<string, unknown>;
}

export class TaskReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ enum: TASK_KINDS })
  kind: (typeof TASK_KINDS)[number];

  @ApiProperty({ format: 'uuid' })
  providerId: string;

  @ApiProperty({ format: 'uuid' })
  schoolId: string;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty()
  overdue: boolean;

  @ApiProperty({ format: 'date-time', description: 'When the task last changed (opened, done, reopened)' })
  updatedAt: string;
}

export type TaskPageReply = Page<TaskReply>;

export class CatalogReply {
  @ApiProperty({ type: () => SessionCatalogDocument })
  catalog: SessionCatalogDocument;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;
}

export const START_SESSION = defineCommand<StartSessionCommand, SessionWriteReply>('session-log', 'start-session', StartSessionCommand);
export const GET_SESSION = defineCommand<ViewSessionCommand, SessionView>('session-log', 'get-session', ViewSessionCommand);
export const LIST_SESSIONS = defineCommand<ListSessionsCommand, SessionPageReply>('session-log', 'list-sessions', ListSessionsCommand);
export const UPDATE_SESSION = defineCommand<UpdateSessionCommand, SessionWriteReply>('session-log', 'update-session', UpdateSessionCommand);
export const END_SESSION = defineCommand<EndSessionCommand, SessionWriteReply>('session-log', 'end-session', EndSessionCommand);
export const DELETE_SESSION = defineCommand<SessionRef, { deleted: true }>('session-log', 'delete-session', SessionRef);
export const CANCEL_SESSION = defineCommand<CancelSessionCommand, SessionWriteReply>('session-log', 'cancel-session', CancelSessionCommand);
export const MARK_NO_SHOW = defineCommand<NoShowCommand, SessionWriteReply>('session-log', 'mark-no-show', NoShowCommand);
export const SET_DURATION = defineCommand<DurationCommand, SessionWriteReply>('session-log', 'set-duration', DurationCommand);
export const SET_TAGS = defineCommand<TagsCommand, SessionWriteReply>('session-log', 'set-tags', TagsCommand);
export const ASSIGN_WORK_ORDER = defineCommand<AssignWorkOrderCommand, SessionWriteReply>('session-log', 'assign-work-order', AssignWorkOrderCommand);
export const SAVE_COACHING_LOG = defineCommand<CoachingLogCommand, SessionWriteReply>('session-log', 'save-coaching-log', CoachingLogCommand);
export const ADD_PARTICIPANT = defineCommand<AddParticipantCommand, SessionWriteReply>('session-log', 'add-participant', AddParticipantCommand);
export const UPDATE_PARTICIPANT = defineCommand<UpdateParticipantCommand, SessionWriteReply>('session-log', 'update-participant', UpdateParticipantCommand);
export const REMOVE_PARTICIPANT = defineCommand<ParticipantRef, SessionWriteReply>('session-log', 'remove-participant', ParticipantRef);
export const GET_SESSION_AUDIT = defineCommand<SessionRef, SessionAuditReply>('session-log', 'get-session-audit', SessionRef);
export const GET_SESSION_HISTORY = defineCommand<SessionHistoryCommand, Page<SessionChangeReply>>('session-log', 'get-session-history', SessionHistoryCommand);
export const LIST_TASKS = defineCommand<ListTasksCommand, TaskPageReply>('session-log', 'list-tasks', ListTasksCommand);
export const GET_SESSION_CATALOG = defineCommand<GetCatalogCommand, CatalogReply>('session-log', 'get-session-catalog', GetCatalogCommand);
export const UPDATE_SESSION_CATALOG = defineCommand<UpdateCatalogCommand, CatalogReply>('session-log', 'update-session-catalog', UpdateCatalogCommand);

/** The sessions started from occurrences of one series (any state; a deleted one is gone). */
export class ListOccurrenceSessionsCommand extends TenantCommand {
  @IsUUID()
  seriesId: string;
}

export interface OccurrenceSessionsReply {
  items: { sessionId: string; occurrenceStart: string }[];
}

export const LIST_OCCURRENCE_SESSIONS = defineCommand<ListOccurrenceSessionsCommand, OccurrenceSessionsReply>(
  'session-log',
  'list-occurrence-sessions',
  ListOccurrenceSessionsCommand,
);

export const SESSION_COMMANDS = [
  LIST_OCCURRENCE_SESSIONS,
  START_SESSION,
  GET_SESSION,
  LIST_SESSIONS,
  UPDATE_SESSION,
  END_SESSION,
  DELETE_SESSION,
  CANCEL_SESSION,
  MARK_NO_SHOW,
  SET_DURATION,
  SET_TAGS,
  ASSIGN_WORK_ORDER,
  SAVE_COACHING_LOG,
  ADD_PARTICIPANT,
  UPDATE_PARTICIPANT,
  REMOVE_PARTICIPANT,
  GET_SESSION_AUDIT,
  GET_SESSION_HISTORY,
  LIST_TASKS,
  GET_SESSION_CATALOG,
  UPDATE_SESSION_CATALOG,
] as const;
