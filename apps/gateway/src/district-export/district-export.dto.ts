import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsString, MaxLength, MinLength } from 'class-validator';

export const DISTRICT_EXPORT_SCOPES = ['district', 'student'] as const;
export type DistrictExportScope = (typeof DISTRICT_EXPORT_SCOPES)[number];
export const DISTRICT_EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type DistrictExportStatus = (typeof DISTRICT_EXPORT_STATUSES)[number];

/** POST /api/district-exports: everything the district owns (the student scope has its own route). */
export class StartDistrictExportBody {
  @ApiProperty({ enum: ['district'], example: 'district', description: 'Everything the district owns; a single student’s records go through POST /api/students/{id}/records-requests' })
  @Equals('district', { message: 'scope must be district (a student’s records: POST /api/students/{id}/records-requests)' })
  scope: 'district';
}

/** POST /api/students/:id/records-requests: who receives the student's records, and why (the disclosure names them). */
export class StartRecordsRequestBody {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'To whom the records are handed (the disclosure record names them)', example: 'Parent: Ana Garcia' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  recipient: string;

  @ApiProperty({ minLength: 1, maxLength: 500, example: 'FERPA request to inspect education records' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  purpose: string;
}

export class DistrictExportFile {
  @ApiProperty({ example: 'session-log/participant.jsonl' })
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  rows: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  bytes: number;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the file’s bytes, hex' })
  sha256: string;
}

export class DistrictExportReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: DISTRICT_EXPORT_SCOPES })
  scope: DistrictExportScope;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The student of a records request' })
  studentId: string | null;

  @ApiProperty({ type: String, nullable: true })
  recipient: string | null;

  @ApiProperty({ type: String, nullable: true })
  purpose: string | null;

  @ApiProperty({ enum: DISTRICT_EXPORT_STATUSES })
  status: DistrictExportStatus;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 })
  progress: number;

  @ApiProperty({ type: [DistrictExportFile], description: 'The files written so far, with their row counts (the manifest’s list once done)' })
  files: DistrictExportFile[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Rows of all files' })
  rows: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Size of the zip, once done' })
  sizeBytes: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 of the zip, once done' })
  sha256: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed' })
  error: string | null;

  @ApiProperty({ format: 'uuid' })
  requestedBy: string;

  @ApiProperty()
  requestedByName: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;
}
