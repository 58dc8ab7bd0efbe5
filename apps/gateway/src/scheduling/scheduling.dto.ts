import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';

/* The bodies are scheduling's contract classes (CreateSeriesBody, EditSeriesBody, …), validated here and sent on unchanged. */

export class SeriesListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

/**
 * A window of instants, as the calendar takes: occurrences are points in time
 * (their local day depends on the zone), and the calendar feeds them by instant too.
 */
export class OccurrencesQuery extends SyncPageQuery {
  @ApiProperty({ type: String, format: 'date-time', description: 'Occurrences starting at or after this instant (ISO 8601 with offset)', example: '2026-09-01T00:00:00-05:00' })
  @IsISO8601({ strict: true }, { message: 'from must be a date and time (ISO 8601, with its offset)' })
  from: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Occurrences starting before this instant (at most 366 days after from)', example: '2026-10-01T00:00:00-05:00' })
  @IsISO8601({ strict: true }, { message: 'to must be a date and time (ISO 8601, with its offset)' })
  to: string;
}
