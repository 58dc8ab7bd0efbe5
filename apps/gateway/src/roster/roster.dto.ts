import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '@sessionledger/common';
import { toBoolean } from '../directory/shared/dto';
import type { Notice } from './oneroster/oneroster-files';
import type { RowError } from './import/row-readers';
import type { ImportProgress, RosterCounts } from './import/roster-importer';
import type { RosterImportFailure, RosterImportSource, RosterImportStatus } from './roster-import.entity';

export class StartRosterImportQuery {
  @ApiPropertyOptional({ description: 'Report what would change and change nothing' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  dryRun?: boolean;
}

export class RosterImportListQuery extends PageQuery {}

/** The JSON form of an upload: the CSV files' text by file name. */
export class RosterImportJsonBody {
  @ApiPropertyOptional()
  dryRun?: boolean;

  @ApiProperty({ description: 'File name → CSV text', example: { 'orgs.csv': 'sourcedId,status,…' } })
  files: Record<string, string>;
}

export class RosterImportResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status: RosterImportStatus;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ enum: ['upload', 'operator'] }) source: RosterImportSource;
  @ApiProperty({ type: [String] }) files: string[];
  @ApiProperty({ nullable: true, type: String }) version: string | null;
  @ApiProperty({ description: '{ phase, rowsRead }' }) progress: Partial<ImportProgress>;
  @ApiProperty({ description: 'Per entity: created, updated, deactivated, unchanged; per link table: added, removed; rowsRead and errorsByFile per file' })
  counts: Partial<RosterCounts>;
  @ApiProperty() errorCount: number;
  @ApiProperty({ description: 'The first 1,000 row errors: { file, line, column, reason, sourcedId? }' }) errors: RowError[];
  @ApiProperty({ description: 'Ignored columns and skipped files' }) notices: Notice[];
  @ApiProperty({ nullable: true, description: 'Why the whole import failed (nothing was written)' }) failure: RosterImportFailure | null;
  @ApiProperty({ nullable: true, type: String }) requestedBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}

/** Lists leave the row errors out; read one import for them. */
export type RosterImportSummary = Omit<RosterImportResponse, 'errors'>;
