import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { DirectoryListQuery, EmailAddress, NULLABLE_TEXT, OptionalText, RequiredText, SOURCED_ID, UUID, VersionedUpdate, trimmed } from '../shared/dto';

// Written without the `i` flag so the OpenAPI `pattern` (which has no flags) is the same rule.
const PHONE = /^\+?[0-9 ().-]{7,25}( ?([xX]|[eE][xX][tT]\.?) ?[0-9]{1,6})?$/;
const PHONE_MESSAGE = 'phone must be a phone number: digits, spaces, ( ) . - and an optional + and extension';
const MAX_CHILDREN = 50;

export class CreateGuardianRequest {
  @RequiredText(100, { example: 'Rosa' })
  firstName: string;

  @RequiredText(100, { example: 'Garcia' })
  lastName: string;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, format: 'email', maxLength: 254, example: 'rosa.garcia@example.org' })
  @IsOptional()
  @EmailAddress()
  email?: string | null;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, pattern: PHONE.source, example: '+1 (512) 555-0100' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_CHILDREN,
    uniqueItems: true,
    description: 'The guardian’s children: students you administer',
    example: ['0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11'],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAX_CHILDREN)
  @IsUUID('all', { each: true })
  studentIds: string[];

  @ApiPropertyOptional({ ...NULLABLE_TEXT, minLength: 1, maxLength: 50, description: 'How the guardian is related to these students', example: 'mother' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  relationship?: string | null;
}

export class UpdateGuardianRequest extends VersionedUpdate {
  @OptionalText(100)
  firstName?: string;

  @OptionalText(100)
  lastName?: string;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, format: 'email', maxLength: 254, description: 'null clears it' })
  @IsOptional()
  @EmailAddress()
  email?: string | null;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, pattern: PHONE.source, description: 'null clears it' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;
}

export class GuardianStudentsRequest {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_CHILDREN,
    uniqueItems: true,
    description: 'The guardian’s children among the students you administer; links to students you do not administer are left as they are',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAX_CHILDREN)
  @IsUUID('all', { each: true })
  studentIds: string[];

  @ApiPropertyOptional({ ...NULLABLE_TEXT, minLength: 1, maxLength: 50, description: 'Set on every listed link; without it, kept links keep theirs', example: 'grandparent' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  relationship?: string | null;
}

export class GuardianListQuery extends DirectoryListQuery {
  @ApiPropertyOptional({ ...UUID, description: 'Only guardians of this student' })
  @IsOptional()
  @IsUUID()
  studentId?: string;
}

export class GuardianLinkResponse {
  @ApiProperty(UUID)
  studentId: string;

  @ApiProperty({ ...NULLABLE_TEXT, example: 'mother' })
  relationship: string | null;
}

export class GuardianResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Rosa' })
  firstName: string;

  @ApiProperty({ example: 'Garcia' })
  lastName: string;

  @ApiProperty({ ...NULLABLE_TEXT, format: 'email' })
  email: string | null;

  @ApiProperty(NULLABLE_TEXT)
  phone: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ type: [GuardianLinkResponse], description: 'Links to the students the caller administers, by student id' })
  students: GuardianLinkResponse[];

  @ApiProperty(SOURCED_ID)
  sourcedId: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;
}

/** A guardian as one student's page lists them: with that link's relationship. */
export class StudentGuardianResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Rosa' })
  firstName: string;

  @ApiProperty({ example: 'Garcia' })
  lastName: string;

  @ApiProperty({ ...NULLABLE_TEXT, format: 'email' })
  email: string | null;

  @ApiProperty(NULLABLE_TEXT)
  phone: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ ...NULLABLE_TEXT, example: 'mother' })
  relationship: string | null;

  @ApiProperty(SOURCED_ID)
  sourcedId: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;
}
