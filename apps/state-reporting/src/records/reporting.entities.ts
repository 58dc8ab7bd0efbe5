import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import { Delivery } from '@sessionledger/contracts';
import { AttendanceStatus, ParticipantKind, RemedialCriterion } from '@sessionledger/session-rules';
import { TenantScopedEntity } from '@sessionledger/persistence';

/** One posted version of a session as state reporting received it, with whether the state export takes it. */
@Entity({ tableName: 'reported_session' })
export class ReportedSession extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'integer' })
  sessionVersion: number;

  @Property({ type: 'text' })
  event: 'posted' | 'amended';

  @Property({ type: 'text', nullable: true })
  amendmentReason: string | null = null;

  /** The newest version received; earlier ones stay as history. */
  @Property({ type: 'boolean' })
  current: boolean;

  @Property({ type: 'integer', nullable: true })
  supersededBy: number | null = null;

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text' })
  providerName: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'text', nullable: true })
  schoolCode: string | null = null;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'text' })
  participantKind: ParticipantKind;

  @Property({ type: 'uuid', nullable: true })
  workOrderId: string | null = null;

  @Property({ type: 'text', nullable: true })
  workOrderType: string | null = null;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'timestamptz' })
  startedAt: Date;

  @Property({ type: 'timestamptz' })
  endedAt: Date;

  @Property({ type: 'text' })
  state: 'ended' | 'cancelled';

  @Property({ type: 'text[]' })
  tags: string[];

  @Property({ type: 'boolean' })
  careerLadderGoalTagged: boolean;

  @Property({ type: 'integer' })
  students: number;

  /** Null for a coaching session: the state report is about students. */
  @Property({ type: 'boolean', nullable: true })
  eligible: boolean | null;

  @Property({ type: 'text[]' })
  ineligibleReasons: string[];

  @Property({ type: 'text' })
  contentHash: string;

  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();

  /** Stamped by the database on every real change (Migration20261205060000ListSync). */
  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  constructor(fields: Omit<ReportedSession, 'id' | 'receivedAt' | 'updatedAt'>) {
    super();
    Object.assign(this, fields);
  }
}

/** One student of one posted version of a session: what the state export reports. */
@Entity({ tableName: 'reportable_record' })
export class ReportableRecord extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'integer' })
  sessionVersion: number;

  @Property({ type: 'boolean' })
  current: boolean;

  @Property({ type: 'boolean' })
  eligible: boolean;

  @Property({ type: 'uuid' })
  participantId: string;

  @Property({ type: 'uuid' })
  studentId: string;

  @Property({ type: 'text' })
  studentName: string;

  @Property({ type: 'text', nullable: true })
  stateId: string | null = null;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'text', nullable: true })
  schoolCode: string | null = null;

  /** The student's school, whose bell schedule applies (the session's when the student has none). */
  @Property({ type: 'uuid' })
  studentSchoolId: string;

  @Property({ type: 'text', nullable: true })
  studentSchoolCode: string | null = null;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'text' })
  attendanceStatus: AttendanceStatus;

  @Property({ type: 'timestamptz', nullable: true })
  timeIn: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  timeOut: Date | null = null;

  @Property({ type: 'integer' })
  timeAwayMinutes: number;

  @Property({ type: 'integer' })
  minutes: number;

  /** The session's planned minutes (its adjusted ones when none were planned), for the dosage dashboard. */
  @Property({ type: 'integer', nullable: true })
  plannedMinutes?: number | null = null;

  /** Null while the student's school has no bell schedule; setting one fills it in. */
  @Property({ type: 'integer', nullable: true })
  minutesOutsideSchoolDay: number | null = null;

  @Property({ type: 'boolean' })
  homebound: boolean;

  @Property({ type: 'boolean' })
  detention: boolean;

  @Property({ type: 'boolean' })
  creditRecovery: boolean;

  @Property({ type: 'boolean' })
  remedial: boolean;

  @Property({ type: 'text[]' })
  remedialCriteria: RemedialCriterion[];

  @Property({ type: 'text', nullable: true })
  subject: string | null = null;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'text' })
  delivery: Delivery;

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text' })
  providerName: string;

  @Property({ type: 'uuid', nullable: true })
  workOrderId: string | null = null;

  @Property({ type: 'text', nullable: true })
  workOrderType: string | null = null;

  @Property({ type: 'text[]' })
  tags: string[];

  /** Stamped by the database on every real change (Migration20261205060000ListSync). */
  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  constructor(fields: Omit<ReportableRecord, 'id' | 'updatedAt'>) {
    super();
    Object.assign(this, fields);
  }
}

/** One teacher of one posted version of a coaching session, for the coaching dashboards. */
@Entity({ tableName: 'coaching_record' })
export class CoachingRecord extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  sessionId: string;

  @Property({ type: 'integer' })
  sessionVersion: number;

  @Property({ type: 'boolean' })
  current: boolean;

  @Property({ type: 'uuid' })
  participantId: string;

  @Property({ type: 'uuid' })
  teacherId: string;

  @Property({ type: 'text' })
  teacherName: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'text', nullable: true })
  schoolCode: string | null = null;

  @Property({ type: 'date' })
  sessionDate: string;

  @Property({ type: 'text' })
  attendanceStatus: AttendanceStatus;

  @Property({ type: 'integer' })
  minutes: number;

  /** The coaching log's category field, when the district's coaching fields have one. */
  @Property({ type: 'text', nullable: true })
  category: string | null = null;

  /** The teacher's groups as snapshotted when they joined the session; null when none were recorded. */
  @Property({ type: 'jsonb', nullable: true })
  teacherGroups: { id: string; name: string }[] | null = null;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'text' })
  providerName: string;

  @Property({ type: 'text[]' })
  tags: string[];

  constructor(fields: Omit<CoachingRecord, 'id'>) {
    super();
    Object.assign(this, fields);
  }
}
