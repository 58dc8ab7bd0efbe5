import { Type } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const MAX_PAGE = 1_000_000;

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Which page, from 1' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  // Keeps the row offset far inside PostgreSQL's bigint (an unbounded page overflowed it: 500).
  @Max(MAX_PAGE)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Items per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize = 50;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageOf<T>(items: T[], total: number, query: { page: number; pageSize: number }): Page<T> {
  return { items, page: query.page, pageSize: query.pageSize, total };
}

/** An instant with its offset (`Z` or `±HH:MM`): a bare date or local time would be read in the server's zone. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A list a district system syncs from: only records changed at or after
 * `updatedSince` (their `updated_at`, kept by the database on every write).
 * Start the next sync from a little before the previous one started: a write
 * that was still running then carries its transaction's start time.
 */
export class SyncPageQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Only records created or changed at or after this instant (ISO 8601 with offset)',
    type: String,
    format: 'date-time',
    example: '2026-09-01T00:00:00Z',
    maxLength: 40,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(INSTANT, { message: 'updatedSince must be an instant with its offset, such as 2026-09-01T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'updatedSince must be a real date and time' })
  updatedSince?: string;
}
