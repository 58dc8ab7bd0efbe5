import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, IsUUID, Min, ValidateNested, IsBoolean, Max } from 'class-validator';
import { TenantEvent } from '../actor';
import { defineEvent } from '../contract';

/**
 * District settings the services apply on their own (time zone, notice window,
 * late-entry window). The gateway owns them; the services keep a replica.
 */
export class DistrictSettingsSnapshot {
  @ApiProperty({ minimum: 0, maximum: 24 * 14, description: 'Cancelling at least this many hours before the start is not billable' })
  @IsInt()
  @Min(0)
  @Max(24 * 14)
  cancellationNoticeHours: number;

  @ApiProperty({ minimum: 0, maximum: 90, description: 'Days after the session date a session may still be entered' })
  @IsInt()
  @Min(0)
  @Max(90)
  lateEntryDays: number;

  @ApiProperty({ minimum: 0, maximum: 30, description: 'Days after the session date a work order may still be assigned' })
  @IsInt()
  @Min(0)
  @Max(30)
  workOrderAssignmentDays: number;

  @ApiProperty({ minimum: 1, maximum: 1000, description: 'Dashboards suppress groups smaller than this in anonymized mode' })
  @IsInt()
  @Min(1)
  @Max(1000)
  anonymizationMinGroupSize: number;

  @ApiProperty({ description: 'Guardians get a digest of their children’s shared notes' })
  @IsBoolean()
  guardianDigestEnabled: boolean;

  @ApiProperty({ minimum: 1, maximum: 24 * 30, description: 'Post-session tasks are due this many hours after the session starts' })
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskDueHours: number;

  @ApiProperty({ minimum: 1, maximum: 24 * 30, description: 'An open task this many hours past due is escalated to its school admins' })
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskEscalationHours: number;
}

export class DistrictSettingsChanged extends TenantEvent {
  @IsString()
  name: string;

  @IsString()
  timeZone: string;

  /** Increases with every change; replicas ignore an older version arriving late. */
  @IsInt()
  @Min(1)
  version: number;

  @IsObject()
  @ValidateNested()
  @Type(() => DistrictSettingsSnapshot)
  settings: DistrictSettingsSnapshot;
}

export const DISTRICT_SETTINGS_CHANGED = defineEvent(
  'gateway',
  'district-settings-changed',
  DistrictSettingsChanged,
  ['scheduling', 'session-log', 'payroll', 'state-reporting'],
);

export class SchoolChanged extends TenantEvent {
  @IsUUID()
  schoolId: string;

  @IsString()
  name: string;

  @IsString()
  stateSchoolCode: string;

  @IsBoolean()
  active: boolean;

  @IsInt()
  @Min(1)
  version: number;
}

export const SCHOOL_CHANGED = defineEvent('gateway', 'school-changed', SchoolChanged, [
  'scheduling',
  'session-log',
  'payroll',
  'state-reporting',
]);
