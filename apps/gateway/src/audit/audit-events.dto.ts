import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { INSTANT, SyncPageQuery } from '@sessionledger/common';
import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS, AuditAction, AuditActorKind } from './audit-log';

const instant = (field: 'from' | 'to', description: string) =>
  [
    ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-12-01T00:00:00Z', maxLength: 40, description }),
    IsOptional(),
    IsString(),
    MaxLength(40),
    Matches(INSTANT, { message: `${field} must be an instant with its offset, such as 2026-12-01T00:00:00Z` }),
    IsISO8601({ strict: true }, { message: `${field} must be a real date and time` }),
  ] as PropertyDecorator[];

function Instant(field: 'from' | 'to', description: string): PropertyDecorator {
  return (target, key) => instant(field, description).forEach((decorate) => decorate(target, key));
}

/** The search of the log; the CSV takes the same filters without paging. */
export class AuditEventFilter {
  @ApiPropertyOptional({ format: 'uuid', description: 'Events concerning this student (reads of their record, sessions, dashboards; changes to them)' })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Events of this actor: a user, or an API client (its id)' })
  @IsOptional()
  @IsUUID('all', { message: 'actorUserId must be a UUID' })
  actorUserId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of: ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @Instant('from', 'Events at or after this instant')
  from?: string;

  @Instant('to', 'Events before this instant (not included)')
  to?: string;
}

/** The filters and the page, validated as each is on its own. Entries never change: `updatedSince` keeps those recorded at or after it. */
export class AuditEventQuery extends IntersectionType(AuditEventFilter, SyncPageQuery) {}

export class AuditEventReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action: AuditAction;

  @ApiProperty({ enum: AUDIT_ACTOR_KINDS, description: 'A user, an API client, an operator command run on the server, or someone not known to be any account (a failed single sign-on)' })
  actorKind: AuditActorKind;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user, or the API client; null for an operator command or an anonymous actor' })
  actorId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The actor’s name when the event happened' })
  actorName: string | null;

  @ApiProperty({ example: 'student', description: 'What the event is about: student, session, user, district, school, guardian, group, staff-group, api-client, roster-import, dashboard, state-export, audit-log' })
  subjectType: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  subjectId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The student the event concerns, if one' })
  studentId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Changes: the changed fields as they were' })
  before: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Changes: the changed fields as they became' })
  after: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Other facts: a failure’s reason, a sign-in’s method, a signed version' })
  detail: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true, description: 'The request’s correlation id (X-Correlation-Id)' })
  correlationId: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'The client address the trusted proxies vouch for' })
  clientAddress: string | null;
}
