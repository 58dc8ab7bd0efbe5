import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '@sessionledger/common';

export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Filters every directory list shares. */
export class DirectoryListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only active (true) or only deactivated (false) records' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'First letters of a name' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;
}

/**
 * For PATCH fields that may be left out but never cleared: unlike
 * `@IsOptional()`, a `null` is validated (and refused) instead of skipped.
 */
export const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Trims surrounding blanks before validation, so `"  "` fails `MinLength(1)`. */
export const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const trimmedLowercase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
