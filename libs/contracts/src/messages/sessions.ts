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
import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { SessionCatalogDocument, PARTICIPANT_KINDS, ParticipantKind } from '../sessions/session-catalog';
import { ATTENDANCE_STATUSES, AttendanceStatus, REMEDIAL_CRITERIA, RemedialCriterion } from '../sessions/session-rules';
import { IsCalendarDate } from './work-orders';

/*
 * Sessions are session-log's. The HTTP bodies below are validated by the
 * gateway and travel unchanged inside the commands (validated again on
 * arrival); what only the gateway knows (students, staff, groups, work
 * orders) it resolves and sends as snapshots.
 */

export const SESSION_STATES = ['active', 'ended', 'cancelled'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const MAX_NOTE_LENGTH = 10_000;
export const MAX_DESCRIPTION_LENGTH = 2_000;

/** Leaves a field out, but refuses `null` where a value cannot be cleared. */
const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
/** Leaves a field out; `null` clears it. */
const IfGiven = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

const IsInstant = () => IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be a date and time (ISO 8601, with its offset)` });

/** Sent with every write: the version the client last read. */
export abstract class VersionedBody {
  @IsInt()
  @Min(1)
  version: number;
}

/** A scheduled occurrence: its series and the start the series gives it. */
export class OccurrenceRef {
  @IsUUID()
  seriesId: string;

  @IsInstant()
  occurrenceStart: string;
}

export class StartSessionBody {
  /** The code of one of the district's services (tutoring, coaching, …); an occurrence gives it when left out. */
  @ValidateIf((body: StartSessionBody) => body.occurrence === undefined || body.service !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  service: string;

  @IsISO8601({ strict: true }, { message: 'startedAt must be a date and time (ISO 8601, with its offset)' })
  startedAt: string;

  /** A group of the provider; none for an ad hoc session. */
  @IsOptional()
  @IsUUID()
  groupId?: string;

  /** None for time tracking only. */
  @IsOptional()
  @IsUUID()
  workOrderId?: string;

  /** Required when the provider is approved at more than one school. */
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;

  /** A Family Involvement event: the description must be one of the district's approved events. */
  @IsOptional()
  @IsBoolean()
  familyInvolvement?: boolean;

  /** The scheduled length; the duration rule's ceiling is this plus 30. */
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  plannedMinutes?: number;

  /** An occurrence after an "update future sessions" fills it in when left out. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  activitiesDescription?: string;

  /** Starts a scheduled occurrence: the gateway fills group, students, service, planned minutes, description and work order from it; fields given here win. */
  @IsOptional()
  @ValidateNested()
  @Type(() => OccurrenceRef)
  occurrence?: OccurrenceRef;
}

/** Session fields that a PATCH and an amendment may both change. */
export class SessionChanges {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;

  /** What the session did, for everyone in it. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  activitiesDescription?: string | null;

  @IfPresent()
  @IsBoolean()
  familyInvolvement?: boolean;
}

export class UpdateSessionBody extends SessionChanges {
  @IsInt()
  @Min(1)
  version: number;

  @IfPresent()
  @IsBoolean()
  needsAttention?: boolean;

  @IfGiven()
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  plannedMinutes?: number | null;
}

export class EndSessionBody extends VersionedBody {
  @IsInstant()
  endedAt: string;
}

export class CancelSessionBody extends VersionedBody {
  /** When the family or student cancelled; the notice window decides who pays. */
  @IsInstant()
  cancelledAt: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class DurationBody extends VersionedBody {
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  minutes: number;

  /** Required from an admin setting a duration outside the provider's range. */
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason?: string;
}

export class TagsBody extends VersionedBody {
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  tags: string[];
}

export class AssignWorkOrderBody extends VersionedBody {
  @IsUUID()
  workOrderId: string;
}

export class CoachingLogBody extends VersionedBody {
  /** Values by field name, as the district's coaching fields define them. */
  @IsObject()
  values: Record<string, unknown>;
}

export class AddParticipantBody {
  @ValidateIf((body: AddParticipantBody) => body.staffId === undefined)
  @IsUUID()
  studentId?: string;

  /** Coaching: the teacher being coached. */
  @ValidateIf((body: AddParticipantBody) => body.studentId === undefined)
  @IsUUID()
  staffId?: string;

  /** Defaults to the session's start. */
  @IsOptional()
  @IsInstant()
  timeIn?: string;
}

export class QualifiersBody {
  @IsBoolean()
  homebound: boolean;

  @IsBoolean()
  detention: boolean;

  @IsBoolean()
  creditRecovery: boolean;

  @IsBoolean()
  remedial: boolean;

  @IsArray()
  @ArrayUnique()
  @IsIn(REMEDIAL_CRITERIA, { each: true })
  remedialCriteria: RemedialCriterion[];

  @IsOptional()
  @IsString()
  @MaxLength(100)
  subject?: string | null;
}

/** A participant's fields that a PATCH and an amendment may both change. */
export class ParticipantChanges {
  @IfPresent()
  @IsInstant()
  timeIn?: string;

  /** `null` times the participant back in. */
  @IfGiven()
  @IsInstant()
  timeOut?: string | null;

  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  timeAwayMinutes?: number;

  @IfGiven()
  @IsBoolean()
  present?: boolean | null;

  @IfGiven()
  @IsIn(ATTENDANCE_STATUSES)
  attendanceStatus?: AttendanceStatus | null;

  @IfPresent()
  @ValidateNested()
  @Type(() => QualifiersBody)
  qualifiers?: QualifiersBody;

  @IfPresent()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  activities?: string[];

  @IfPresent()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  accommodations?: string[];

  /** To the student: seen by the student, their guardians and admins. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  studentNote?: string | null;

  /** To the parent: seen by guardians and admins. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  clientNote?: string | null;

  /** Internal: seen by admins (and the provider who wrote it). */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  adminNote?: string | null;
}

export class UpdateParticipantBody extends ParticipantChanges {
  @IsInt()
  @Min(1)
  version: number;
}

/** What the gateway knows of a person joining a session. */
export class TeacherGroupRef {
  @IsUUID()
  id: string;

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

export class ListSessionsCommand extends TenantCommand {
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

  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
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

export class ListTasksCommand extends TenantCommand {
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

export interface QualifiersReply {
  homebound: boolean;
  detention: boolean;
  creditRecovery: boolean;
  remedial: boolean;
  remedialCriteria: RemedialCriterion[];
  subject: string | null;
}

export interface ParticipantReply {
  id: string;
  kind: ParticipantKind;
  personId: string;
  name: string;
  schoolId: string | null;
  timeIn: string | null;
  timeOut: string | null;
  timeAwayMinutes: number;
  present: boolean | null;
  attendanceStatus: AttendanceStatus | null;
  qualifiers: QualifiersReply;
  activities: string[];
  accommodations: string[];
  /** Staff (the only readers of this shape) get every note; families get FamilySessionReply. */
  studentNote?: string | null;
  clientNote?: string | null;
  adminNote?: string | null;
  version: number;
}

export interface NoteHint {
  participantId: string;
  code: 'NOTE.TOO_SHORT' | 'NOTE.TOO_LONG' | 'NOTE.ONLY_RECAP';
  message: string;
}

/** Who the reply was cut for; decides which notes it carries. */
export type SessionAudience = 'admin' | 'provider' | 'guardian' | 'student';
export type StaffAudience = Extract<SessionAudience, 'admin' | 'provider'>;
export type FamilyAudience = Extract<SessionAudience, 'guardian' | 'student'>;

/** The session as staff (its provider, admins of its school) see it: everything, every note. */
export interface SessionReply {
  id: string;
  audience: StaffAudience;
  providerId: string;
  providerName: string;
  schoolId: string;
  service: string;
  participantKind: ParticipantKind;
  group: { id: string; name: string } | null;
  workOrder: { id: string; type: string; assignedAt: string } | null;
  description: string | null;
  familyInvolvement: boolean;
  activitiesDescription: string | null;
  state: SessionState;
  /** The signed version in force once posted; the session then changes only by amendment. */
  posted: { version: number; at: string } | null;
  sessionDate: string;
  startedAt: string;
  endedAt: string | null;
  rawMinutes: number | null;
  plannedMinutes: number | null;
  /** Present when the session was started from a scheduled occurrence. */
  occurrence?: { seriesId: string; occurrenceStart: string };
  adjustedMinutes: number | null;
  durationOverride: { minutes: number; reason: string; by: string; at: string } | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  needsAttention?: boolean;
  tags: string[];
  coachingLog: Record<string, unknown> | null;
  participants: ParticipantReply[];
  noteTemplate?: string | null;
  version: number;
  createdAt: string;
}

export interface SessionWriteReply extends SessionReply {
  noteHints: NoteHint[];
}

/** A guardian's child's / a student's own entry: who, the subject tutored, and the notes meant for them. */
export interface FamilyParticipantReply {
  personId: string;
  name: string;
  subject: string | null;
  studentNote: string | null;
  /** Guardians only. */
  clientNote?: string | null;
}

/**
 * A posted session as a guardian or a student sees it (DESIGN.md "What
 * families see"): date, time, provider, subject and the notes of their
 * audience — a separate shape, so a field added for staff never reaches them.
 */
export interface FamilySessionReply {
  id: string;
  audience: FamilyAudience;
  sessionDate: string;
  startedAt: string;
  endedAt: string | null;
  providerName: string;
  participants: FamilyParticipantReply[];
}

export type SessionView = SessionReply | FamilySessionReply;

export function isStaffView(view: SessionView): view is SessionReply {
  return view.audience === 'admin' || view.audience === 'provider';
}

export interface SessionPageReply {
  items: SessionView[];
  page: number;
  pageSize: number;
  total: number;
}

export interface AuditProblem {
  code: string;
  message: string;
  participantId?: string;
}

export interface SessionAuditReply {
  sessionId: string;
  postable: boolean;
  problems: AuditProblem[];
  /** What does not block posting but keeps the session out of pay or the state export until fixed. */
  warnings: AuditProblem[];
  payment: { payable: boolean; reason: string };
  durationOverride: SessionReply['durationOverride'];
}

export interface SessionChangeReply {
  at: string;
  actorId: string;
  actorName: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface TaskReply {
  id: string;
  sessionId: string;
  kind: 'attendance' | 'notes';
  providerId: string;
  schoolId: string;
  sessionDate: string;
  dueAt: string;
  completedAt: string | null;
  overdue: boolean;
}

export interface TaskPageReply {
  items: TaskReply[];
  page: number;
  pageSize: number;
  total: number;
}

export interface CatalogReply {
  catalog: SessionCatalogDocument;
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
export const GET_SESSION_HISTORY = defineCommand<SessionRef, SessionChangeReply[]>('session-log', 'get-session-history', SessionRef);
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
