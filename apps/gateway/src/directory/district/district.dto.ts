import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DistrictSettingsSnapshot } from '@sessionledger/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IfPresent, OptionalText, UUID, VersionedUpdate } from '../shared/dto';

export class DistrictSettingsPatch {
  @ApiPropertyOptional({ minimum: 0, maximum: 24 * 14, description: 'Cancelling at least this many hours before the start is not billable (default 24)' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(24 * 14)
  cancellationNoticeHours?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 90, description: 'Days after the session date a session may still be entered (default 14)' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(90)
  lateEntryDays?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30, description: 'Days after the session date a work order may still be assigned (default 7)' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(30)
  workOrderAssignmentDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Dashboards suppress groups smaller than this in anonymized mode' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(1000)
  anonymizationMinGroupSize?: number;

  @ApiPropertyOptional({ description: 'Guardians get a digest of their children’s shared notes' })
  @IfPresent()
  @IsBoolean()
  guardianDigestEnabled?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 24 * 30, description: 'Post-session tasks (attendance, notes) are due this many hours after the session starts (default 24)' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskDueHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 24 * 30, description: 'An open post-session task this many hours past due is escalated to its school admins (default 24)' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskEscalationHours?: number;
}

export class UpdateDistrictRequest extends VersionedUpdate {
  @OptionalText(200, { trim: false })
  name?: string;

  @ApiPropertyOptional({ description: 'An IANA time zone', maxLength: 64, example: 'America/Chicago' })
  @IfPresent()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ type: DistrictSettingsPatch })
  @IfPresent()
  @ValidateNested()
  @Type(() => DistrictSettingsPatch)
  settings?: DistrictSettingsPatch;
}

export class DistrictResponse {
  @ApiProperty(UUID)
  id: string;

  @ApiProperty({ example: 'Demo Unified School District' })
  name: string;

  @ApiProperty({ description: 'An IANA time zone', example: 'America/Chicago' })
  timeZone: string;

  @ApiProperty({ type: () => DistrictSettingsSnapshot, description: 'Every setting, defaults filled in' })
  settings: DistrictSettingsSnapshot;

  @ApiProperty({ minimum: 1 })
  version: number;
}
