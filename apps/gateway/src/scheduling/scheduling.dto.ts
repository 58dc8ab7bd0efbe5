import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@sessionledger/common';

/* The bodies are scheduling's contract classes (CreateSeriesBody, EditSeriesBody, …), validated here and sent on unchanged. */

export class SeriesListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class OccurrencesQuery {
  @ApiProperty({ description: 'Occurrences starting at or after this instant (ISO 8601 with offset)' })
  @IsISO8601({ strict: true }, { message: 'from must be a date and time (ISO 8601, with its offset)' })
  from: string;

  @ApiProperty({ description: 'Occurrences starting before this instant (at most 366 days after from)' })
  @IsISO8601({ strict: true }, { message: 'to must be a date and time (ISO 8601, with its offset)' })
  to: string;
}
