import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { DirectoryListQuery, EmailAddress, OptionalText, RequiredText, VersionedUpdate, trimmed } from '../shared/dto';

const PHONE = /^\+?[0-9 ().-]{7,25}( ?(x|ext\.?) ?[0-9]{1,6})?$/i;
const PHONE_MESSAGE = 'phone must be a phone number: digits, spaces, ( ) . - and an optional + and extension';
const MAX_CHILDREN = 50;

export class CreateGuardianRequest {
  @RequiredText(100, { example: 'Rosa' })
  firstName: string;

  @RequiredText(100, { example: 'Garcia' })
  lastName: string;

  @ApiPropertyOptional({ example: 'rosa.garcia@example.org' })
  @IsOptional()
  @EmailAddress()
  email?: string | null;

  @ApiPropertyOptional({ example: '+1 (512) 555-0100' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;

  @ApiProperty({ description: 'The guardian’s children: students you administer' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAX_CHILDREN)
  @IsUUID('all', { each: true })
  studentIds: string[];

  @ApiPropertyOptional({ description: 'How the guardian is related to these students', example: 'mother' })
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

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @EmailAddress()
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;
}

export class GuardianStudentsRequest {
  @ApiProperty({
    description: 'The guardian’s children among the students you administer; links to students you do not administer are left as they are',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAX_CHILDREN)
  @IsUUID('all', { each: true })
  studentIds: string[];

  @ApiPropertyOptional({ description: 'Set on every listed link; without it, kept links keep theirs', example: 'grandparent' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  relationship?: string | null;
}

export class GuardianListQuery extends DirectoryListQuery {
  @ApiPropertyOptional({ description: 'Only guardians of this student' })
  @IsOptional()
  @IsUUID()
  studentId?: string;
}

export interface GuardianLinkResponse {
  studentId: string;
  relationship: string | null;
}

export interface GuardianResponse {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  /** Links to the students the caller administers. */
  students: GuardianLinkResponse[];
  version: number;
}

export interface StudentGuardianResponse {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  relationship: string | null;
  version: number;
}
