import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '@sessionledger/common';
import { DirectoryListQuery, IfPresent, OptionalText, RequiredText, VersionedUpdate, toBoolean, trimmed } from '../shared/dto';

/**
 * Grade levels as CEDS / Ed-Fi short codes: infant-toddler, preschool,
 * prekindergarten, transitional kindergarten, kindergarten, 1 to 13,
 * postsecondary, ungraded, adult education.
 */
export const GRADES = ['IT', 'PR', 'PK', 'TK', 'K', ...Array.from({ length: 13 }, (_, i) => String(i + 1)), 'PS', 'UG', 'AE'] as const;

/** Accepts the spellings rosters use: `kg` and `KG` for K, `03` for 3. */
export const normalizedGrade = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const grade = value.trim().toUpperCase().replace(/^0+(?=\d)/, '');
  return grade === 'KG' ? 'K' : grade;
};

/** District student numbers and state ids: letters, digits and `-_.`. */
const STUDENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
const STUDENT_ID_MESSAGE = (field: string) => `${field} must be 1-50 letters, digits, dots, dashes or underscores`;

export class CreateStudentRequest {
  @ApiProperty({ description: 'The district’s student number; unique in the district', example: '100234' })
  @Transform(trimmed)
  @Matches(STUDENT_ID, { message: STUDENT_ID_MESSAGE('localId') })
  localId: string;

  @ApiPropertyOptional({ description: 'The state’s student id; unique in the district', example: 'TX1234567' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(STUDENT_ID, { message: STUDENT_ID_MESSAGE('stateId') })
  stateId?: string | null;

  @RequiredText(100, { example: 'Maya' })
  firstName: string;

  @RequiredText(100, { example: 'Garcia' })
  lastName: string;

  @ApiProperty({ enum: GRADES, example: 'K' })
  @Transform(normalizedGrade)
  @IsIn(GRADES, { message: `grade must be one of ${GRADES.join(', ')}` })
  grade: string;

  @ApiProperty({ description: 'A school of the district (for a school admin, one of theirs)' })
  @IsUUID()
  schoolId: string;

  @ApiPropertyOptional({ description: 'An active provider of the district; only they may mark sessions homebound' })
  @IsOptional()
  @IsUUID()
  homeboundTeacherId?: string | null;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  hasIep?: boolean;
}

export class UpdateStudentRequest extends VersionedUpdate {
  @ApiPropertyOptional()
  @IfPresent()
  @Transform(trimmed)
  @Matches(STUDENT_ID, { message: STUDENT_ID_MESSAGE('localId') })
  localId?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(STUDENT_ID, { message: STUDENT_ID_MESSAGE('stateId') })
  stateId?: string | null;

  @OptionalText(100)
  firstName?: string;

  @OptionalText(100)
  lastName?: string;

  @ApiPropertyOptional({ enum: GRADES })
  @IfPresent()
  @Transform(normalizedGrade)
  @IsIn(GRADES, { message: `grade must be one of ${GRADES.join(', ')}` })
  grade?: string;

  @ApiPropertyOptional({ description: 'Moves the student; a school admin only to one of their schools' })
  @IfPresent()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsUUID()
  homeboundTeacherId?: string | null;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean()
  hasIep?: boolean;
}

export class StudentListQuery extends DirectoryListQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ enum: GRADES })
  @IsOptional()
  @Transform(normalizedGrade)
  @IsIn(GRADES, { message: `grade must be one of ${GRADES.join(', ')}` })
  grade?: string;

  @ApiPropertyOptional({ description: 'Only students with (true) or without (false) an IEP' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  hasIep?: boolean;
}

export interface StudentResponse {
  id: string;
  localId: string;
  stateId: string | null;
  firstName: string;
  lastName: string;
  grade: string;
  schoolId: string;
  homeboundTeacherId: string | null;
  hasIep: boolean;
  active: boolean;
  version: number;
}

export class StudentSearchQuery extends PageQuery {
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

/** What anyone who may start a session learns of a student: enough to pick the right one, nothing more. */
export interface StudentSearchResult {
  id: string;
  firstName: string;
  lastName: string;
  grade: string;
  schoolId: string;
  localId: string;
}
