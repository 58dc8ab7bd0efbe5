import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { FieldProblem, Page, pageOf, ValidationFailed } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { RefreshTokens } from '../../auth/refresh-tokens';
import { GroupMember, Student, StudentGroup } from '../directory.entities';
import { fieldConflict, namePrefixFilter, setAccountActive } from '../shared/people';
import { assertVersion } from '../shared/records';
import { activeProviderProblem } from '../staff/staff.service';
import { searchStudents } from './student-search.queries';
import { findAdministeredStudent, placeableSchoolProblem, studentScope } from './student-scope';
import {
  CreateStudentRequest,
  StudentListQuery,
  StudentResponse,
  StudentSearchQuery,
  StudentSearchResult,
  UpdateStudentRequest,
} from './students.dto';

export function toStudentResponse(student: Student): StudentResponse {
  return {
    id: student.id,
    localId: student.localId,
    stateId: student.stateId ?? null,
    firstName: student.firstName,
    lastName: student.lastName,
    grade: student.grade,
    schoolId: student.schoolId,
    homeboundTeacherId: student.homeboundTeacherId ?? null,
    hasIep: student.hasIep,
    active: student.active,
    sourcedId: student.sourcedId ?? null,
    version: student.version,
  };
}

/** District admins administer every student; school admins those of their schools, and others answer 404. */
@Injectable()
export class StudentsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditLog,
  ) {}

  create(actor: Actor, request: CreateStudentRequest): Promise<StudentResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const problems: FieldProblem[] = [];
      const schoolProblem = await placeableSchoolProblem(em, actor, request.schoolId);
      if (schoolProblem) problems.push({ field: 'schoolId', problems: [schoolProblem] });
      const teacherProblem = request.homeboundTeacherId ? await activeProviderProblem(em, request.homeboundTeacherId) : undefined;
      if (teacherProblem) problems.push({ field: 'homeboundTeacherId', problems: [teacherProblem] });
      if (problems.length) throw new ValidationFailed(problems);
      await assertIdsFree(em, request.localId, request.stateId ?? null);

      const student = new Student(actor.districtId, request.localId, request.firstName, request.lastName, request.grade, request.schoolId);
      student.stateId = request.stateId ?? null;
      student.homeboundTeacherId = request.homeboundTeacherId ?? null;
      student.hasIep = request.hasIep ?? false;
      em.persist(student);
      await em.flush();
      const created = toStudentResponse(student);
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'directory.student.create', subjectType: 'student', subjectId: student.id, studentId: student.id, after: createdFields({ ...created }) },
      ]);
      return created;
    });
  }

  list(actor: Actor, query: StudentListQuery): Promise<Page<StudentResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: FilterQuery<Student>[] = [studentScope(actor)];
      if (query.schoolId) conditions.push({ schoolId: query.schoolId });
      if (query.grade) conditions.push({ grade: query.grade });
      if (query.hasIep !== undefined) conditions.push({ hasIep: query.hasIep });
      if (query.active !== undefined) conditions.push({ active: query.active });
      if (query.q) conditions.push(...namePrefixFilter<Student>(query.q));
      if (query.updatedSince) conditions.push({ updatedAt: { $gte: new Date(query.updatedSince) } });
      const [students, total] = await em.findAndCount(Student, { $and: conditions }, {
        orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      return pageOf(students.map(toStudentResponse), total, query);
    });
  }

  /**
   * For picking the participants of an ad hoc session: every active student of
   * the district, whatever school the caller works at.
   */
  search(actor: Actor, query: StudentSearchQuery): Promise<Page<StudentSearchResult>> {
    return this.transactions.run(actor.districtId, (em) => searchStudents(em, actor.districtId, query));
  }

  async get(actor: Actor, studentId: string): Promise<StudentResponse> {
    const student = await this.transactions.run(actor.districtId, async (em) => toStudentResponse(await findAdministeredStudent(em, actor, studentId)));
    await this.audit.recordApart(actor, [{ action: 'student.record.read', subjectType: 'student', subjectId: student.id, studentId: student.id }]);
    return student;
  }

  update(actor: Actor, studentId: string, request: UpdateStudentRequest): Promise<StudentResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const student = await findAdministeredStudent(em, actor, studentId);
      assertVersion(student, request.version, 'student');
      const before = toStudentResponse(student);
      const newSchoolId = request.schoolId !== undefined && request.schoolId !== student.schoolId ? request.schoolId : undefined;
      const newTeacherId = request.homeboundTeacherId && request.homeboundTeacherId !== student.homeboundTeacherId ? request.homeboundTeacherId : undefined;
      const problems: FieldProblem[] = [];
      const schoolProblem = newSchoolId ? await placeableSchoolProblem(em, actor, newSchoolId) : undefined;
      if (schoolProblem) problems.push({ field: 'schoolId', problems: [schoolProblem] });
      const teacherProblem = newTeacherId ? await activeProviderProblem(em, newTeacherId) : undefined;
      if (teacherProblem) problems.push({ field: 'homeboundTeacherId', problems: [teacherProblem] });
      if (problems.length) throw new ValidationFailed(problems);
      await assertIdsFree(
        em,
        request.localId !== undefined && request.localId !== student.localId ? request.localId : null,
        request.stateId && request.stateId !== student.stateId ? request.stateId : null,
      );

      if (newSchoolId) {
        await leaveGroupsOfOtherSchools(em, student.id, newSchoolId);
        student.schoolId = newSchoolId;
      }
      if (request.localId !== undefined) student.localId = request.localId;
      if (request.stateId !== undefined) student.stateId = request.stateId;
      if (request.firstName !== undefined) student.firstName = request.firstName;
      if (request.lastName !== undefined) student.lastName = request.lastName;
      if (request.grade !== undefined) student.grade = request.grade;
      if (request.homeboundTeacherId !== undefined) student.homeboundTeacherId = request.homeboundTeacherId;
      if (request.hasIep !== undefined) student.hasIep = request.hasIep;
      await em.flush();
      const after = toStudentResponse(student);
      await this.recordChange(em, actor, before, after);
      return after;
    });
  }

  /** Students are never deleted: sessions and state reports refer to them. A deactivated student cannot sign in. */
  setActive(actor: Actor, studentId: string, active: boolean): Promise<StudentResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const student = await findAdministeredStudent(em, actor, studentId);
      if (student.active === active) return toStudentResponse(student);
      const before = toStudentResponse(student);
      student.active = active;
      await setAccountActive(em, this.refreshTokens, student.userId, active);
      await em.flush();
      const after = toStudentResponse(student);
      await this.recordChange(em, actor, before, after);
      return after;
    });
  }

  /** In the change's transaction; a save that changed nothing leaves no entry. */
  private async recordChange(em: EntityManager, actor: Actor, before: StudentResponse, after: StudentResponse): Promise<void> {
    const changed = changedFields({ ...before }, { ...after });
    if (!changed) return;
    await this.audit.record(em, actor.districtId, auditActorOf(actor), [
      { action: 'directory.student.update', subjectType: 'student', subjectId: after.id, studentId: after.id, ...changed },
    ]);
  }
}

async function assertIdsFree(em: EntityManager, localId: string | null, stateId: string | null): Promise<void> {
  if (localId && (await em.count(Student, { localId }))) {
    throw fieldConflict('STUDENT.LOCAL_ID_TAKEN', 'localId', `Another student of the district already has local id ${localId}`);
  }
  if (stateId && (await em.count(Student, { stateId }))) {
    throw fieldConflict('STUDENT.STATE_ID_TAKEN', 'stateId', `Another student of the district already has state id ${stateId}`);
  }
}

/** Groups belong to one school: a student who changes schools leaves the groups of the old one. */
async function leaveGroupsOfOtherSchools(em: EntityManager, studentId: string, schoolId: string): Promise<void> {
  const memberships = await em.find(GroupMember, { studentId });
  if (!memberships.length) return;
  const elsewhere = await em.find(StudentGroup, { id: { $in: memberships.map((m) => m.groupId) }, schoolId: { $ne: schoolId } }, { fields: ['id'] });
  const leaving = new Set(elsewhere.map((group) => group.id));
  memberships.filter((membership) => leaving.has(membership.groupId)).forEach((membership) => em.remove(membership));
}
