/**
 * The session rules of DESIGN.md that more than one service applies
 * (session-log when logging, scheduling when an occurrence is cancelled,
 * payroll when paying). Pure functions of their inputs, so every service
 * reaches the same answer.
 */

import { localDateIn } from '@sessionledger/common';

export const ATTENDANCE_STATUSES = ['attended', 'missed_billable', 'cancelled_billable', 'cancelled_nonbillable'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** DESIGN.md "Attendance": who is billed and who is paid for each status. */
export const FAMILY_BILLED: Readonly<Record<AttendanceStatus, boolean>> = {
  attended: true,
  missed_billable: true,
  cancelled_billable: true,
  cancelled_nonbillable: false,
};
export const PROVIDER_PAID: Readonly<Record<AttendanceStatus, boolean>> = FAMILY_BILLED;

/**
 * Cancelling at least `noticeHours` before the start costs nobody anything;
 * later than that (or after the start) the family is billed and the provider paid.
 */
export function cancellationStatus(startsAt: Date, cancelledAt: Date, noticeHours: number): 'cancelled_billable' | 'cancelled_nonbillable' {
  const noticeMs = startsAt.getTime() - cancelledAt.getTime();
  return noticeMs >= noticeHours * 3_600_000 ? 'cancelled_nonbillable' : 'cancelled_billable';
}

export const DURATION_STEP_MINUTES = 5;
export const MIN_DURATION_MINUTES = 15;
export const MAX_MINUTES_OVER_PLANNED = 30;

/** Whole minutes between two instants, as the clock ran. */
export function rawMinutes(startedAt: Date, endedAt: Date): number {
  return Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 60_000));
}

/** The duration a session ends with before anyone adjusts it: the raw time to the nearest 5-minute step. */
export function defaultAdjustedMinutes(raw: number): number {
  return Math.round(raw / DURATION_STEP_MINUTES) * DURATION_STEP_MINUTES;
}

/**
 * Problems with an adjusted duration a provider sets; an admin may go
 * outside the range with a reason, never off the 5-minute steps. The planned
 * duration is the scheduled one, or the session as run when nothing was planned.
 */
export function durationRangeProblem(minutes: number, plannedMinutes: number): string | null {
  const max = plannedMinutes + MAX_MINUTES_OVER_PLANNED;
  if (minutes < MIN_DURATION_MINUTES) return `must be at least ${MIN_DURATION_MINUTES} minutes`;
  if (minutes > max) return `must be at most ${max} minutes (the planned ${plannedMinutes} plus ${MAX_MINUTES_OVER_PLANNED})`;
  return null;
}

export function durationStepProblem(minutes: number): string | null {
  return minutes % DURATION_STEP_MINUTES === 0 && minutes > 0 ? null : `must be a positive multiple of ${DURATION_STEP_MINUTES} minutes`;
}

export const REMEDIAL_CRITERIA = ['d_or_f_grade', 'reading_improvement_plan', 'below_basic_state_assessment', 'below_grade_level_district_assessment'] as const;
export type RemedialCriterion = (typeof REMEDIAL_CRITERIA)[number];

export interface QualifierFlags {
  homebound: boolean;
  detention: boolean;
  creditRecovery: boolean;
  remedial: boolean;
}

/** The calendar day an instant falls on in a time zone, `YYYY-MM-DD`. */
export function localDate(instant: Date, timeZone: string): string {
  return localDateIn(instant.getTime(), timeZone);
}

/** Whole days from one `YYYY-MM-DD` to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * District settings with the defaults a district starts with. The gateway
 * owns them; every service reads its replica through `settingsWithDefaults`,
 * so a setting added later has its default everywhere.
 */
export interface DistrictSettings {
  cancellationNoticeHours: number;
  lateEntryDays: number;
  workOrderAssignmentDays: number;
  anonymizationMinGroupSize: number;
  guardianDigestEnabled: boolean;
  /** Post-session tasks (attendance, notes) are due this many hours after the session starts. */
  taskDueHours: number;
  /** An open task this many hours past due is escalated to its school's admins. */
  taskEscalationHours: number;
}

export const DEFAULT_DISTRICT_SETTINGS: Readonly<DistrictSettings> = Object.freeze({
  cancellationNoticeHours: 24,
  lateEntryDays: 14,
  workOrderAssignmentDays: 7,
  anonymizationMinGroupSize: 10,
  guardianDigestEnabled: true,
  taskDueHours: 24,
  taskEscalationHours: 24,
});

export function settingsWithDefaults(settings: Partial<DistrictSettings> | null | undefined): DistrictSettings {
  return { ...DEFAULT_DISTRICT_SETTINGS, ...(settings ?? {}) };
}

/**
 * Whether a work order can cover a session: the same provider and school,
 * active, and valid on the session's day. Null when it can.
 */
export function workOrderCoverageProblem(
  order: { providerId: string; schoolId: string; active: boolean; validFrom: string; validTo: string },
  session: { providerId: string; schoolId: string; sessionDate: string },
): string | null {
  if (order.providerId !== session.providerId) return 'is not a work order of the session’s provider';
  if (order.schoolId !== session.schoolId) return 'is for another school than the session’s';
  if (!order.active) return 'is deactivated';
  if (session.sessionDate < order.validFrom || session.sessionDate > order.validTo) {
    return `covers ${order.validFrom} to ${order.validTo}, not the session date ${session.sessionDate}`;
  }
  return null;
}
