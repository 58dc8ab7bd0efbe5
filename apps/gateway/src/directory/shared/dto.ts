import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
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
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'q must not contain control characters' })
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

/** Base of every PATCH body: the version the client read, for optimistic concurrency. */
export class VersionedUpdate {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409' })
  @IsInt()
  @Min(1)
  version: number;
}

/** A required, trimmed, non-blank text field. */
export const RequiredText = (maxLength: number, api: ApiPropertyOptions = {}) =>
  applyDecorators(ApiProperty(api), Transform(trimmed), IsString(), MinLength(1), MaxLength(maxLength));

/** A PATCH text field: may be left out, never null or blank. */
export const OptionalText = (maxLength: number, options: { trim?: boolean } = {}) =>
  applyDecorators(
    ApiPropertyOptional(),
    IfPresent(),
    ...(options.trim === false ? [] : [Transform(trimmed)]),
    IsString(),
    MinLength(1),
    MaxLength(maxLength),
  );
