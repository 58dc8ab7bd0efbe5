import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { toBoolean } from '../directory/shared/dto';
import { type Notice, ROSTER_FILES } from './oneroster/oneroster-files';
import type { RowError } from './import/row-readers';
import type { ImportProgress, RosterCounts } from './import/roster-importer';
import type { EntityCounts, LinkCounts } from './import/roster-sql';
import { MAX_JSON_FILE_CHARS } from './roster-upload';
import type { RosterImportFailure, RosterImportSource, RosterImportStatus } from './roster-import.entity';

export class StartRosterImportQuery {
  @ApiPropertyOptional({ description: 'Report what would change and change nothing' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  dryRun?: boolean;
}

/** Newest first (ties by id); `updatedSince`: imports created, started or finished at or after it (progress mid-run does not count). */
export class RosterImportListQuery extends SyncPageQuery {}

/** The JSON form of an upload: the CSV files' text by file name. */
export class RosterImportJsonBody {
  @ApiPropertyOptional({ description: 'Report what would change and change nothing (the query parameter wins)' })
  dryRun?: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: MAX_JSON_FILE_CHARS },
    maxProperties: ROSTER_FILES.length,
    description: `File name (${ROSTER_FILES.join(', ')}) → CSV text; files over 20 MiB go in a zip`,
    example: { 'orgs.csv': 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n…' },
  })
  files: Record<string, string>;
}

/** What the zip upload is: the OneRoster CSV files at its top level. */
export const ROSTER_ZIP_SCHEMA = {
  type: 'string',
  format: 'binary',
  description: `A zip of the OneRoster CSV files (${ROSTER_FILES.join(', ')}); at most ROSTER_UPLOAD_MAX_BYTES (default 256 MiB)`,
} as const;

export class RosterImportProgressReply implements Partial<ImportProgress> {
  @ApiPropertyOptional({ example: 'users.csv' })
  phase?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  rowsRead?: number;
}

export class EntityCountsReply implements EntityCounts {
  @ApiProperty({ type: 'integer', minimum: 0 }) created: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) updated: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) deactivated: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) unchanged: number;
}

export class LinkCountsReply implements LinkCounts {
  @ApiProperty({ type: 'integer', minimum: 0 }) added: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) removed: number;
}

const COUNTS_BY_FILE = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } } as const;

/** Empty until the import has run. */
export class RosterCountsReply implements Partial<RosterCounts> {
  @ApiPropertyOptional({ type: () => EntityCountsReply }) schools?: EntityCountsReply;
  @ApiPropertyOptional({ type: () => EntityCountsReply }) staff?: EntityCountsReply;
  @ApiPropertyOptional({ type: () => EntityCountsReply }) students?: EntityCountsReply;
  @ApiPropertyOptional({ type: () => EntityCountsReply }) guardians?: EntityCountsReply;
  @ApiPropertyOptional({ type: () => EntityCountsReply }) groups?: EntityCountsReply;
  @ApiPropertyOptional({ type: () => EntityCountsReply }) academicSessions?: EntityCountsReply;
  @ApiPropertyOptional({ type: () => LinkCountsReply }) approvals?: LinkCountsReply;
  @ApiPropertyOptional({ type: () => LinkCountsReply }) guardianLinks?: LinkCountsReply;
  @ApiPropertyOptional({ type: () => LinkCountsReply }) memberships?: LinkCountsReply;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Users whose only roles the directory does not keep (administrators, proctors…)' })
  skippedUsers?: number;
  @ApiPropertyOptional({ ...COUNTS_BY_FILE, description: 'Rows read, by file' }) rowsRead?: Record<string, number>;
  @ApiPropertyOptional({ ...COUNTS_BY_FILE, description: 'Row errors, by file' }) errorsByFile?: Record<string, number>;
}

export class RowErrorReply implements RowError {
  @ApiProperty({ example: 'users.csv' }) file: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) line: number;
  @ApiProperty({ example: 'email' }) column: string;
  @ApiProperty() reason: string;
  @ApiPropertyOptional({ description: 'The OneRoster sourcedId of the row, when it has one' }) sourcedId?: string;
}

export class RosterNoticeReply implements Notice {
  @ApiProperty({ example: 'users.csv' }) file: string;
  @ApiPropertyOptional() column?: string;
  @ApiProperty() message: string;
}

export class RosterImportFailureReply implements RosterImportFailure {
  @ApiProperty({ example: 'ROSTER.NOT_ONEROSTER' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional() file?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The line of file at fault (a file that is not UTF-8)' }) line?: number;
}

/** Lists leave the row errors out; read one import for them. */
export class RosterImportSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status: RosterImportStatus;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ enum: ['upload', 'operator'] }) source: RosterImportSource;
  @ApiProperty({ type: [String], description: 'The files received' }) files: string[];
  @ApiProperty({ type: String, enum: ['1.1', '1.2'], nullable: true, description: 'The OneRoster version, once read' }) version: string | null;
  @ApiProperty({ type: () => RosterImportProgressReply }) progress: Partial<ImportProgress>;
  @ApiProperty({ type: () => RosterCountsReply, description: 'Per entity: created, updated, deactivated, unchanged; per link table: added, removed; rowsRead and errorsByFile per file' })
  counts: Partial<RosterCounts>;
  @ApiProperty({ type: 'integer', minimum: 0 }) errorCount: number;
  @ApiProperty({ type: [RosterNoticeReply], description: 'Ignored columns and skipped files' }) notices: Notice[];
  @ApiProperty({ type: () => RosterImportFailureReply, nullable: true, description: 'Why the whole import failed (nothing was written)' }) failure: RosterImportFailure | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who uploaded it; null for an operator import' }) requestedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
}

export class RosterImportResponse extends RosterImportSummary {
  @ApiProperty({ type: [RowErrorReply], description: 'The first 1,000 row errors' }) errors: RowError[];
}
