import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';
import { DirectoryListQuery, IfPresent, OptionalText, RequiredText, SOURCED_ID, UUID, VersionedUpdate } from '../shared/dto';
import { GRADES } from '../students/students.dto';

/** Far above any real group; keeps one request's work bounded. */
const MAX_MEMBERS = 200;

export class CreateGroupRequest {
  @RequiredText(200, { example: 'Grade 3 reading, Tuesday' })
  name: string;

  @ApiProperty({ ...UUID, description: 'An active school of the district (for a school admin, one of theirs)', example: '0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11' })
  @IsUUID()
  schoolId: string;

  @ApiProperty({ ...UUID, description: 'An active provider approved at the school', example: '0193a3f0-6c1d-7e55-8a20-5b9e4d3c2f10' })
  @IsUUID()
  providerId: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_MEMBERS, uniqueItems: true, description: 'Active students of the school (none when left out)' })
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

  @ApiPropertyOptional({ ...UUID, description: 'An active provider approved at the group’s school' })
  @IfPresent()
  @IsUUID()
  providerId?: string;
}

export class GroupMembersRequest {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: MAX_MEMBERS,
    uniqueItems: true,
    description: 'The complete membership: students of the group’s school',
    example: ['0193a3f0-7a2b-7d3c-9e4f-0a1b2c3d4e5f'],
  })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_MEMBERS)
  @IsUUID('all', { each: true })
  studentIds: string[];
}

export class GroupListQuery extends DirectoryListQuery {
  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  providerId?: string;
}

export class GroupResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Grade 3 reading, Tuesday' })
  name: string;

  @ApiProperty(UUID)
  schoolId: string;

  @ApiProperty(UUID)
  providerId: string;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ minimum: 0 })
  memberCount: number;

  @ApiProperty(SOURCED_ID)
  sourcedId: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;
}

export class GroupMemberResponse {
  @ApiProperty(UUID)
  studentId: string;

  @ApiProperty({ example: '100234' })
  localId: string;

  @ApiProperty({ example: 'Maya' })
  firstName: string;

  @ApiProperty({ example: 'Garcia' })
  lastName: string;

  @ApiProperty({ enum: GRADES })
  grade: string;

  @ApiProperty()
  active: boolean;
}

export class GroupDetailResponse extends GroupResponse {
  @ApiProperty({ type: [GroupMemberResponse], description: 'Ordered by last name, first name, then id' })
  members: GroupMemberResponse[];
}
