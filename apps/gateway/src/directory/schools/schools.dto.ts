import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IfPresent, OptionalText, SOURCED_ID, UUID, VersionedUpdate } from '../shared/dto';

const STATE_SCHOOL_CODE = /^[A-Za-z0-9-]{1,20}$/;

export class CreateSchoolRequest {
  @ApiProperty({ example: 'Lincoln Elementary', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'The school code the state reports under', example: '0042-1001', pattern: STATE_SCHOOL_CODE.source })
  @Matches(STATE_SCHOOL_CODE, { message: 'stateSchoolCode must be 1-20 letters, digits or dashes' })
  stateSchoolCode: string;
}

export class UpdateSchoolRequest extends VersionedUpdate {
  @OptionalText(200, { trim: false })
  name?: string;

  @ApiPropertyOptional({ pattern: STATE_SCHOOL_CODE.source })
  @IfPresent()
  @Matches(STATE_SCHOOL_CODE, { message: 'stateSchoolCode must be 1-20 letters, digits or dashes' })
  stateSchoolCode?: string;
}

export class SchoolResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Lincoln Elementary' })
  name: string;

  @ApiProperty({ example: '0042-1001' })
  stateSchoolCode: string;

  @ApiProperty()
  active: boolean;

  @ApiProperty(SOURCED_ID)
  sourcedId: string | null;

  @ApiProperty({ minimum: 1 })
  version: number;
}
