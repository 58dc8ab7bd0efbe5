import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import type { Page } from '@sessionledger/common';
import { PagedTenantCommand, TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { IsCalendarDate } from './work-orders';

export const EXPORT_FORMATS = ['csv', 'edfi'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** The body of POST /api/reporting/exports, reused by the command. */
export class StartExportBody {
  @ApiProperty({ enum: EXPORT_FORMATS, example: 'csv' })
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: ExportFormat;

  /** First session date (the district's local date). */
  @ApiProperty({ format: 'date', description: 'First session date (YYYY-MM-DD, district-local)', example: '2026-11-01' })
  @IsCalendarDate()
  from: string;

  /** Last session date, on or after from. */
  @ApiProperty({ format: 'date', description: 'Last session date (YYYY-MM-DD, district-local), on or after from', example: '2026-11-30' })
  @IsCalendarDate()
  to: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only sessions held at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** To whom the students' data goes (the disclosure record names them). */
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'To whom the students’ data goes (the disclosure record names them)', example: 'State Department of Education' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  recipient: string;

  /** Why they receive it. */
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Extended learning attendance report, November' })
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

export class ListExportsCommand extends PagedTenantCommand {
  /** Only exports changed (requested, progressed, finished) at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

/** One stored piece of a finished export's file; the gateway streams them in order. */
export class GetExportChunkCommand extends TenantCommand {
  @IsUUID()
  exportId: string;

  @IsInt()
  @Min(0)
  seq: number;
}

export class ListDisclosuresCommand extends PagedTenantCommand {
  @IsUUID()
  studentId: string;

  /** Only disclosures made at or after this instant (they never change). */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

// ---- replies ----

export class SkippedReasonReply {
  @ApiProperty({ example: 'no state student id' })
  reason: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  count: number;
}

export class ExportCounts {
  /** Rows of the file (CSV lines, Ed-Fi attendance events), corrections and deletions included. */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Rows of the file (CSV lines, Ed-Fi attendance events), corrections and deletions included' })
  records: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  added: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  corrected: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  unchanged: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  deleted: number;

  /** Eligible records the format could not carry (no school code; Ed-Fi also: no state student id, or no numeric school code). */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Eligible records the format could not carry' })
  skipped: number;

  /** Why they were skipped: each reason with its count, the first that applies to a record. */
  @ApiProperty({ type: [SkippedReasonReply] })
  skippedReasons: SkippedReasonReply[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  students: number;

  /** Student sessions of the range the export leaves out (GET /api/reporting/ineligible lists them with their reasons). */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Student sessions of the range the export leaves out (GET /api/reporting/ineligible lists them)' })
  ineligibleSessions: number;
}

export class ExportReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: EXPORT_FORMATS })
  format: ExportFormat;

  @ApiProperty({ format: 'date' })
  from: string;

  @ApiProperty({ format: 'date' })
  to: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  schoolId: string | null;

  @ApiProperty()
  recipient: string;

  @ApiProperty()
  purpose: string;

  @ApiProperty({ enum: EXPORT_STATUSES })
  status: ExportStatus;

  /** 0–100. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 })
  progress: number;

  @ApiProperty({ type: () => ExportCounts })
  counts: ExportCounts;

  @ApiProperty({ format: 'uuid' })
  requestedBy: string;

  @ApiProperty()
  requestedByName: string;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the export last changed (status, progress, counts)' })
  updatedAt: string;
}

export type ExportPageReply = Page<ExportReply>;

export interface ExportChunkReply {
  format: ExportFormat;
  content: string;
  /** The seq to ask for next, or null after the last chunk. */
  next: number | null;
}

export const DISCLOSURE_KINDS = ['state_export', 'records_request'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

/** One student's data leaving the district: who received it, when, why, and who sent it. */
export class DisclosureReply {
  @ApiProperty({ format: 'uuid' })
  exportId: string;

  @ApiProperty({ format: 'uuid' })
  studentId: string;

  @ApiProperty()
  recipient: string;

  @ApiProperty()
  purpose: string;

  /** zip: a family's records request (docs/district-export.md). */
  @ApiProperty({ enum: [...EXPORT_FORMATS, 'zip'], description: 'The file’s format; zip for a records request' })
  format: ExportFormat | 'zip';

  /** What carried the data: a state export, or a records request (exportId is then the request's id). */
  @ApiProperty({ enum: DISCLOSURE_KINDS, description: 'A state export, or a family’s records request (exportId is then the request’s id)' })
  kind: DisclosureKind;

  @ApiProperty({ type: 'integer', minimum: 0 })
  records: number;

  @ApiProperty({ format: 'date-time' })
  disclosedAt: string;

  @ApiProperty({ format: 'uuid' })
  disclosedBy: string;

  @ApiProperty()
  disclosedByName: string;
}

export const START_EXPORT = defineCommand<StartExportCommand, ExportReply>('state-reporting', 'start-export', StartExportCommand);
export const GET_EXPORT = defineCommand<GetExportCommand, ExportReply>('state-reporting', 'get-export', GetExportCommand);
export const LIST_EXPORTS = defineCommand<ListExportsCommand, ExportPageReply>('state-reporting', 'list-exports', ListExportsCommand);
export const GET_EXPORT_CHUNK = defineCommand<GetExportChunkCommand, ExportChunkReply>('state-reporting', 'get-export-chunk', GetExportChunkCommand);
export const LIST_DISCLOSURES = defineCommand<ListDisclosuresCommand, Page<DisclosureReply>>('state-reporting', 'list-disclosures', ListDisclosuresCommand);

export const STATE_EXPORT_COMMANDS = [START_EXPORT, GET_EXPORT, LIST_EXPORTS, GET_EXPORT_CHUNK, LIST_DISCLOSURES] as const;
