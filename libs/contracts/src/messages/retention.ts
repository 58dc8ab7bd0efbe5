import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsUUID, Max, Min } from 'class-validator';
import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { IsCalendarDate } from './work-orders';

/**
 * The classes of records a district keeps for a number of years and then
 * disposes of. Each class is disposed of by the service that owns its rows;
 * the gateway decides the cutoff (from the district's retention and time
 * zone) and the legal holds, and sends both in the command, so no service
 * needs a copy of either.
 */
export const RECORD_CLASSES = ['sessions', 'pay', 'stateExports', 'auditLog'] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];

/** Holds a district may have in force at once; each travels in every disposal command. */
export const MAX_ACTIVE_LEGAL_HOLDS = 10_000;

export class DisposeRecordsCommand extends TenantCommand {
  /** Records dated (in the district's time zone) before this day are past retention. */
  @IsCalendarDate()
  before: string;

  @IsArray()
  @ArrayMaxSize(MAX_ACTIVE_LEGAL_HOLDS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  heldStudentIds: string[];

  @IsArray()
  @ArrayMaxSize(MAX_ACTIVE_LEGAL_HOLDS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  heldSchoolIds: string[];

  /** Rows per transaction: each batch commits on its own, so a long disposal never holds locks for long. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  batchSize: number;
}

export interface DisposalReply {
  /** Records deleted. */
  disposed: number;
  /** Records past retention kept because a legal hold covers them. */
  heldBack: number;
}

export const DISPOSE_SESSIONS = defineCommand<DisposeRecordsCommand, DisposalReply>('session-log', 'dispose-sessions', DisposeRecordsCommand);

/** Pay is disposed of by whole closed pay periods: `disposed` and `heldBack` count periods. */
export const DISPOSE_PAY = defineCommand<DisposeRecordsCommand, DisposalReply>('payroll', 'dispose-pay', DisposeRecordsCommand);

/** `disposed` and `heldBack` count state exports; the reported copies of sessions before the cutoff go with them, uncounted. */
export const DISPOSE_STATE_EXPORTS = defineCommand<DisposeRecordsCommand, DisposalReply>('state-reporting', 'dispose-state-exports', DisposeRecordsCommand);

export const RETENTION_COMMANDS = [DISPOSE_SESSIONS, DISPOSE_PAY, DISPOSE_STATE_EXPORTS];
