import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IfPresent, OptionalText, VersionedUpdate } from '../shared/dto';

export class DistrictSettingsPatch {
  @ApiPropertyOptional({ description: 'Cancelling at least this many hours before the start is not billable (default 24)' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(24 * 14)
  cancellationNoticeHours?: number;

  @ApiPropertyOptional({ description: 'Days after the session date a session may still be entered (default 14)' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(90)
  lateEntryDays?: number;

  @ApiPropertyOptional({ description: 'Days after the session date a work order may still be assigned (default 7)' })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(30)
  workOrderAssignmentDays?: number;

  @ApiPropertyOptional({ description: 'Dashboards suppress groups smaller than this in anonymized mode' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(1000)
  anonymizationMinGroupSize?: number;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean()
  guardianDigestEnabled?: boolean;

  @ApiPropertyOptional({ description: 'Post-session tasks (attendance, notes) are due this many hours after the session starts (default 24)' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskDueHours?: number;

  @ApiPropertyOptional({ description: 'An open post-session task this many hours past due is escalated to its school admins (default 24)' })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskEscalationHours?: number;
}

export class UpdateDistrictRequest extends VersionedUpdate {
  @OptionalText(200, { trim: false })
  name?: string;

  @ApiPropertyOptional({ example: 'America/Chicago' })
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

export interface DistrictResponse {
  id: string;
  name: string;
  timeZone: string;
  settings: Record<string, unknown>;
  version: number;
}
