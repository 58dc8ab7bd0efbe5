import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PROVIDER_KINDS, ProviderKind } from '@sessionledger/auth';
import { DirectoryListQuery, EmailAddress, IfPresent, NameSearchQuery, OptionalText, RequiredText, SOURCED_ID, UUID, VersionedUpdate } from '../shared/dto';
import { ROLES, type Role } from '@sessionledger/contracts';

export const STAFF_ROLES = ['district_admin', 'school_admin', 'provider', 'payroll'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A district has at most a few hundred schools; a staff member is approved at some of them. */
const MAX_APPROVALS = 500;

export class CreateStaffRequest {
  @ApiProperty({ description: 'Signs in with it; unique across the installation', format: 'email', maxLength: 254, example: 'terry.tutor@example.org' })
  @EmailAddress()
  email: string;

  @RequiredText(100, { example: 'Terry' })
  firstName: string;

  @RequiredText(100, { example: 'Tutor' })
  lastName: string;

  @ApiProperty({ enum: STAFF_ROLES, isArray: true, minItems: 1, maxItems: STAFF_ROLES.length, uniqueItems: true, example: ['provider'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];

  @ApiPropertyOptional({ enum: PROVIDER_KINDS, description: 'Required for a provider, refused otherwise', example: 'tutor' })
  @IsOptional()
  @IsIn(PROVIDER_KINDS)
  providerKind?: ProviderKind;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_APPROVALS,
    uniqueItems: true,
    description: 'Schools the staff member is approved at; at least one for a school admin or a provider',
    example: ['0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11'],
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_APPROVALS)
  @IsUUID('all', { each: true })
  schoolIds?: string[];

  @ApiPropertyOptional({ minLength: 12, maxLength: 1024, description: 'An initial password of at least 12 characters; without one the user cannot sign in yet' })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password?: string;
}

export class UpdateStaffRequest extends VersionedUpdate {
  @OptionalText(100)
  firstName?: string;

  @OptionalText(100)
  lastName?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES, isArray: true, minItems: 1, maxItems: STAFF_ROLES.length, uniqueItems: true, example: ['provider', 'school_admin'] })
  @IfPresent()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles?: StaffRole[];

  @ApiPropertyOptional({ enum: PROVIDER_KINDS, nullable: true, description: 'null clears it (only when the provider role goes)' })
  @IsOptional()
  @IsIn(PROVIDER_KINDS)
  providerKind?: ProviderKind | null;
}

export class StaffApprovalsRequest {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: MAX_APPROVALS,
    uniqueItems: true,
    description: 'The complete set of schools the staff member is approved at',
    example: ['0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11'],
  })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_APPROVALS)
  @IsUUID('all', { each: true })
  schoolIds: string[];
}

export class StaffListQuery extends DirectoryListQuery {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({ ...UUID, description: 'Only staff approved at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class StaffResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ format: 'email', example: 'terry.tutor@example.org' })
  email: string;

  @ApiProperty({ example: 'Terry' })
  firstName: string;

  @ApiProperty({ example: 'Tutor' })
  lastName: string;

  @ApiProperty({ enum: ROLES, isArray: true, description: 'Staff roles, and `guardian` when the person is also a guardian' })
  roles: Role[];

  @ApiProperty({ enum: PROVIDER_KINDS, nullable: true, type: String })
  providerKind: ProviderKind | null;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Schools the staff member is approved at' })
  schoolIds: string[];

  @ApiProperty()
  active: boolean;

  @ApiProperty({ description: 'Whether a password is set (sign-in by password possible)' })
  hasPassword: boolean;

  @ApiProperty(SOURCED_ID)
  sourcedId: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;
}

/** A coach looking for the teacher to coach (GET /staff/search). */
export class StaffSearchQuery extends NameSearchQuery {}

/** What a coach learns of a colleague: enough to pick the right one, nothing more (no e-mail, roles or schools). */
export class StaffSearchResult {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Terry' })
  firstName: string;

  @ApiProperty({ example: 'Tutor' })
  lastName: string;
}
