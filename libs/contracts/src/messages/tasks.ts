import { IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID } from 'class-validator';
import { TenantCommand, TenantEvent } from '../actor';
import { defineCommand, defineEvent } from '../contract';

export const TASK_KINDS = ['attendance', 'notes'] as const;
export const NOTIFICATION_KINDS = ['reminder', 'escalation', 'digest'] as const;
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
 * The actor's own notifications, for an admin also the escalations of the
 * schools they administer, for a guardian the note digests of their students
 * (`studentIds`, resolved by the gateway); newest first.
 */
export class ListNotificationsCommand extends TenantCommand {
  @IsArray()
  @IsUUID('all', { each: true })
  studentIds: string[];
}

export class MarkNotificationReadCommand extends TenantCommand {
  @IsUUID()
  notificationId: string;

  @IsArray()
  @IsUUID('all', { each: true })
  studentIds: string[];
}

/**
 * A reminder goes to the task's provider; an escalation to the task's school
 * (its admins see it); a digest to a student (their guardians see it):
 * scheduling knows no users beyond the ids it is sent.
 */
export interface NotificationReply {
  id: string;
  kind: NotificationKind;
  recipientUserId: string | null;
  recipientSchoolId: string | null;
  /** A digest: the student whose guardians it is for, and the posted sessions whose notes it gathers (read them there). */
  recipientStudentId: string | null;
  sessionIds: string[] | null;
  taskId: string | null;
  taskKind: string | null;
  sessionId: string | null;
  providerId: string | null;
  dueAt: string | null;
  createdAt: string;
  readAt: string | null;
  emailedAt: string | null;
}

export const LIST_NOTIFICATIONS = defineCommand<ListNotificationsCommand, NotificationReply[]>('scheduling', 'list-notifications', ListNotificationsCommand);
export const MARK_NOTIFICATION_READ = defineCommand<MarkNotificationReadCommand, NotificationReply>('scheduling', 'mark-notification-read', MarkNotificationReadCommand);

export const TASK_EVENTS = [TASK_OPENED, TASK_CLOSED] as const;
export const NOTIFICATION_COMMANDS = [LIST_NOTIFICATIONS, MARK_NOTIFICATION_READ] as const;
