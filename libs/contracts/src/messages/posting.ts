import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import type { Page } from '@sessionledger/common';
import { Role, ROLES, PagedTenantCommand, TenantCommand, TenantEvent } from '../actor';
import { defineCommand, defineEvent } from '../contract';
import { PARTICIPANT_KINDS, ParticipantKind } from '@sessionledger/session-rules';
import { ATTENDANCE_STATUSES, AttendanceStatus } from '@sessionledger/session-rules';
import { MAX_VERSION, ParticipantChanges, QualifiersBody, SessionChanges, TeacherGroupRef, WorkOrderSnapshot } from './sessions';
import { IsCalendarDate } from './work-orders';

/** How a signature was given: the signer's password, or the signing PIN of an account without one (SSO sign-in only). */
export const SIGNATURE_METHODS = ['password', 'pin'] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];

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

  /** How the signer proved it was them; absent from gateways that knew only passwords. */
  @IsOptional()
  @IsIn(SIGNATURE_METHODS)
  method?: SignatureMethod;
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
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  participantId: string;
}

/** What an amendment may change: the session's own fields, participants' entries (or who took part), and the adjusted duration. */
export class AmendmentChanges {
  @ApiPropertyOptional({ type: () => SessionChanges })
  @IsOptional()
  @ValidateNested()
  @Type(() => SessionChanges)
  session?: SessionChanges;

  // Same bounds as PUT /duration: an admin's override still stops at a day.
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 24 * 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  adjustedMinutes?: number;

  @ApiPropertyOptional({ type: [ParticipantAmendment], maxItems: 200 })
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
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 200, description: 'Participants added by mistake, by participant id' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  removeParticipants?: string[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20, description: 'Career Ladder goal codes; replaces the tags' })
  @IsOptional()
  @IsArray()
  // The bounds of PUT /tags: a catalog code is at most 50 characters.
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  /** A work order for a session posted without one (or with the wrong one): within the district's assignment window. */
  @ApiPropertyOptional({ format: 'uuid', description: 'A work order covering the session, within the district’s assignment window' })
  @IsOptional()
  @IsUUID()
  workOrderId?: string;
}

/** An amendment as the client sends it (less the password, which the gateway checks). */
export class AmendmentBody {
  /** The posted version the changes are based on; another amendment since → 409. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, description: 'The posted version the changes are based on; another amendment since → 409', example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  basedOnVersion: number;

  @ApiProperty({ minLength: 3, maxLength: 1000, example: 'Attendance was recorded for the wrong student' })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason: string;

  @ApiProperty({ type: () => AmendmentChanges, example: { adjustedMinutes: 45, session: { description: 'Reading fluency' } } })
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

export class SessionVersionsCommand extends PagedTenantCommand {
  @IsUUID()
  sessionId: string;

  /** Only versions signed at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

// ---- the posted snapshot, carried by the events ----

/** The qualifiers as posted: the same shape, and rules, as when they were logged. */
export class PostedQualifiers extends QualifiersBody {
  declare subject: string | null;
}

export class PostedParticipant {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  participantId: string;

  @ApiProperty({ enum: PARTICIPANT_KINDS })
  @IsIn(PARTICIPANT_KINDS)
  kind: ParticipantKind;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  personId: string;

  @ApiProperty()
  @IsString()
  name: string;

  @ApiProperty({ type: String, nullable: true, description: 'The student’s state id' })
  @IsOptional()
  @IsString()
  stateId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  schoolId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The state code of the school' })
  @IsOptional()
  @IsString()
  schoolCode: string | null;

  /** A staff participant's teacher groups as snapshotted when added; absent when none were recorded. */
  @ApiPropertyOptional({ type: [TeacherGroupRef] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TeacherGroupRef)
  teacherGroups?: TeacherGroupRef[];

  @ApiProperty({ enum: ATTENDANCE_STATUSES })
  @IsIn(ATTENDANCE_STATUSES)
  attendanceStatus: AttendanceStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601()
  timeIn: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601()
  timeOut: string | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  timeAwayMinutes: number;

  /** Minutes of service this participant received: time present less time away (0 when absent). */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Time present less time away (0 when absent)' })
  @IsInt()
  @Min(0)
  minutes: number;

  @ApiProperty({ type: () => PostedQualifiers })
  @ValidateNested()
  @Type(() => PostedQualifiers)
  qualifiers: PostedQualifiers;

  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  activities: string[];
}

/**
 * A session exactly as signed: everything payroll and state reporting need,
 * so neither ever calls back. Never notes (they stay in session-log).
 */
export class PostedSessionSnapshot {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  sessionId: string;

  /** 1 when first posted, n+1 for each amendment. */
  @ApiProperty({ type: 'integer', minimum: 1, description: '1 when first posted, n+1 for each amendment' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  providerId: string;

  @ApiProperty()
  @IsString()
  providerName: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  schoolId: string;

  @ApiProperty({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  schoolCode: string | null;

  @ApiProperty()
  @IsString()
  service: string;

  @ApiProperty({ enum: PARTICIPANT_KINDS })
  @IsIn(PARTICIPANT_KINDS)
  participantKind: ParticipantKind;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  workOrderId: string | null;

  @ApiProperty({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  workOrderType: string | null;

  @ApiProperty({ format: 'date' })
  @IsCalendarDate()
  sessionDate: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601()
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601()
  endedAt: string;

  @ApiProperty({ enum: ['ended', 'cancelled'] })
  @IsIn(['ended', 'cancelled'])
  state: 'ended' | 'cancelled';

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  rawMinutes: number;

  /** The minutes pay is computed on: the adjusted duration, or for a cancelled session the planned one (null when none was planned). */
  @ApiProperty({ type: 'integer', minimum: 0, nullable: true, description: 'The minutes pay is computed on' })
  @IsOptional()
  @IsInt()
  @Min(0)
  adjustedMinutes: number | null;

  /** The planned duration (null when none was planned; absent from snapshots posted before it was carried). */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  plannedMinutes?: number | null;

  @ApiProperty({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  description: string | null;

  @ApiProperty()
  @IsBoolean()
  familyInvolvement: boolean;

  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  tags: string[];

  @ApiProperty()
  @IsBoolean()
  careerLadderGoalTagged: boolean;

  /**
   * A coaching session's log, by the district's own coaching fields (null for
   * others; absent from snapshots posted before it was carried). Dashboards
   * group coaching time by its `category` field when the district has one.
   */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject()
  coachingLog?: Record<string, unknown> | null;

  @ApiProperty({ type: [PostedParticipant] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PostedParticipant)
  participants: PostedParticipant[];

  /** SHA-256 (hex) of the canonical JSON of this snapshot without the hash and signature fields. */
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical JSON of the snapshot without the hash and signature fields', pattern: '^[0-9a-f]{64}$' })
  @IsString()
  contentHash: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601()
  signedAt: string;

  @ApiProperty({ format: 'uuid' })
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

export const SESSION_POSTED = defineEvent('session-log', 'session-posted', SessionPosted, ['payroll', 'state-reporting', 'scheduling', 'gateway']);
export const SESSION_AMENDED = defineEvent('session-log', 'session-amended', SessionAmended, ['payroll', 'state-reporting', 'gateway', 'scheduling']);

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

export class SignatureReply {
  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;

  @ApiProperty({ format: 'uuid' })
  signerId: string;

  @ApiProperty()
  signerName: string;

  @ApiProperty({ enum: ROLES })
  signerRole: Role;

  @ApiProperty({ example: SIGNATURE_MEANING })
  meaning: string;

  @ApiProperty({ format: 'date-time' })
  signedAt: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  contentHash: string;

  @ApiProperty({ enum: SIGNATURE_METHODS, description: 'How the signer proved it was them: their password, or the signing PIN of an account without one' })
  method: SignatureMethod;

  /** Amendments only. */
  @ApiProperty({ type: String, nullable: true, description: 'Amendments only' })
  reason: string | null;
}

export class SessionVersionReply {
  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;

  @ApiProperty({ type: () => PostedSessionSnapshot })
  snapshot: PostedSessionSnapshot;

  @ApiProperty({ type: () => SignatureReply })
  signature: SignatureReply;
}

export class PostReply {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The signed version now in force' })
  version: number;

  @ApiProperty({ type: () => SignatureReply })
  signature: SignatureReply;
}

export class PostProblemReply {
  @ApiProperty({ example: 'PARTICIPANT.NO_ATTENDANCE' })
  code: string;

  @ApiProperty()
  message: string;
}

export class IncompleteSessionReply {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ format: 'date' })
  sessionDate: string;

  @ApiProperty({ type: [PostProblemReply] })
  problems: PostProblemReply[];
}

export class BulkPostReply {
  @ApiProperty({ type: [PostReply] })
  posted: PostReply[];

  /** Sessions of the range that could not be posted, each with what it lacks; left as they were. */
  @ApiProperty({ type: [IncompleteSessionReply], description: 'Sessions of the range that could not be posted, each with what it lacks; left as they were' })
  incomplete: IncompleteSessionReply[];
}

export interface BulkPostBatchReply extends BulkPostReply {
  /** Where the next batch starts; null when the range is done. */
  next: BulkPostCursor | null;
}

export const POST_SESSION = defineCommand<PostSessionCommand, PostReply>('session-log', 'post-session', PostSessionCommand);
export const BULK_POST_SESSIONS = defineCommand<BulkPostCommand, BulkPostBatchReply>('session-log', 'bulk-post-sessions', BulkPostCommand);
export const AMEND_SESSION = defineCommand<AmendSessionCommand, PostReply>('session-log', 'amend-session', AmendSessionCommand);
export const LIST_SESSION_VERSIONS = defineCommand<SessionVersionsCommand, Page<SessionVersionReply>>(
  'session-log',
  'list-session-versions',
  SessionVersionsCommand,
);

export const POSTING_COMMANDS = [POST_SESSION, BULK_POST_SESSIONS, AMEND_SESSION, LIST_SESSION_VERSIONS] as const;
export const POSTING_EVENTS = [SESSION_POSTED, SESSION_AMENDED] as const;
