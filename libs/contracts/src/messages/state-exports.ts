import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { IsCalendarDate } from './work-orders';

export const EXPORT_FORMATS = ['csv', 'edfi'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** The body of POST /api/reporting/exports, reused by the command. */
export class StartExportBody {
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: ExportFormat;

  /** First session date (the district's local date). */
  @IsCalendarDate()
  from: string;

  /** Last session date, on or after from. */
  @IsCalendarDate()
  to: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** To whom the students' data goes (the disclosure record names them). */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  recipient: string;

  /** Why they receive it. */
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  purpose: string;
}

export class StartExportCommand extends TenantCommand {
  @ValidateNested()
  @Type(() => StartExportBody)
  body: StartExportBody;
}

export class GetExportCommand extends TenantCommand {
  @IsUUID()
  exportId: string;
}

export class ListExportsCommand extends TenantCommand {
  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
}

/** One stored piece of a finished export's file; the gateway streams them in order. */
export class GetExportChunkCommand extends TenantCommand {
  @IsUUID()
  exportId: string;

  @IsInt()
  @Min(0)
  seq: number;
}

export class ListDisclosuresCommand extends TenantCommand {
  @IsUUID()
  studentId: string;
}

// ---- replies ----

export interface ExportCounts {
  /** Rows of the file (CSV lines, Ed-Fi attendance events), corrections and deletions included. */
  records: number;
  added: number;
  corrected: number;
  unchanged: number;
  deleted: number;
  /** Eligible records the format could not carry (no school code; Ed-Fi also: no state student id, or no numeric school code). */
  skipped: number;
  /** Why they were skipped: each reason with its count, the first that applies to a record. */
  skippedReasons: { reason: string; count: number }[];
  students: number;
  /** Student sessions of the range the export leaves out (GET /api/reporting/ineligible lists them with their reasons). */
  ineligibleSessions: number;
}

export interface ExportReply {
  id: string;
  format: ExportFormat;
  from: string;
  to: string;
  schoolId: string | null;
  recipient: string;
  purpose: string;
  status: ExportStatus;
  /** 0–100. */
  progress: number;
  counts: ExportCounts;
  requestedBy: string;
  requestedByName: string;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ExportPageReply {
  items: ExportReply[];
  page: number;
  pageSize: number;
  total: number;
}

export interface ExportChunkReply {
  format: ExportFormat;
  content: string;
  /** The seq to ask for next, or null after the last chunk. */
  next: number | null;
}

/** One student's data leaving the district: who received it, when, why, and who sent it. */
export interface DisclosureReply {
  exportId: string;
  studentId: string;
  recipient: string;
  purpose: string;
  format: ExportFormat;
  records: number;
  disclosedAt: string;
  disclosedBy: string;
  disclosedByName: string;
}

export const START_EXPORT = defineCommand<StartExportCommand, ExportReply>('state-reporting', 'start-export', StartExportCommand);
export const GET_EXPORT = defineCommand<GetExportCommand, ExportReply>('state-reporting', 'get-export', GetExportCommand);
export const LIST_EXPORTS = defineCommand<ListExportsCommand, ExportPageReply>('state-reporting', 'list-exports', ListExportsCommand);
export const GET_EXPORT_CHUNK = defineCommand<GetExportChunkCommand, ExportChunkReply>('state-reporting', 'get-export-chunk', GetExportChunkCommand);
export const LIST_DISCLOSURES = defineCommand<ListDisclosuresCommand, DisclosureReply[]>('state-reporting', 'list-disclosures', ListDisclosuresCommand);

export const STATE_EXPORT_COMMANDS = [START_EXPORT, GET_EXPORT, LIST_EXPORTS, GET_EXPORT_CHUNK, LIST_DISCLOSURES] as const;
