import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';
import { RequiredText, VersionedUpdate } from '../shared/dto';

/** Far above any real group; keeps one request's work bounded. */
const MAX_MEMBERS = 500;

export class CreateStaffGroupRequest {
  @RequiredText(200, { example: 'Grade 3 team' })
  name: string;

  @ApiPropertyOptional({ description: 'An active school you administer; omitted, a district-wide group (district admins only)' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class StaffGroupMembersRequest extends VersionedUpdate {
  @ApiProperty({ description: 'The complete membership: active staff of the district' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_MEMBERS)
  @IsUUID('all', { each: true })
  userIds: string[];
}

export interface StaffGroupResponse {
  id: string;
  name: string;
  schoolId: string | null;
  active: boolean;
  version: number;
  userIds: string[];
}
