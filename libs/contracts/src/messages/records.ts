import { IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { BACKEND_SERVICES, BackendService } from '../services';

/**
 * The tables each back-end service hands over in a district export (issue 18
 * item 4) or a family's records request (item 6). The gateway asks for them one
 * page at a time, in this order; a table a service does not list here is not
 * part of "everything the district owns" (queues, caches, replicas of other
 * services' facts: see docs/district-export.md).
 */
export const RECORD_TABLES = {
  scheduling: ['series', 'series_segment', 'occurrence_override', 'closure_day', 'student_posted_session'],
  'session-log': ['session', 'participant', 'session_version', 'session_change', 'post_session_task'],
  payroll: ['work_order', 'work_order_rate', 'payee', 'pay_settings', 'pay_period', 'pay_decision', 'pay_line', 'billable_line'],
  'state-reporting': ['bell_schedule', 'reported_session', 'reportable_record', 'coaching_record', 'state_export', 'disclosure'],
} as const satisfies Record<BackendService, readonly string[]>;

export const RECORD_SCOPES = ['district', 'student'] as const;
export type RecordScope = (typeof RECORD_SCOPES)[number];

/** Rows a page carries at most: a page of a wide table (session versions, with their snapshots) stays well under a message's size. */
export const RECORDS_PAGE_ROWS = 500;

/** One page of one table: the whole district's rows, or (with studentId) only that student's, others redacted. */
export class ReadRecordsCommand extends TenantCommand {
  @IsIn(Object.values(RECORD_TABLES).flat(), { message: 'table is not a table of the export' })
  table: string;

  @IsOptional()
  @IsUUID()
  studentId?: string;

  /** With studentId: the student's groups, for records a service keeps per group. */
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  groupIds?: string[];

  @IsInt()
  @Min(0)
  offset: number;

  @IsInt()
  @Min(1)
  @Max(RECORDS_PAGE_ROWS)
  limit: number;
}

export interface RecordsPageReply {
  table: string;
  rows: Record<string, unknown>[];
  /** The offset of the next page, or null after the last. */
  next: number | null;
}

/** One per back-end service, like the ping: the same question asked of each owner of records. */
export const READ_RECORDS = Object.fromEntries(
  BACKEND_SERVICES.map((service) => [service, defineCommand<ReadRecordsCommand, RecordsPageReply>(service, 'read-records', ReadRecordsCommand)]),
) as Record<BackendService, ReturnType<typeof defineCommand<ReadRecordsCommand, RecordsPageReply>>>;

/** A family's records request handed over: recorded beside the state exports' disclosures, under the request's id. */
export class RecordDisclosureCommand extends TenantCommand {
  @IsUUID()
  requestId: string;

  @IsUUID()
  studentId: string;

  /** Rows of the file handed over. */
  @IsInt()
  @Min(1)
  records: number;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  recipient: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  purpose: string;
}

export interface RecordDisclosureReply {
  recorded: boolean;
}

export const RECORD_DISCLOSURE = defineCommand<RecordDisclosureCommand, RecordDisclosureReply>('state-reporting', 'record-disclosure', RecordDisclosureCommand);

export const RECORDS_COMMANDS = [...Object.values(READ_RECORDS), RECORD_DISCLOSURE] as const;
