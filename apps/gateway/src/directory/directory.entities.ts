import { Entity, Enum, Filter, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import type { Role } from '@sessionledger/contracts';
import type { DistrictSettings } from '@sessionledger/session-rules';
import { DEFAULT_DISTRICT_SETTINGS } from '@sessionledger/session-rules';
import { TENANT_FILTER, TenantFilterParams, TenantScopedEntity } from '@sessionledger/persistence';
import type { ProviderKind } from '@sessionledger/auth';

export { DEFAULT_DISTRICT_SETTINGS } from '@sessionledger/session-rules';
export type { DistrictSettings } from '@sessionledger/session-rules';

/** The tenant. Its own id is its district id, so row-level security keys on `id`. */
@Entity({ tableName: 'district' })
@Filter({ name: TENANT_FILTER, cond: (params: TenantFilterParams) => ({ id: params.districtId }), default: true })
export class District {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  timeZone: string;

  @Property({ type: 'jsonb' })
  settings: DistrictSettings = { ...DEFAULT_DISTRICT_SETTINGS };

  @Property({ type: 'integer', version: true })
  version = 1;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(name: string, timeZone: string) {
    this.name = name;
    this.timeZone = timeZone;
  }
}

@Entity({ tableName: 'school' })
@Unique({ properties: ['districtId', 'stateSchoolCode'] })
export class School extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  stateSchoolCode: string;

  @Property({ type: 'boolean' })
  active = true;

  @Property({ type: 'text', nullable: true })
  sourcedId?: string | null;

  @Property({ type: 'integer', version: true })
  version = 1;

  /** Stamped by the database on every real change, whoever writes (Migration20261205050000DirectoryUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  constructor(districtId: string, name: string, stateSchoolCode: string) {
    super();
    this.districtId = districtId;
    this.name = name;
    this.stateSchoolCode = stateSchoolCode;
  }
}

export type UserStatus = 'active' | 'disabled';

/** Anyone who signs in: staff, guardians and students. */
@Entity({ tableName: 'app_user' })
export class User extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  email: string;

  @Property({ type: 'text', nullable: true, hidden: true })
  passwordHash?: string | null;

  @Property({ type: 'text' })
  firstName: string;

  @Property({ type: 'text' })
  lastName: string;

  @Property({ type: 'text[]' })
  roles: Role[];

  @Property({ type: 'text', nullable: true })
  providerKind?: ProviderKind | null;

  @Enum({ items: ['active', 'disabled'] })
  status: UserStatus = 'active';

  @Property({ type: 'text', nullable: true })
  sourcedId?: string | null;

  @Property({ type: 'integer', version: true })
  version = 1;

  /** Stamped by the database on every real change, whoever writes (Migration20261205050000DirectoryUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(districtId: string, email: string, firstName: string, lastName: string, roles: Role[]) {
    super();
    this.districtId = districtId;
    this.email = email.toLowerCase();
    this.firstName = firstName;
    this.lastName = lastName;
    this.roles = roles;
  }

  get displayName(): string {
    return `${this.firstName} ${this.lastName}`;
  }
}

/** A staff member may work at several schools of the district. */
@Entity({ tableName: 'staff_approval' })
export class StaffApproval extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  userId: string;

  @PrimaryKey({ type: 'uuid' })
  schoolId: string;

  constructor(districtId: string, userId: string, schoolId: string) {
    super();
    this.districtId = districtId;
    this.userId = userId;
    this.schoolId = schoolId;
  }
}

@Entity({ tableName: 'student' })
export class Student extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  localId: string;

  @Property({ type: 'text', nullable: true })
  stateId?: string | null;

  @Property({ type: 'text' })
  firstName: string;

  @Property({ type: 'text' })
  lastName: string;

  @Property({ type: 'text' })
  grade: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'uuid', nullable: true })
  homeboundTeacherId?: string | null;

  @Property({ type: 'boolean' })
  hasIep = false;

  @Property({ type: 'uuid', nullable: true })
  userId?: string | null;

  @Property({ type: 'boolean' })
  active = true;

  @Property({ type: 'text', nullable: true })
  sourcedId?: string | null;

  @Property({ type: 'integer', version: true })
  version = 1;

  /** Stamped by the database on every real change, whoever writes (Migration20261205050000DirectoryUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  constructor(districtId: string, localId: string, firstName: string, lastName: string, grade: string, schoolId: string) {
    super();
    this.districtId = districtId;
    this.localId = localId;
    this.firstName = firstName;
    this.lastName = lastName;
    this.grade = grade;
    this.schoolId = schoolId;
  }
}

@Entity({ tableName: 'guardian' })
export class Guardian extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  firstName: string;

  @Property({ type: 'text' })
  lastName: string;

  @Property({ type: 'text', nullable: true })
  email?: string | null;

  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  @Property({ type: 'uuid', nullable: true })
  userId?: string | null;

  @Property({ type: 'boolean' })
  active = true;

  @Property({ type: 'text', nullable: true })
  sourcedId?: string | null;

  @Property({ type: 'integer', version: true })
  version = 1;

  /** Stamped by the database on every real change, whoever writes (Migration20261205050000DirectoryUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  constructor(districtId: string, firstName: string, lastName: string) {
    super();
    this.districtId = districtId;
    this.firstName = firstName;
    this.lastName = lastName;
  }
}

@Entity({ tableName: 'guardian_student' })
export class GuardianStudent extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  guardianId: string;

  @PrimaryKey({ type: 'uuid' })
  studentId: string;

  @Property({ type: 'text', nullable: true })
  relationship?: string | null;

  constructor(districtId: string, guardianId: string, studentId: string) {
    super();
    this.districtId = districtId;
    this.guardianId = guardianId;
    this.studentId = studentId;
  }
}

@Entity({ tableName: 'student_group' })
export class StudentGroup extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'boolean' })
  active = true;

  @Property({ type: 'text', nullable: true })
  sourcedId?: string | null;

  @Property({ type: 'integer', version: true })
  version = 1;

  /** Stamped by the database on every real change, whoever writes (Migration20261205050000DirectoryUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  constructor(districtId: string, name: string, schoolId: string, providerId: string) {
    super();
    this.districtId = districtId;
    this.name = name;
    this.schoolId = schoolId;
    this.providerId = providerId;
  }
}

@Entity({ tableName: 'group_member' })
export class GroupMember extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  groupId: string;

  @PrimaryKey({ type: 'uuid' })
  studentId: string;

  constructor(districtId: string, groupId: string, studentId: string) {
    super();
    this.districtId = districtId;
    this.groupId = groupId;
    this.studentId = studentId;
  }
}

export const DIRECTORY_ENTITIES = [District, School, User, StaffApproval, Student, Guardian, GuardianStudent, StudentGroup, GroupMember];
