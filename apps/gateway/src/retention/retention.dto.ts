import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { RECORD_CLASSES, RecordClass } from '@sessionledger/contracts';

export const MIN_RETENTION_YEARS = 1;
export const MAX_RETENTION_YEARS = 100;

/**
 * What a district keeps when it has not said otherwise: seven years for
 * every class. Medicaid-billed services must keep records at least six
 * years, FERPA disclosure records as long as the records disclosed, and
 * seven years is what state records schedules commonly ask of payroll.
 */
export const DEFAULT_RETENTION_YEARS: Record<RecordClass, number> = { sessions: 7, pay: 7, stateExports: 7, auditLog: 7 };

const YEARS = { type: 'integer', minimum: MIN_RETENTION_YEARS, maximum: MAX_RETENTION_YEARS } as const;

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RetentionPolicyBody {
  @ApiProperty({ ...YEARS, description: 'Sessions, their participants, notes, signed versions and trail', example: 7 })
  @IsInt()
  @Min(MIN_RETENTION_YEARS)
  @Max(MAX_RETENTION_YEARS)
  sessions: number;

  @ApiProperty({ ...YEARS, description: 'Pay periods, pay lines and billable lines', example: 7 })
  @IsInt()
  @Min(MIN_RETENTION_YEARS)
  @Max(MAX_RETENTION_YEARS)
  pay: number;

  @ApiProperty({ ...YEARS, description: 'State export files and the records reported', example: 7 })
  @IsInt()
  @Min(MIN_RETENTION_YEARS)
  @Max(MAX_RETENTION_YEARS)
  stateExports: number;

  @ApiProperty({ ...YEARS, description: 'The access and change log', example: 7 })
  @IsInt()
  @Min(MIN_RETENTION_YEARS)
  @Max(MAX_RETENTION_YEARS)
  auditLog: number;

  @ApiPropertyOptional({
    default: false,
    description:
      'Dispose automatically: the platform runs the disposal once a day under the authority of the admin who set this policy (left out: false, disposal only when an admin runs it)',
  })
  @IsOptional()
  @IsBoolean()
  automatic?: boolean;
}

export class RetentionPolicyReply extends RetentionPolicyBody {
  @ApiProperty({ description: 'The platform runs the disposal once a day' })
  declare automatic: boolean;

  @ApiProperty({ description: 'false while the district runs on the defaults' })
  configured: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Changes made so far (0: defaults)' })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  updatedBy: string | null;
}

export const LEGAL_HOLD_SUBJECTS = ['student', 'school'] as const;
export type LegalHoldSubject = (typeof LEGAL_HOLD_SUBJECTS)[number];

export class PlaceLegalHoldBody {
  @ApiProperty({ enum: LEGAL_HOLD_SUBJECTS, description: 'Hold every record of one student, or of one school' })
  @IsIn(LEGAL_HOLD_SUBJECTS)
  subjectType: LegalHoldSubject;

  @ApiProperty({ format: 'uuid', description: 'The student or school' })
  @IsUUID()
  subjectId: string;

  @ApiProperty({ minLength: 1, maxLength: 1000, example: 'Due-process complaint 2026-014' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

export class ReleaseLegalHoldBody {
  @ApiProperty({ minLength: 1, maxLength: 1000, example: 'Complaint settled; counsel released the hold' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

export class LegalHoldQuery extends SyncPageQuery {
  @ApiPropertyOptional({ enum: ['active', 'released'], description: 'Only holds in force, or only released ones' })
  @IsOptional()
  @IsIn(['active', 'released'])
  status?: 'active' | 'released';
}

export class PersonReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

export class LegalHoldReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: LEGAL_HOLD_SUBJECTS })
  subjectType: LegalHoldSubject;

  @ApiProperty({ format: 'uuid' })
  subjectId: string;

  @ApiProperty()
  reason: string;

  @ApiProperty({ enum: ['active', 'released'] })
  status: 'active' | 'released';

  @ApiProperty({ type: PersonReply })
  placedBy: PersonReply;

  @ApiProperty({ type: String, format: 'date-time' })
  placedAt: string;

  @ApiProperty({ type: PersonReply, nullable: true })
  releasedBy: PersonReply | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  releasedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  releaseReason: string | null;
}

export class RunDisposalBody {
  @ApiPropertyOptional({
    enum: RECORD_CLASSES,
    isArray: true,
    minItems: 1,
    maxItems: RECORD_CLASSES.length,
    description: 'The classes to dispose of now; every class when left out',
    example: ['sessions', 'auditLog'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RECORD_CLASSES.length)
  @ArrayUnique()
  @IsIn(RECORD_CLASSES, { each: true, message: `each value in recordClasses must be one of ${RECORD_CLASSES.join(', ')}` })
  recordClasses?: RecordClass[];
}

export const DISPOSAL_STATUSES = ['completed', 'failed'] as const;
export type DisposalStatus = (typeof DISPOSAL_STATUSES)[number];

export class DisposalReportReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The run this report is part of (one report per class)' })
  runId: string;

  @ApiProperty({ enum: RECORD_CLASSES })
  recordClass: RecordClass;

  @ApiProperty({ type: 'integer' })
  retentionYears: number;

  @ApiProperty({ type: String, format: 'date', description: 'Records dated before this day (district time) were past retention' })
  cutoff: string;

  @ApiProperty({ enum: DISPOSAL_STATUSES, description: '`failed`: see `error`; batches committed before the failure stay disposed of, the next run carries on' })
  status: DisposalStatus;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Records deleted: sessions, closed pay periods, state exports or audit events' })
  disposed: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Records past retention kept because a legal hold covers them' })
  heldBack: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Students and schools under a legal hold when the run started' })
  activeHolds: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why a failed class failed' })
  error: string | null;

  @ApiProperty({ type: PersonReply })
  runBy: PersonReply;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  finishedAt: string;
}

export class DisposalRunReply {
  @ApiProperty({ format: 'uuid' })
  runId: string;

  @ApiProperty({ type: [DisposalReportReply] })
  reports: DisposalReportReply[];
}
