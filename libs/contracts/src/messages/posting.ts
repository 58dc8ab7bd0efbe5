import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  ValidateNested,
} from 'class-validator';
import { Role, TenantCommand, TenantEvent } from '../actor';
import { defineCommand, defineEvent } from '../contract';
import { PARTICIPANT_KINDS, ParticipantKind } from '../sessions/session-catalog';
import { ATTENDANCE_STATUSES, AttendanceStatus } from '../sessions/session-rules';
import { ParticipantChanges, QualifiersBody, SessionChanges, TeacherGroupRef, WorkOrderSnapshot } from './sessions';
import { IsCalendarDate } from './work-orders';

/** What the signer attests by posting (kept, word for word, with every signature). */
export const SIGNATURE_MEANING = 'I attest that this service was provided as documented';

/**
 * Who signs: the gateway checked the password before sending. Session-log
 * records the role they sign in (the session's provider, or an admin of its school).
 */
export class Signer {
  @IsUUID()
  userId: string;

  @IsString()
  @MinLength(1)
  name: string;
}

export class PostSessionCommand extends TenantCommand {
  @IsUUID()
  sessionId: string;

  @ValidateNested()
  @Type(() => Signer)
  signer: Signer;
}

/** Where a bulk post goes on: after this session in (start, id) order. */
export class BulkPostCursor {
  @IsISO8601()
  startedAt: string;

  @IsUUID()
  id: string;
}

/**
 * One batch of a bulk post. The gateway sends batches until `next` is null,
 * so no single command runs past the bus timeout however long the range.
 */
export class BulkPostCommand extends TenantCommand {
  @IsCalendarDate()
  from: string;

  @IsCalendarDate()
  to: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => BulkPostCursor)
  after?: BulkPostCursor;

  @ValidateNested()
  @Type(() => Signer)
  signer: Signer;
}


/** One participant's changes in an amendment. */
export class ParticipantAmendment extends ParticipantChanges {
  @IsUUID()
  participantId: string;
}

/** What an amendment may change: the session's own fields, participants' entries (or who took part), and the adjusted duration. */
export class AmendmentChanges {
  @IsOptional()
  @ValidateNested()
  @Type(() => SessionChanges)
  session?: SessionChanges;

  // Same bounds as PUT /duration: an admin's override still stops at a day.
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  adjustedMinutes?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ParticipantAmendment)
  participants?: ParticipantAmendment[];

  /**
   * Participants added by mistake, by participant id: gone from the new
   * version (their bill reversed, their state record deleted); the earlier
   * signed versions keep them. The amendment's reason says why.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  removeParticipants?: string[];

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];

  /** A work order for a session posted without one (or with the wrong one): within the district's assignment window. */
  @IsOptional()
  @IsUUID()
  workOrderId?: string;
}

/** An amendment as the client sends it (less the password, which the gateway checks). */
export class AmendmentBody {
  /** The posted version the changes are based on; another amendment since → 409. */
  @IsInt()
  @Min(1)
  basedOnVersion: number;

  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason: string;

  @ValidateNested()
  @Type(() => AmendmentChanges)
  changes: AmendmentChanges;
}

export class AmendSessionCommand extends TenantCommand {
  @IsUUID()
  sessionId: string;

  @ValidateNested()
  @Type(() => AmendmentBody)
  body: AmendmentBody;

  /** `changes.workOrderId` as the gateway found it covering the session. */
  @IsOptional()
  @ValidateNested()
  @Type(() => WorkOrderSnapshot)
  workOrder?: WorkOrderSnapshot;

  @ValidateNested()
  @Type(() => Signer)
  signer: Signer;
}

export class SessionVersionsCommand extends TenantCommand {
  @IsUUID()
  sessionId: string;
}

// ---- the posted snapshot, carried by the events ----

/** The qualifiers as posted: the same shape, and rules, as when they were logged. */
export class PostedQualifiers extends QualifiersBody {
  declare subject: string | null;
}

export class PostedParticipant {
  @IsUUID()
  participantId: string;

  @IsIn(PARTICIPANT_KINDS)
  kind: ParticipantKind;

  @IsUUID()
  personId: string;

  @IsString()
  name: string;

  @IsOptional()
  @IsString()
  stateId: string | null;

  @IsOptional()
  @IsUUID()
  schoolId: string | null;

  @IsOptional()
  @IsString()
  schoolCode: string | null;

  /** A staff participant's teacher groups as snapshotted when added; absent when none were recorded. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TeacherGroupRef)
  teacherGroups?: TeacherGroupRef[];

  @IsIn(ATTENDANCE_STATUSES)
  attendanceStatus: AttendanceStatus;

  @IsOptional()
  @IsISO8601()
  timeIn: string | null;

  @IsOptional()
  @IsISO8601()
  timeOut: string | null;

  @IsInt()
  @Min(0)
  timeAwayMinutes: number;

  /** Minutes of service this participant received: time present less time away (0 when absent). */
  @IsInt()
  @Min(0)
  minutes: number;

  @ValidateNested()
  @Type(() => PostedQualifiers)
  qualifiers: PostedQualifiers;

  @IsArray()
  @IsString({ each: true })
  activities: string[];
}

/**
 * A session exactly as signed: everything payroll and state reporting need,
 * so neither ever calls back. Never notes (they stay in session-log).
 */
export class PostedSessionSnapshot {
  @IsUUID()
  sessionId: string;

  /** 1 when first posted, n+1 for each amendment. */
  @IsInt()
  @Min(1)
  version: number;

  @IsUUID()
  providerId: string;

  @IsString()
  providerName: string;

  @IsUUID()
  schoolId: string;

  @IsOptional()
  @IsString()
  schoolCode: string | null;

  @IsString()
  service: string;

  @IsIn(PARTICIPANT_KINDS)
  participantKind: ParticipantKind;

  @IsOptional()
  @IsUUID()
  workOrderId: string | null;

  @IsOptional()
  @IsString()
  workOrderType: string | null;

  @IsCalendarDate()
  sessionDate: string;

  @IsISO8601()
  startedAt: string;

  @IsISO8601()
  endedAt: string;

  @IsIn(['ended', 'cancelled'])
  state: 'ended' | 'cancelled';

  @IsInt()
  @Min(0)
  rawMinutes: number;

  /** The minutes pay is computed on: the adjusted duration, or for a cancelled session the planned one (null when none was planned). */
  @IsOptional()
  @IsInt()
  @Min(0)
  adjustedMinutes: number | null;

  /** The planned duration (null when none was planned; absent from snapshots posted before it was carried). */
  @IsOptional()
  @IsInt()
  @Min(0)
  plannedMinutes?: number | null;

  @IsOptional()
  @IsString()
  description: string | null;

  @IsBoolean()
  familyInvolvement: boolean;

  @IsArray()
  @IsString({ each: true })
  tags: string[];

  @IsBoolean()
  careerLadderGoalTagged: boolean;

  /**
   * A coaching session's log, by the district's own coaching fields (null for
   * others; absent from snapshots posted before it was carried). Dashboards
   * group coaching time by its `category` field when the district has one.
   */
  @IsOptional()
  @IsObject()
  coachingLog?: Record<string, unknown> | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PostedParticipant)
  participants: PostedParticipant[];

  /** SHA-256 (hex) of the canonical JSON of this snapshot without the hash and signature fields. */
  @IsString()
  contentHash: string;

  @IsISO8601()
  signedAt: string;

  @IsUUID()
  signedBy: string;
}

export class SessionPosted extends TenantEvent {
  @ValidateNested()
  @Type(() => PostedSessionSnapshot)
  snapshot: PostedSessionSnapshot;
}

export class SessionAmended extends TenantEvent {
  @ValidateNested()
  @Type(() => PostedSessionSnapshot)
  snapshot: PostedSessionSnapshot;

  /** The version this one replaces. */
  @IsInt()
  @Min(1)
  previousVersion: number;

  @IsString()
  reason: string;
}

export const SESSION_POSTED = defineEvent('session-log', 'session-posted', SessionPosted, ['payroll', 'state-reporting', 'scheduling']);
export const SESSION_AMENDED = defineEvent('session-log', 'session-amended', SessionAmended, ['payroll', 'state-reporting']);

/**
 * A consumer's acknowledgement that it applied a signed version, recorded in
 * the same transaction as its effect: session-log's reconciler republishes
 * the versions a consumer never acknowledged.
 */
export class SessionVersionApplied extends TenantEvent {
  @IsUUID()
  sessionId: string;

  @IsInt()
  @Min(1)
  version: number;
}

// ---- replies ----

export interface SignatureReply {
  version: number;
  signerId: string;
  signerName: string;
  signerRole: Role;
  meaning: string;
  signedAt: string;
  contentHash: string;
  /** Amendments only. */
  reason: string | null;
}

export interface SessionVersionReply {
  version: number;
  snapshot: PostedSessionSnapshot;
  signature: SignatureReply;
}

export interface PostReply {
  sessionId: string;
  version: number;
  signature: SignatureReply;
}

export interface BulkPostReply {
  posted: PostReply[];
  /** Sessions of the range that could not be posted, each with what it lacks; left as they were. */
  incomplete: { sessionId: string; sessionDate: string; problems: { code: string; message: string }[] }[];
}

export interface BulkPostBatchReply extends BulkPostReply {
  /** Where the next batch starts; null when the range is done. */
  next: BulkPostCursor | null;
}

export const POST_SESSION = defineCommand<PostSessionCommand, PostReply>('session-log', 'post-session', PostSessionCommand);
export const BULK_POST_SESSIONS = defineCommand<BulkPostCommand, BulkPostBatchReply>('session-log', 'bulk-post-sessions', BulkPostCommand);
export const AMEND_SESSION = defineCommand<AmendSessionCommand, PostReply>('session-log', 'amend-session', AmendSessionCommand);
export const LIST_SESSION_VERSIONS = defineCommand<SessionVersionsCommand, SessionVersionReply[]>(
  'session-log',
  'list-session-versions',
  SessionVersionsCommand,
);

export const POSTING_COMMANDS = [POST_SESSION, BULK_POST_SESSIONS, AMEND_SESSION, LIST_SESSION_VERSIONS] as const;
export const POSTING_EVENTS = [SESSION_POSTED, SESSION_AMENDED] as const;
