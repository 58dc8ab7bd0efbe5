import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { TenantEvent } from '../actor';
import { defineEvent } from '../contract';
import { IsCalendarDate } from './work-orders';

/**
 * Events that exist so district systems (SIS, HR/payroll, warehouses) learn
 * of changes without polling: the gateway turns each into a webhook. Payloads
 * carry ids, statuses, versions and times only: never names, notes or other
 * personal data a receiver could not get through the API anyway.
 */

export class PayPeriodClosed extends TenantEvent {
  @IsUUID()
  periodId: string;

  @IsCalendarDate()
  startsOn: string;

  @IsCalendarDate()
  endsOn: string;

  @IsISO8601()
  closedAt: string;
}

export const STATE_EXPORT_OUTCOMES = ['done', 'failed'] as const;

export class StateExportFinished extends TenantEvent {
  @IsUUID()
  exportId: string;

  @IsIn(['csv', 'edfi'])
  format: 'csv' | 'edfi';

  @IsIn(STATE_EXPORT_OUTCOMES)
  status: (typeof STATE_EXPORT_OUTCOMES)[number];

  /** Records in the file; null when it failed. */
  @IsOptional()
  @IsInt()
  @Min(0)
  records: number | null;

  /** The user who started the export (the gateway mails them when it is done). */
  @IsUUID()
  requestedBy: string;

  @IsISO8601()
  finishedAt: string;
}

export class RosterImportFinished extends TenantEvent {
  @IsUUID()
  importId: string;

  @IsIn(['succeeded', 'failed'])
  status: 'succeeded' | 'failed';

  @IsBoolean()
  dryRun: boolean;

  @IsInt()
  @Min(0)
  errorCount: number;

  /** The failure's code (`ROSTER.…`) when it failed. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  failureCode: string | null;

  @IsISO8601()
  finishedAt: string;
}

export const DIRECTORY_RECORDS = ['school', 'staff', 'student', 'guardian', 'group'] as const;
export type DirectoryRecord = (typeof DIRECTORY_RECORDS)[number];
export const DIRECTORY_CHANGES = ['created', 'updated', 'deactivated'] as const;

/**
 * A directory record was created, changed or deactivated, by whichever writer
 * (API, roster import, seed, operator): the gateway's tables record it.
 */
export class DirectoryRecordChanged extends TenantEvent {
  @IsIn(DIRECTORY_RECORDS)
  record: DirectoryRecord;

  @IsUUID()
  id: string;

  /** The OneRoster sourcedId when the record came from a roster import. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  sourcedId: string | null;

  @IsIn(DIRECTORY_CHANGES)
  change: (typeof DIRECTORY_CHANGES)[number];

  @IsBoolean()
  active: boolean;

  @IsInt()
  @Min(1)
  version: number;
}

export const PAY_PERIOD_CLOSED = defineEvent('payroll', 'pay-period-closed', PayPeriodClosed, ['gateway']);
export const STATE_EXPORT_FINISHED = defineEvent('state-reporting', 'export-finished', StateExportFinished, ['gateway']);
export const ROSTER_IMPORT_FINISHED = defineEvent('gateway', 'roster-import-finished', RosterImportFinished, ['gateway']);
export const DIRECTORY_RECORD_CHANGED = defineEvent('gateway', 'directory-record-changed', DirectoryRecordChanged, ['gateway']);

export const INTEGRATION_EVENTS = [PAY_PERIOD_CLOSED, STATE_EXPORT_FINISHED, ROSTER_IMPORT_FINISHED, DIRECTORY_RECORD_CHANGED] as const;
