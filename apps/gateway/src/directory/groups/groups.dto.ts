import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';
import { DirectoryListQuery, IfPresent, OptionalText, RequiredText, VersionedUpdate } from '../shared/dto';

/** Far above any real group; keeps one request's work bounded. */
const MAX_MEMBERS = 200;

export class CreateGroupRequest {
  @RequiredText(200, { example: 'Grade 3 reading, Tuesday' })
  name: string;

  @ApiProperty({ description: 'An active school of the district (for a school admin, one of theirs)' })
  @IsUUID()
  schoolId: string;

  @ApiProperty({ description: 'An active provider approved at the school' })
  @IsUUID()
  providerId: string;

  @ApiPropertyOptional({ description: 'Active students of the school', default: [] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_MEMBERS)
  @IsUUID('all', { each: true })
  studentIds?: string[];
}

export class UpdateGroupRequest extends VersionedUpdate {
  @OptionalText(200)
  name?: string;

  @ApiPropertyOptional({ description: 'An active provider approved at the group’s school' })
  @IfPresent()
  @IsUUID()
  providerId?: string;
}

export class GroupMembersRequest {
  @ApiProperty({ description: 'The complete membership: students of the group’s school' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_MEMBERS)
  @IsUUID('all', { each: true })
  studentIds: string[];
}

export class GroupListQuery extends DirectoryListQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  providerId?: string;
}

export interface GroupResponse {
  id: string;
  name: string;
  schoolId: string;
  providerId: string;
  active: boolean;
  memberCount: number;
  version: number;
}

export interface GroupMemberResponse {
  studentId: string;
  localId: string;
  firstName: string;
  lastName: string;
  grade: string;
  active: boolean;
}

export interface GroupDetailResponse extends GroupResponse {
  members: GroupMemberResponse[];
}
