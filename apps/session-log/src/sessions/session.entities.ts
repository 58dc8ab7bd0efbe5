import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import type { PostedSessionSnapshot, Role, SessionState, SignatureMethod } from '@sessionledger/contracts';
import type { AttendanceStatus, ParticipantKind, RemedialCriterion } from '@sessionledger/session-rules';
import { TenantScopedEntity } from '@sessionledger/persistence';

/**
 * One session as run and logged. Names of the provider, group and
 * participants are copies taken when they joined: the log records who was
 * there, even if the directory changes later.
 */
@Entity({ tableName: 'session' })
export class Session extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text' })
  providerName: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'text' })
  participantKind: ParticipantKind;

  @Property({ type: 'uuid', nullable: true })
  groupId: string | null = null;

  @Property({ type: 'text', nullable: true })
  groupName: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  workOrderId: string | null = null;

  @Property({ type: 'text', nullable: true })
  workOrderType: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  workOrderAssignedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'boolean' })
  familyInvolvement = false;

  @Property({ type: 'text', nullable: true })
  activitiesDescription: string | null = null;

  @Property({ type: 'text' })
  state: SessionState = 'active';

  /** The day of the start in the district's time zone: the day windows (late entry, work order) count from. */
  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'timestamptz' })
  startedAt: Date;

  @Property({ type: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  plannedMinutes: number | null = null;

  /** The scheduled occurrence the session was started from (its series and the start the series gives it), for the calendar. */
  @Property({ type: 'uuid', nullable: true })
  occurrenceSeriesId: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  occurrenceStart: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  adjustedMinutes: number | null = null;

  @Property({ type: 'text', nullable: true })
  durationOverrideReason: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  durationOverrideBy: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  durationOverrideAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Property({ type: 'boolean' })
  needsAttention = false;

  @Property({ type: 'text[]' })
  tags: string[] = [];

  @Property({ type: 'jsonb', nullable: true })
  coachingLog: Record<string, unknown> | null = null;

  /** The signed version in force; null until posted. Once set, the row changes only by amendment. */
  @Property({ type: 'integer', nullable: true })
  postedVersion: number | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  postedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'uuid' })
  createdBy: string;

  constructor(fields: {
    districtId: string;
    providerId: string;
    providerName: string;
    schoolId: string;
    service: string;
    participantKind: ParticipantKind;
    sessionDate: string;
    startedAt: Date;
    createdBy: string;
  }) {
    super();
    Object.assign(this, fields);
  }
}

/** A participant's part in a session (an encounter): times, attendance, qualifiers, notes. */
@Entity({ tableName: 'participant' })
export class Participant extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'text' })
  kind: ParticipantKind;

  /** A student id, or a staff member's user id for coaching. */
  @Property({ type: 'uuid' })
  personId: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'uuid', nullable: true })
  schoolId: string | null = null;

  @Property({ type: 'text', nullable: true })
  stateId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  homeboundTeacherId: string | null = null;

  /** A staff participant's teacher groups when added (for coaching reports); null when none were sent. */
  @Property({ type: 'jsonb', nullable: true })
  teacherGroups: { id: string; name: string }[] | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  timeIn: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  timeOut: Date | null = null;

  @Property({ type: 'integer' })
  timeAwayMinutes = 0;

  @Property({ type: 'boolean', nullable: true })
  present: boolean | null = null;

  @Property({ type: 'text', nullable: true })
  attendanceStatus: AttendanceStatus | null = null;

  @Property({ type: 'boolean' })
  homebound = false;

  @Property({ type: 'boolean' })
  detention = false;

  @Property({ type: 'boolean' })
  creditRecovery = false;

  @Property({ type: 'boolean' })
  remedial = false;

  @Property({ type: 'text[]' })
  remedialCriteria: RemedialCriterion[] = [];

  @Property({ type: 'text', nullable: true })
  subject: string | null = null;

  @Property({ type: 'text[]' })
  activities: string[] = [];

  @Property({ type: 'text[]' })
  accommodations: string[] = [];

  @Property({ type: 'text', nullable: true })
  studentNote: string | null = null;

  @Property({ type: 'text', nullable: true })
  clientNote: string | null = null;

  @Property({ type: 'text', nullable: true })
  adminNote: string | null = null;

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  addedAt: Date = new Date();

  @Property({ type: 'uuid' })
  addedBy: string;

  constructor(fields: {
    districtId: string;
    sessionId: string;
    kind: ParticipantKind;
    personId: string;
    name: string;
    schoolId: string | null;
    stateId: string | null;
    homeboundTeacherId: string | null;
    timeIn: Date | null;
    addedBy: string;
  }) {
    super();
    Object.assign(this, fields);
  }
}

export const TASK_KINDS = ['attendance', 'notes'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Work owed after a session, from the moment it starts. */
@Entity({ tableName: 'post_session_task' })
export class PostSessionTask extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'text' })
  kind: TaskKind;

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'timestamptz' })
  dueAt: Date;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Stamped by the database on every real change (Migration20261205060000ListSync). */
  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  constructor(session: Session, kind: TaskKind, dueAt: Date) {
    super();
    this.districtId = session.districtId;
    this.sessionId = session.id;
    this.kind = kind;
    this.providerId = session.providerId;
    this.schoolId = session.schoolId;
    this.sessionDate = session.sessionDate;
    this.dueAt = dueAt;
  }
}

/** One entry of a session's trail: who did what, when. */
@Entity({ tableName: 'session_change' })
export class SessionChange extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @Property({ type: 'uuid' })
  actorId: string;

  @Property({ type: 'text' })
  actorName: string;

  @Property({ type: 'text' })
  action: string;

  @Property({ type: 'jsonb' })
  detail: Record<string, unknown>;

  constructor(fields: { districtId: string; sessionId: string; actorId: string; actorName: string; action: string; detail: Record<string, unknown> }) {
    super();
    Object.assign(this, fields);
  }
}

/** A signed version of a session: the snapshot as posted, its hash, and who signed it, when and why. Never changes. */
@Entity({ tableName: 'session_version' })
export class SessionVersion extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  sessionId: string;

  @PrimaryKey({ type: 'integer' })
  version: number;

  @Property({ type: 'jsonb' })
  snapshot: PostedSessionSnapshot;

  @Property({ type: 'text' })
  contentHash: string;

  @Property({ type: 'uuid' })
  signerId: string;

  @Property({ type: 'text' })
  signerName: string;

  @Property({ type: 'text' })
  signerRole: Role;

  /** The password, or the signing PIN of an account without one (Migration20261205010000SignatureMethod). */
  @Property({ type: 'text' })
  signatureMethod: SignatureMethod;

  @Property({ type: 'text' })
  meaning: string;

  @Property({ type: 'timestamptz' })
  signedAt: Date;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  constructor(fields: Omit<SessionVersion, 'reason'> & { reason: string | null }) {
    super();
    Object.assign(this, fields);
  }
}

/** The session an occurrence gave: at most one (the primary key), released only by deleting that session. */
@Entity({ tableName: 'occurrence_claim' })
export class OccurrenceClaim extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  seriesId: string;

  @PrimaryKey({ type: 'timestamptz' })
  occurrenceStart: Date;

  @Property({ type: 'uuid' })
  sessionId: string;

  constructor(districtId: string, seriesId: string, occurrenceStart: Date, sessionId: string) {
    super();
    this.districtId = districtId;
    this.seriesId = seriesId;
    this.occurrenceStart = occurrenceStart;
    this.sessionId = sessionId;
  }
}
