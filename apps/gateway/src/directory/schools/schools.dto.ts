import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { IfPresent } from '../shared/dto';

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

export class UpdateSchoolRequest {
  @ApiProperty({ description: 'The version you read; a stale one is refused with 409' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
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
