import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { PagedTenantCommand, TenantCommand, TenantEvent } from '../actor';
import type { Page } from '@sessionledger/common';
import { defineCommand, defineEvent } from '../contract';

export const TASK_KINDS = ['attendance', 'notes'] as const;
export const NOTIFICATION_KINDS = ['reminder', 'escalation', 'digest', 'job-finished'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * A post-session task became open: created when its session started, or
 * reopened (a note cleared). `changedAt` orders a task's events, which may
 * arrive out of order (separate jobs, retries): the mirror keeps the latest.
 */
export class TaskOpened extends TenantEvent {
  @IsUUID()
  taskId: string;

  @IsUUID()
  sessionId: string;

  @IsIn(TASK_KINDS)
  kind: (typeof TASK_KINDS)[number];

  @IsUUID()
  providerId: string;

  @IsUUID()
  schoolId: string;

  @IsISO8601()
  dueAt: string;

  @IsISO8601()
  changedAt: string;

  /** Set when the task is created (the gateway passes it with the start); a reopening keeps the one scheduling has. */
  @IsOptional()
  @IsString()
  providerEmail?: string;

  /** The provider's language for that e-mail (`en` or `es`), passed with the address. */
  @IsOptional()
  @IsIn(['en', 'es'])
  providerLanguage?: string;
}

export class TaskClosed extends TenantEvent {
  @IsUUID()
  taskId: string;

  @IsISO8601()
  changedAt: string;
}

export const TASK_OPENED = defineEvent('session-log', 'task-opened', TaskOpened, ['scheduling']);
export const TASK_CLOSED = defineEvent('session-log', 'task-closed', TaskClosed, ['scheduling']);

/**
 * Scheduling escalated an overdue task to its school (the notification was
 * just created, once per task). The gateway, which owns the directory, mails
 * the school's admins; the payload names the session and the task, never notes.
 */
export class TaskEscalated extends TenantEvent {
  @IsUUID()
  notificationId: string;

  @IsUUID()
  taskId: string;

  @IsIn(TASK_KINDS)
  taskKind: (typeof TASK_KINDS)[number];

  @IsUUID()
  sessionId: string;

  @IsUUID()
  schoolId: string;

  @IsUUID()
  providerId: string;

  @IsISO8601()
  dueAt: string;
}

/** One posted session a digest names: what families may see of it (never notes, work orders or pay). */
export class DigestSession {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  sessionId: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601()
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601()
  endedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The service (tutoring, …)' })
  @IsOptional()
  @IsString()
  service: string | null;

  @ApiProperty({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  providerName: string | null;
}

/** A guardians' digest was created for a student (once per digest); the gateway mails the student's guardians. */
export class GuardianDigestCreated extends TenantEvent {
  @IsUUID()
  notificationId: string;

  @IsUUID()
  studentId: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DigestSession)
  sessions: DigestSession[];
}

export const TASK_ESCALATED = defineEvent('scheduling', 'task-escalated', TaskEscalated, ['gateway']);
export const GUARDIAN_DIGEST_CREATED = defineEvent('scheduling', 'guardian-digest-created', GuardianDigestCreated, ['gateway']);

/**
 * The actor's own notifications, for an admin also the escalations of the
 * schools they administer, for a guardian the note digests of their students
 * (`studentIds`, resolved by the gateway); newest first.
 */
export class ListNotificationsCommand extends PagedTenantCommand {
  @IsArray()
  @IsUUID('all', { each: true })
  studentIds: string[];

  /** Only those not read yet. */
  @IsOptional()
  @IsBoolean()
  unread?: boolean;

  /** Only those of this kind. */
  @IsOptional()
  @IsIn(NOTIFICATION_KINDS)
  kind?: NotificationKind;

  /** Only notifications created, read or e-mailed at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

export class MarkNotificationReadCommand extends TenantCommand {
  @IsUUID()
  notificationId: string;

  @IsArray()
  @IsUUID('all', { each: true })
  studentIds: string[];
}

/** The long jobs whose starter is told when they finish. */
export const FINISHED_JOB_KINDS = ['roster-import', 'state-export', 'district-export', 'invitation-batch'] as const;
export type FinishedJobKind = (typeof FINISHED_JOB_KINDS)[number];
export const FINISHED_JOB_OUTCOMES = ['succeeded', 'failed'] as const;
export type FinishedJobOutcome = (typeof FINISHED_JOB_OUTCOMES)[number];

/** A finished job as its notification names it: what ran, how it ended, and where the web app shows it. */
export class FinishedJob {
  @ApiProperty({ enum: FINISHED_JOB_KINDS })
  @IsIn(FINISHED_JOB_KINDS)
  kind: FinishedJobKind;

  @ApiProperty({ format: 'uuid', description: 'The import, export or batch' })
  @IsUUID()
  id: string;

  @ApiProperty({ enum: FINISHED_JOB_OUTCOMES })
  @IsIn(FINISHED_JOB_OUTCOMES)
  status: FinishedJobOutcome;

  @ApiProperty({ type: String, nullable: true, example: '/admin/roster-imports?import=0b5e…', description: "The web app's path of the job's screen; null when the app has none (district exports)" })
  @IsOptional()
  @IsString()
  link: string | null;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  finishedAt: string;
}

/**
 * The gateway tells scheduling a job finished, for the user who started it:
 * one notification per job, whatever the number of times it is sent (a
 * retried job, a redelivered event), answered with that one notification.
 */
export class AnnounceJobFinishedCommand {
  @IsUUID()
  districtId: string;

  @IsUUID()
  recipientUserId: string;

  @ValidateNested()
  @Type(() => FinishedJob)
  job: FinishedJob;
}

/** A gateway job without an event of its own (district exports, invitation batches) finished: recorded in the transaction that finished it. */
export class GatewayJobFinished extends TenantEvent {
  @IsIn(['district-export', 'invitation-batch'])
  kind: Extract<FinishedJobKind, 'district-export' | 'invitation-batch'>;

  @IsUUID()
  jobId: string;

  @IsIn(FINISHED_JOB_OUTCOMES)
  status: FinishedJobOutcome;

  @IsUUID()
  startedBy: string;

  @IsISO8601()
  finishedAt: string;
}

/**
 * A reminder goes to the task's provider; an escalation to the task's school
 * (its admins see it); a digest to a student (their guardians see it):
 * scheduling knows no users beyond the ids it is sent.
 */
export class NotificationReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: NOTIFICATION_KINDS })
  kind: NotificationKind;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  recipientUserId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  recipientSchoolId: string | null;

  /** A digest: the student whose guardians it is for, and the posted sessions whose notes it gathers (read them there). */
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'A digest: the student whose guardians it is for' })
  recipientStudentId: string | null;

  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, nullable: true, description: 'A digest: the posted sessions whose notes it gathers' })
  sessionIds: string[] | null;

  /** A digest: its sessions, oldest first, as families see them (a session the student was removed from by an amendment is gone). */
  @ApiProperty({ type: [DigestSession], nullable: true, description: 'A digest: its sessions, oldest first, as families see them' })
  sessions: DigestSession[] | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  taskId: string | null;

  @ApiProperty({ type: String, enum: TASK_KINDS, nullable: true })
  taskKind: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  sessionId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  providerId: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt: string | null;

  @ApiProperty({ type: () => FinishedJob, nullable: true, description: 'A job-finished notice: the job, for the user who started it' })
  job: FinishedJob | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  emailedAt: string | null;
}

export const LIST_NOTIFICATIONS = defineCommand<ListNotificationsCommand, Page<NotificationReply>>('scheduling', 'list-notifications', ListNotificationsCommand);
export const MARK_NOTIFICATION_READ = defineCommand<MarkNotificationReadCommand, NotificationReply>('scheduling', 'mark-notification-read', MarkNotificationReadCommand);
export const ANNOUNCE_JOB_FINISHED = defineCommand<AnnounceJobFinishedCommand, NotificationReply>('scheduling', 'announce-job-finished', AnnounceJobFinishedCommand);
export const GATEWAY_JOB_FINISHED = defineEvent('gateway', 'job-finished', GatewayJobFinished, ['gateway']);

export const TASK_EVENTS = [TASK_OPENED, TASK_CLOSED] as const;
export const NOTIFICATION_EVENTS = [TASK_ESCALATED, GUARDIAN_DIGEST_CREATED, GATEWAY_JOB_FINISHED] as const;
export const NOTIFICATION_COMMANDS = [LIST_NOTIFICATIONS, MARK_NOTIFICATION_READ, ANNOUNCE_JOB_FINISHED] as const;
