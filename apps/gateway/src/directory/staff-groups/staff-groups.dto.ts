import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';
import { NULLABLE_UUID, RequiredText, UUID, VersionedUpdate } from '../shared/dto';

/** Far above any real group; keeps one request's work bounded. */
const MAX_MEMBERS = 500;

export class CreateStaffGroupRequest {
  @RequiredText(200, { example: 'Grade 3 team' })
  name: string;

  @ApiPropertyOptional({ ...UUID, description: 'An active school you administer; omitted, a district-wide group (district admins only)', example: '0193a3f0-5b7e-7c2a-9d41-2f6f1c0e8a11' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class StaffGroupMembersRequest extends VersionedUpdate {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: MAX_MEMBERS,
    uniqueItems: true,
    description: 'The complete membership: active staff of the district',
    example: ['0193a3f0-6c1d-7e55-8a20-5b9e4d3c2f10'],
  })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MAX_MEMBERS)
  @IsUUID('all', { each: true })
  userIds: string[];
}

export class StaffGroupResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Grade 3 team' })
  name: string;

  @ApiProperty({ ...NULLABLE_UUID, description: 'null for a district-wide group' })
  schoolId: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ minimum: 1 })
  version: number;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The members, by id' })
  userIds: string[];
}
