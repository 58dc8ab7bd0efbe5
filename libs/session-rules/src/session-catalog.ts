import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/**
 * What a district configures for logging sessions: its services (with the
 * activities, accommodations and note template of each), the fields of its
 * coaching logs, the Career Ladder goals sessions are tagged with, the
 * approved Family Involvement events and the subjects tutored. Session-log
 * owns it; district admins edit it as one versioned document.
 */

export const PARTICIPANT_KINDS = ['student', 'staff'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const COACHING_FIELD_TYPES = ['text', 'number', 'boolean', 'choice', 'multi_choice'] as const;
export type CoachingFieldType = (typeof COACHING_FIELD_TYPES)[number];

const CODE = /^[a-z][a-z0-9_]{0,49}$/;
const codeMessage = ({ property }: { property: string }) => `${property} must be lower_snake_case (a-z, 0-9, _), at most 50 characters`;

export class CatalogService {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,49}$', example: 'tutoring' })
  @Matches(CODE, { message: codeMessage })
  code: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Tutoring' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /** Tutoring and personal care serve students; coaching serves staff (teachers). */
  @ApiProperty({ enum: PARTICIPANT_KINDS })
  @IsIn(PARTICIPANT_KINDS)
  participantKind: ParticipantKind;

  @ApiProperty({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 200, uniqueItems: true })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  activities: string[];

  @ApiProperty({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 200, uniqueItems: true })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  accommodations: string[];

  @ApiProperty({ type: String, nullable: true, maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  noteTemplate: string | null;
}

export class CoachingField {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,49}$' })
  @Matches(CODE, { message: codeMessage })
  name: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label: string;

  @ApiProperty({ enum: COACHING_FIELD_TYPES })
  @IsIn(COACHING_FIELD_TYPES)
  type: CoachingFieldType;

  /** The allowed values of a choice or multi_choice field. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, minItems: 1, maxItems: 100, uniqueItems: true, description: 'choice and multi_choice fields: the allowed values' })
  @ValidateIf((field: CoachingField) => field.type === 'choice' || field.type === 'multi_choice')
  @IsArray()
  // An empty list would accept no value at all: a required choice field could never be filled in.
  @ArrayMinSize(1)
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  options?: string[];

  @ApiProperty()
  @IsBoolean()
  required: boolean;
}

export class CareerLadderGoal {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,49}$' })
  @Matches(CODE, { message: codeMessage })
  code: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class SessionCatalogDocument {
  @ApiProperty({ type: [CatalogService], maxItems: 100 })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CatalogService)
  services: CatalogService[];

  @ApiProperty({ type: [CoachingField], maxItems: 100 })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CoachingField)
  coachingFields: CoachingField[];

  @ApiProperty({ type: [CareerLadderGoal], maxItems: 200 })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CareerLadderGoal)
  careerLadderGoals: CareerLadderGoal[];

  @ApiProperty({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 500, uniqueItems: true })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  familyInvolvementEvents: string[];

  @ApiProperty({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 200, uniqueItems: true })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  subjects: string[];
}

/** What a district starts with; its admins replace any part of it. */
export const DEFAULT_SESSION_CATALOG: Readonly<SessionCatalogDocument> = Object.freeze({
  services: [
    {
      code: 'tutoring',
      name: 'Tutoring',
      participantKind: 'student',
      activities: ['Guided practice', 'Homework help', 'Test preparation', 'Reading fluency', 'Independent work review'],
      accommodations: ['Extended time', 'Read aloud', 'Small group setting', 'Calculator'],
      noteTemplate:
        'What the student did well today. The next step for growth. Any concern and what we agreed to do about it. Work assigned before the next session.',
    },
    {
      code: 'personal_care',
      name: 'Personal care',
      participantKind: 'student',
      activities: ['Mobility assistance', 'Feeding assistance', 'Toileting assistance', 'Behaviour support'],
      accommodations: ['Visual schedule', 'Sensory breaks', 'Assistive technology'],
      noteTemplate: null,
    },
    {
      code: 'coaching',
      name: 'Instructional coaching',
      participantKind: 'staff',
      activities: ['Classroom observation', 'Modelling a lesson', 'Co-planning', 'Data review', 'Feedback conversation'],
      accommodations: [],
      noteTemplate: null,
    },
  ],
  coachingFields: [
    { name: 'category', label: 'Coaching category', type: 'choice', options: ['Planning', 'Observation', 'Modelling', 'Feedback', 'Data'], required: true },
    { name: 'focus', label: 'Focus of the conversation', type: 'text', required: false },
  ],
  careerLadderGoals: [
    { code: 'student_achievement', name: 'Improve student achievement' },
    { code: 'family_involvement', name: 'Increase family involvement' },
    { code: 'attendance', name: 'Improve student attendance' },
    { code: 'college_career_readiness', name: 'College and career readiness' },
  ],
  familyInvolvementEvents: ['Family Literacy Night', 'Family Math Night', 'Parent-Teacher Conference Night'],
  subjects: ['Reading', 'English Language Arts', 'Mathematics', 'Science', 'Social Studies'],
}) as SessionCatalogDocument;

/** Duplicate codes or names inside a catalog, which class-validator cannot see. */
export function catalogProblems(catalog: SessionCatalogDocument): { field: string; problems: string[] }[] {
  const problems: { field: string; problems: string[] }[] = [];
  const duplicates = (field: string, values: string[]) => {
    const seen = new Set<string>();
    const repeated = values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
    if (repeated.length) problems.push({ field, problems: [`repeats ${[...new Set(repeated)].join(', ')}`] });
  };
  duplicates('services', catalog.services.map((s) => s.code));
  duplicates('coachingFields', catalog.coachingFields.map((f) => f.name));
  duplicates('careerLadderGoals', catalog.careerLadderGoals.map((g) => g.code));
  return problems;
}
