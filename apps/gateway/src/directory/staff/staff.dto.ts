import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PROVIDER_KINDS, ProviderKind } from '@sessionledger/auth';
import type { Role } from '@sessionledger/contracts';
import { DirectoryListQuery, EmailAddress, IfPresent, OptionalText, RequiredText, VersionedUpdate } from '../shared/dto';

export const STAFF_ROLES = ['district_admin', 'school_admin', 'provider', 'payroll'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A district has at most a few hundred schools; a staff member is approved at some of them. */
const MAX_APPROVALS = 500;

export class CreateStaffRequest {
  @ApiProperty({ description: 'Signs in with it; unique across the installation', example: 'terry.tutor@example.org' })
  @EmailAddress()
  email: string;

  @RequiredText(100, { example: 'Terry' })
  firstName: string;

  @RequiredText(100, { example: 'Tutor' })
  lastName: string;

  @ApiProperty({ enum: STAFF_ROLES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];

  @ApiPropertyOptional({ enum: PROVIDER_KINDS, description: 'Required for a provider, refused otherwise' })
  @IsOptional()
  @IsIn(PROVIDER_KINDS)
  providerKind?: ProviderKind;

  @ApiPropertyOptional({ description: 'Schools the staff member is approved at; at least one for a school admin or a provider' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_APPROVALS)
  @IsUUID('all', { each: true })
  schoolIds?: string[];

  @ApiPropertyOptional({ description: 'An initial password of at least 12 characters; without one the user cannot sign in yet' })
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

  @ApiPropertyOptional({ enum: STAFF_ROLES, isArray: true })
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
  @ApiProperty({ description: 'The complete set of schools the staff member is approved at' })
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

  @ApiPropertyOptional({ description: 'Only staff approved at this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export interface StaffResponse {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: Role[];
  providerKind: ProviderKind | null;
  schoolIds: string[];
  active: boolean;
  hasPassword: boolean;
  version: number;
}
