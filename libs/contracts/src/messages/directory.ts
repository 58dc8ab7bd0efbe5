import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, IsUUID, Min, ValidateNested, IsBoolean, Max } from 'class-validator';
import { TenantEvent } from '../actor';
import { defineEvent } from '../contract';

/**
 * District settings the services apply on their own (time zone, notice window,
 * late-entry window). The gateway owns them; the services keep a replica.
 */
export class DistrictSettingsSnapshot {
  @IsInt()
  @Min(0)
  @Max(24 * 14)
  cancellationNoticeHours: number;

  @IsInt()
  @Min(0)
  @Max(90)
  lateEntryDays: number;

  @IsInt()
  @Min(0)
  @Max(30)
  workOrderAssignmentDays: number;

  @IsInt()
  @Min(1)
  @Max(1000)
  anonymizationMinGroupSize: number;

  @IsBoolean()
  guardianDigestEnabled: boolean;

  @IsInt()
  @Min(1)
  @Max(24 * 30)
  taskDueHours: number;

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
