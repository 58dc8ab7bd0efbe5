import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { normalizeEmail, SyncPageQuery } from '@sessionledger/common';

export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Schema fragments of replies: uuids, nullable texts, instants. */
export const UUID = { type: String, format: 'uuid' } as const;
export const NULLABLE_UUID = { ...UUID, nullable: true } as const;
export const NULLABLE_TEXT = { type: String, nullable: true } as const;
export const SOURCED_ID = {
  type: String,
  nullable: true,
  description: 'The OneRoster `sourcedId` of a record that came from a roster import; null for one entered here',
} as const;

/** Filters every directory list shares. */
export class DirectoryListQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'Only active (true) or only deactivated (false) records' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'First letters of a name', minLength: 1, maxLength: 100 })
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

const emailSpelling = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFKC').trim().toLowerCase() : value);

/**
 * An e-mail address in its one spelling (NFKC, lower case), refused when it
 * could pass for another address (mixed writing systems, non-ASCII domain).
 * Every route that takes an address uses this, so sign-in finds what was stored.
 */
export const EmailAddress = () =>
  applyDecorators(
    Transform(emailSpelling),
    IsEmail(),
    MaxLength(254),
    ValidateBy({
      name: 'unambiguousEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && 'email' in normalizeEmail(value),
        defaultMessage: (args) => {
          const outcome = typeof args?.value === 'string' ? normalizeEmail(args.value) : { problem: 'must be an e-mail address' };
          return `${args?.property ?? 'email'} ${'problem' in outcome ? outcome.problem : 'is not valid'}`;
        },
      },
    }),
  );

/** A version column is a PostgreSQL integer. */
export const MAX_VERSION = 2_147_483_647;

/** Base of every PATCH body: the version the client read, for optimistic concurrency. */
export class VersionedUpdate {
  @ApiProperty({ minimum: 1, maximum: MAX_VERSION, description: 'The version you read; a stale one is refused with 409', example: 3 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;
}

/** A required, trimmed, non-blank text field. */
export const RequiredText = (maxLength: number, api: ApiPropertyOptions = {}) =>
  applyDecorators(ApiProperty({ minLength: 1, maxLength, ...api }), Transform(trimmed), IsString(), MinLength(1), MaxLength(maxLength));

/** A PATCH text field: may be left out, never null or blank. */
export const OptionalText = (maxLength: number, options: { trim?: boolean } = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, minLength: 1, maxLength }),
    IfPresent(),
    ...(options.trim === false ? [] : [Transform(trimmed)]),
    IsString(),
    MinLength(1),
    MaxLength(maxLength),
  );

/** A search by name, as a person types it: each word the first letters of a first or last name. */
export class NameSearchQuery extends SyncPageQuery {
  @ApiProperty({
    description: 'First letters of the first or last name, one or more words; accents and case are ignored',
    example: 'zoe mu',
    minLength: 1,
    maxLength: 100,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'q must not contain control characters' })
  q: string;
}
