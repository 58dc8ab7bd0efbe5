import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { IsCalendarDate } from './work-orders';

/**
 * Student minutes by: the service; the school the session was held at; the
 * provider; each qualifier (a record with several counts under each, one
 * with none under `none`); the week (ISO, starting Monday); the category,
 * which is the work order type (`none` without a work order).
 */
export const MINUTES_GROUPINGS = ['service', 'school', 'provider', 'qualifier', 'week', 'category'] as const;
export type MinutesGrouping = (typeof MINUTES_GROUPINGS)[number];

/**
 * Coaching minutes by: category (the coaching service: the coaching log's own
 * fields are not in the posted snapshot); the school; the provider (coach);
 * the teacher coached; the teacher's group (as snapshotted when the teacher
 * joined the session: a teacher in no group counts under `none`, one in two
 * groups counts in both).
 */
export const COACHING_GROUPINGS = ['category', 'school', 'provider', 'teacher', 'teacher_group'] as const;
export type CoachingGrouping = (typeof COACHING_GROUPINGS)[number];

/** Current versions of posted sessions, on the dates asked for, within the admin's schools (by where the session was held). */
export abstract class DashboardCommand extends TenantCommand {
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** Leave out every group with fewer distinct people than the district's anonymizationMinGroupSize. */
  @IsOptional()
  @IsBoolean()
  anonymized?: boolean;
}

export class MinutesDashboardCommand extends DashboardCommand {
  @IsIn(MINUTES_GROUPINGS)
  groupBy: MinutesGrouping;
}

export class CoachingDashboardCommand extends DashboardCommand {
  @IsIn(COACHING_GROUPINGS)
  groupBy: CoachingGrouping;
}

export class DosageDashboardCommand extends DashboardCommand {
  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
}

// ---- replies ----

abstract class DashboardReplyBase {
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'First session date asked for (district local); null: from the first' })
  from: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Last session date asked for; null: up to the last' })
  to: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  schoolId: string | null;

  @ApiProperty()
  anonymized: boolean;

  /** The district's anonymizationMinGroupSize (applied only when anonymized). */
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The district’s anonymizationMinGroupSize (applied only when anonymized)' })
  minGroupSize: number;

  /** Groups left out because they had fewer people than minGroupSize (0 unless anonymized). */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Groups left out because they had fewer people than minGroupSize (0 unless anonymized)' })
  suppressedGroups: number;
}

export class DashboardGroup {
  /** The service, school id, provider id, qualifier, week's Monday, work order type or teacher id. */
  @ApiProperty({ description: 'The service, school id, provider id, qualifier, week’s Monday, work order type or teacher id', example: 'tutoring' })
  key: string;

  /** What a person reads: the school's state code, the provider's or teacher's name; the key otherwise. */
  @ApiProperty({ description: 'What a person reads: the school’s state code, the provider’s or teacher’s name; the key otherwise', example: 'Tutoring' })
  label: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  minutes: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  sessions: number;
}

export class MinutesGroup extends DashboardGroup {
  /** Distinct students. */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Distinct students' })
  students: number;

  /** Student records (one per student per session). */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Student records (one per student per session)' })
  records: number;
}

export class MinutesDashboardReply extends DashboardReplyBase {
  @ApiProperty({ enum: MINUTES_GROUPINGS })
  groupBy: MinutesGrouping;

  @ApiProperty({ type: [MinutesGroup] })
  groups: MinutesGroup[];
}

export class CoachingGroup extends DashboardGroup {
  /** Distinct teachers. */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Distinct teachers' })
  teachers: number;
}

export class CoachingDashboardReply extends DashboardReplyBase {
  @ApiProperty({ enum: COACHING_GROUPINGS })
  groupBy: CoachingGrouping;

  @ApiProperty({ type: [CoachingGroup] })
  groups: CoachingGroup[];
}

export class DosageTotals {
  @ApiProperty({ type: 'integer', minimum: 0 })
  students: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  plannedMinutes: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  deliveredMinutes: number;

  /** Delivered as a percentage of planned, rounded; null when nothing was planned. */
  @ApiProperty({ type: 'integer', nullable: true, description: 'Delivered as a percentage of planned, rounded; null when nothing was planned' })
  dosagePercent: number | null;
}

export class StudentDosage extends DosageTotals {
  @ApiProperty({ format: 'uuid' })
  studentId: string;

  @ApiProperty()
  studentName: string;

  @ApiProperty({ type: String, nullable: true, description: 'The state’s student id' })
  stateId: string | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  sessions: number;
}

/**
 * Planned against delivered minutes. Anonymized: no student rows, only the
 * totals, and those only when there are at least minGroupSize students.
 */
export class DosageDashboardReply extends DashboardReplyBase {
  /** Null when anonymized and too few students. */
  @ApiProperty({ type: () => DosageTotals, nullable: true, description: 'Null when anonymized and too few students' })
  totals: DosageTotals | null;

  @ApiProperty({ type: [StudentDosage], description: 'One page of students, by name then id' })
  items: StudentDosage[];

  @ApiProperty({ type: 'integer', minimum: 1 })
  page: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 200 })
  pageSize: number;

  /** Students in scope (0 when anonymized: no student rows are given). */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Students in scope (0 when anonymized: no student rows are given)' })
  total: number;
}

export const MINUTES_DASHBOARD = defineCommand<MinutesDashboardCommand, MinutesDashboardReply>('state-reporting', 'minutes-dashboard', MinutesDashboardCommand);
export const DOSAGE_DASHBOARD = defineCommand<DosageDashboardCommand, DosageDashboardReply>('state-reporting', 'dosage-dashboard', DosageDashboardCommand);
export const COACHING_DASHBOARD = defineCommand<CoachingDashboardCommand, CoachingDashboardReply>('state-reporting', 'coaching-dashboard', CoachingDashboardCommand);

export const DASHBOARD_COMMANDS = [MINUTES_DASHBOARD, DOSAGE_DASHBOARD, COACHING_DASHBOARD] as const;
