import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IfPresent, OptionalText, VersionedUpdate } from '../shared/dto';

const STATE_SCHOOL_CODE = /^[A-Za-z0-9-]{1,20}$/;

export class CreateSchoolRequest {
  @ApiProperty({ example: 'Lincoln Elementary' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'The school code the state reports under', example: '0042-1001' })
  @Matches(STATE_SCHOOL_CODE, { message: 'stateSchoolCode must be 1-20 letters, digits or dashes' })
  stateSchoolCode: string;
}

export class UpdateSchoolRequest extends VersionedUpdate {
  @OptionalText(200, { trim: false })
  name?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @Matches(STATE_SCHOOL_CODE, { message: 'stateSchoolCode must be 1-20 letters, digits or dashes' })
  stateSchoolCode?: string;
}

export interface SchoolResponse {
  id: string;
  name: string;
  stateSchoolCode: string;
  active: boolean;
  version: number;
}
