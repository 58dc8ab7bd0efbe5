import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { DirectoryListQuery, IfPresent, NameSearchQuery, NULLABLE_TEXT, NULLABLE_UUID, OptionalText, RequiredText, SOURCED_ID, UUID, VersionedUpdate, toBoolean, trimmed } from '../shared/dto';

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
  @ApiProperty({ description: 'The district’s student number; unique in the district', example: '100234', pattern: STUDENT_ID.source, maxLength: 50 })
  @Transform(trimmed)
  @Matches(STUDENT_ID, { message: STUDENT_ID_MESSAGE('localId') })
  localId: string;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, description: 'The state’s student id; unique in the district', example: 'TX1234567', pattern: STUDENT_ID.source, maxLength: 50 })
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

  @ApiProperty({ ...UUID, description: 'A school of the district (for a school admin, one of theirs)', example: '0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11' })
  @IsUUID()
  schoolId: string;

  @ApiPropertyOptional({ ...NULLABLE_UUID, description: 'An active provider of the district; only they may mark sessions homebound' })
  @IsOptional()
  @IsUUID()
  homeboundTeacherId?: string | null;

  @ApiPropertyOptional({ description: 'Whether the student has an IEP (false when left out)' })
  @IsOptional()
  @IsBoolean()
  hasIep?: boolean;
}

export class UpdateStudentRequest extends VersionedUpdate {
  @ApiPropertyOptional({ pattern: STUDENT_ID.source, maxLength: 50 })
  @IfPresent()
  @Transform(trimmed)
  @Matches(STUDENT_ID, { message: STUDENT_ID_MESSAGE('localId') })
  localId?: string;

  @ApiPropertyOptional({ ...NULLABLE_TEXT, pattern: STUDENT_ID.source, maxLength: 50, description: 'null clears it' })
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

  @ApiPropertyOptional({ ...UUID, description: 'Moves the student; a school admin only to one of their schools' })
  @IfPresent()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ ...NULLABLE_UUID, description: 'null clears it' })
  @IsOptional()
  @IsUUID()
  homeboundTeacherId?: string | null;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean()
  hasIep?: boolean;
}

export class StudentListQuery extends DirectoryListQuery {
  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ enum: GRADES })
  @IsOptional()
  @Transform(normalizedGrade)
  @IsIn(GRADES, { message: `grade must be one of ${GRADES.join(', ')}` })
  grade?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only students with (true) or without (false) an IEP' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  hasIep?: boolean;
}

export class StudentResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: '100234' })
  localId: string;

  @ApiProperty(NULLABLE_TEXT)
  stateId: string | null;

  @ApiProperty({ example: 'Maya' })
  firstName: string;

  @ApiProperty({ example: 'Garcia' })
  lastName: string;

  @ApiProperty({ enum: GRADES })
  grade: string;

  @ApiProperty(UUID)
  schoolId: string;

  @ApiProperty(NULLABLE_UUID)
  homeboundTeacherId: string | null;

  @ApiProperty()
  hasIep: boolean;

  @ApiProperty()
  active: boolean;

  @ApiProperty(SOURCED_ID)
  sourcedId: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;
}

/** The student search a provider starts a session with (GET /students/search). */
export class StudentSearchQuery extends NameSearchQuery {}

/** What anyone who may start a session learns of a student: enough to pick the right one, nothing more. */
export class StudentSearchResult {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Maya' })
  firstName: string;

  @ApiProperty({ example: 'Garcia' })
  lastName: string;

  @ApiProperty({ enum: GRADES })
  grade: string;

  @ApiProperty(UUID)
  schoolId: string;

  @ApiProperty({ example: '100234' })
  localId: string;
}
