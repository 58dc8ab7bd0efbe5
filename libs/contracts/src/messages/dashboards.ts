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

interface DashboardReplyBase {
  from: string | null;
  to: string | null;
  schoolId: string | null;
  anonymized: boolean;
  /** The district's anonymizationMinGroupSize (applied only when anonymized). */
  minGroupSize: number;
  /** Groups left out because they had fewer people than minGroupSize (0 unless anonymized). */
  suppressedGroups: number;
}

export interface DashboardGroup {
  /** The service, school id, provider id, qualifier, week's Monday, work order type or teacher id. */
  key: string;
  /** What a person reads: the school's state code, the provider's or teacher's name; the key otherwise. */
  label: string;
  minutes: number;
  sessions: number;
}

export interface MinutesGroup extends DashboardGroup {
  /** Distinct students. */
  students: number;
  /** Student records (one per student per session). */
  records: number;
}

export interface MinutesDashboardReply extends DashboardReplyBase {
  groupBy: MinutesGrouping;
  groups: MinutesGroup[];
}

export interface CoachingGroup extends DashboardGroup {
  /** Distinct teachers. */
  teachers: number;
}

export interface CoachingDashboardReply extends DashboardReplyBase {
  groupBy: CoachingGrouping;
  groups: CoachingGroup[];
}

export interface DosageTotals {
  students: number;
  plannedMinutes: number;
  deliveredMinutes: number;
  /** Delivered as a percentage of planned, rounded; null when nothing was planned. */
  dosagePercent: number | null;
}

export interface StudentDosage extends DosageTotals {
  studentId: string;
  studentName: string;
  stateId: string | null;
  sessions: number;
}

/**
 * Planned against delivered minutes. Anonymized: no student rows, only the
 * totals, and those only when there are at least minGroupSize students.
 */
export interface DosageDashboardReply extends DashboardReplyBase {
  /** Null when anonymized and too few students. */
  totals: DosageTotals | null;
  items: StudentDosage[];
  page: number;
  pageSize: number;
  /** Students in scope (0 when anonymized: no student rows are given). */
  total: number;
}

export const MINUTES_DASHBOARD = defineCommand<MinutesDashboardCommand, MinutesDashboardReply>('state-reporting', 'minutes-dashboard', MinutesDashboardCommand);
export const DOSAGE_DASHBOARD = defineCommand<DosageDashboardCommand, DosageDashboardReply>('state-reporting', 'dosage-dashboard', DosageDashboardCommand);
export const COACHING_DASHBOARD = defineCommand<CoachingDashboardCommand, CoachingDashboardReply>('state-reporting', 'coaching-dashboard', CoachingDashboardCommand);

export const DASHBOARD_COMMANDS = [MINUTES_DASHBOARD, DOSAGE_DASHBOARD, COACHING_DASHBOARD] as const;
