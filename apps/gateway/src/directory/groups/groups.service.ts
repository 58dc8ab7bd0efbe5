import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery, sql } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, FieldProblem, Forbidden, invalid, NotFound, Page, pageOf, ValidationFailed } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditEntry, AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { GroupMember, Student, StudentGroup } from '../directory.entities';
import { assertVersion, findOr404, prefixPattern } from '../shared/records';
import { activeProviderProblem } from '../staff/staff.service';
import { linkableStudentsProblems, placeableSchoolProblem } from '../students/student-scope';
import { CreateGroupRequest, GroupDetailResponse, GroupListQuery, GroupMemberResponse, GroupMembersRequest, GroupResponse, UpdateGroupRequest } from './groups.dto';

export function toGroupResponse(group: StudentGroup, memberCount: number): GroupResponse {
  return {
    id: group.id,
    name: group.name,
    schoolId: group.schoolId,
    providerId: group.providerId,
    active: group.active,
    memberCount,
    sourcedId: group.sourcedId ?? null,
    version: group.version,
  };
}

function toGroupDetailResponse(group: StudentGroup, members: Student[]): GroupDetailResponse {
  return { ...toGroupResponse(group, members.length), members: members.map(toMemberResponse) };
}

function toMemberResponse(student: Student): GroupMemberResponse {
  return {
    studentId: student.id,
    localId: student.localId,
    firstName: student.firstName,
    lastName: student.lastName,
    grade: student.grade,
    active: student.active,
  };
}

/**
 * Admins manage the groups of the schools they administer; a provider reads
 * the groups they lead. Anything else answers 404.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  create(actor: Actor, request: CreateGroupRequest): Promise<GroupDetailResponse> {
    const studentIds = request.studentIds ?? [];
    return this.transactions.run(actor.districtId, async (em) => {
      const problems: FieldProblem[] = [];
      const schoolProblem = await placeableSchoolProblem(em, actor, request.schoolId);
      if (schoolProblem) {
        problems.push({ field: 'schoolId', problems: [schoolProblem] });
      } else {
        const providerProblem = await activeProviderProblem(em, request.providerId, request.schoolId);
        if (providerProblem) problems.push({ field: 'providerId', problems: [providerProblem] });
        const studentProblems = await linkableStudentsProblems(em, actor, studentIds, { schoolId: request.schoolId });
        if (studentProblems.length) problems.push({ field: 'studentIds', problems: studentProblems });
      }
      if (problems.length) throw new ValidationFailed(problems);

      const group = new StudentGroup(actor.districtId, request.name, request.schoolId, request.providerId);
      em.persist(group);
      studentIds.forEach((studentId) => em.persist(new GroupMember(actor.districtId, group.id, studentId)));
      await em.flush();
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'directory.group.create', subjectType: 'group', subjectId: group.id, after: createdFields(auditedFields(group)) },
        ...memberEntries(group.id, [], studentIds),
      ]);
      return toGroupDetailResponse(group, await membersOf(em, studentIds));
    });
  }

  list(actor: Actor, query: GroupListQuery): Promise<Page<GroupResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: FilterQuery<StudentGroup>[] = [groupScope(actor)];
      if (query.schoolId) conditions.push({ schoolId: query.schoolId });
      if (query.providerId) conditions.push({ providerId: query.providerId });
      if (query.active !== undefined) conditions.push({ active: query.active });
      if (query.q) conditions.push({ name: { $ilike: prefixPattern(query.q.trim()) } });
      if (query.updatedSince) conditions.push({ updatedAt: { $gte: new Date(query.updatedSince) } });
      const [groups, total] = await em.findAndCount(StudentGroup, { $and: conditions }, {
        orderBy: { name: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      const counts = await memberCounts(em, groups.map((group) => group.id));
      return pageOf(groups.map((group) => toGroupResponse(group, counts.get(group.id) ?? 0)), total, query);
    });
  }

  get(actor: Actor, groupId: string): Promise<GroupDetailResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const group = await findVisibleGroup(em, actor, groupId);
      return toGroupDetailResponse(group, await membersOf(em, await memberIdsOf(em, group.id)));
    });
  }

  update(actor: Actor, groupId: string, request: UpdateGroupRequest): Promise<GroupDetailResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const group = await findAdministeredGroup(em, actor, groupId);
      assertVersion(group, request.version, 'group');
      const before = auditedFields(group);
      if (request.providerId !== undefined && request.providerId !== group.providerId) {
        const problem = await activeProviderProblem(em, request.providerId, group.schoolId);
        if (problem) throw invalid('providerId', problem);
        group.providerId = request.providerId;
      }
      if (request.name !== undefined) group.name = request.name;
      await em.flush();
      await this.recordChange(em, actor, group, before);
      return toGroupDetailResponse(group, await membersOf(em, await memberIdsOf(em, group.id)));
    });
  }

  /** Replaces the whole membership. */
  setMembers(actor: Actor, groupId: string, request: GroupMembersRequest): Promise<GroupDetailResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const group = await findAdministeredGroup(em, actor, groupId);
      const members = await em.find(GroupMember, { groupId: group.id });
      const kept = members.map((member) => member.studentId);
      const problems = await linkableStudentsProblems(em, actor, request.studentIds, { schoolId: group.schoolId, kept });
      if (problems.length) throw new ValidationFailed([{ field: 'studentIds', problems }]);
      members.filter((member) => !request.studentIds.includes(member.studentId)).forEach((member) => em.remove(member));
      request.studentIds
        .filter((studentId) => !kept.includes(studentId))
        .forEach((studentId) => em.persist(new GroupMember(actor.districtId, group.id, studentId)));
      await em.flush();
      await this.audit.record(em, actor.districtId, auditActorOf(actor), memberEntries(group.id, kept, request.studentIds));
      return toGroupDetailResponse(group, await membersOf(em, request.studentIds));
    });
  }

  /** Groups are never deleted: sessions refer to them. A group comes back only with a provider who can still lead it. */
  setActive(actor: Actor, groupId: string, active: boolean): Promise<GroupDetailResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const group = await findAdministeredGroup(em, actor, groupId);
      if (group.active !== active) {
        if (active) {
          const problem = await activeProviderProblem(em, group.providerId, group.schoolId);
          if (problem) throw new Conflict('GROUP.PROVIDER_UNAVAILABLE', `The group's provider ${problem}; give the group another provider first`);
        }
        const before = auditedFields(group);
        group.active = active;
        await em.flush();
        await this.recordChange(em, actor, group, before);
      }
      return toGroupDetailResponse(group, await membersOf(em, await memberIdsOf(em, group.id)));
    });
  }

  /** In the change's transaction; a save that changed nothing leaves no entry. */
  private async recordChange(em: EntityManager, actor: Actor, group: StudentGroup, before: Record<string, unknown>): Promise<void> {
    const changed = changedFields(before, auditedFields(group));
    if (changed) await this.audit.record(em, actor.districtId, auditActorOf(actor), [{ action: 'directory.group.update', subjectType: 'group', subjectId: group.id, ...changed }]);
  }
}

/** The group's own fields; members have their own entries (`memberEntries`). */
function auditedFields(group: StudentGroup): Record<string, unknown> {
  const { memberCount: _memberCount, ...fields } = toGroupResponse(group, 0);
  return fields;
}

/**
 * One entry per student who joined or left: membership is what shows a
 * student to the group's provider, so "who put this student in a group" is a
 * search by student.
 */
function memberEntries(groupId: string, before: string[], after: string[]): AuditEntry[] {
  const joined = after.filter((studentId) => !before.includes(studentId));
  const left = before.filter((studentId) => !after.includes(studentId));
  return [...joined.map((studentId) => [studentId, true] as const), ...left.map((studentId) => [studentId, false] as const)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([studentId, member]) => ({ action: 'directory.group.members', subjectType: 'group', subjectId: groupId, studentId, before: { member: !member }, after: { member } }));
}

/** District admins: every group; school admins: their schools' groups; providers: the groups they lead. */
function groupScope(actor: Actor): FilterQuery<StudentGroup> {
  const schools = actor.administeredSchools();
  if (schools === 'all') return {};
  const reachable: FilterQuery<StudentGroup>[] = [{ schoolId: { $in: schools } }];
  if (actor.has('provider')) reachable.push({ providerId: actor.userId });
  return { $or: reachable };
}

async function findVisibleGroup(em: EntityManager, actor: Actor, groupId: string): Promise<StudentGroup> {
  const group = await findOr404(em, StudentGroup, { id: groupId }, 'group');
  const leads = actor.has('provider') && group.providerId === actor.userId;
  if (!actor.canAdministerSchool(group.schoolId) && !leads) throw new NotFound('group');
  return group;
}

/** A provider who also administers another school may read the groups they lead there, not change them. */
async function findAdministeredGroup(em: EntityManager, actor: Actor, groupId: string): Promise<StudentGroup> {
  const group = await findVisibleGroup(em, actor, groupId);
  if (!actor.canAdministerSchool(group.schoolId)) throw new Forbidden('GROUP.NOT_ADMINISTERED', 'Only an admin of the group’s school may change it');
  return group;
}

async function memberIdsOf(em: EntityManager, groupId: string): Promise<string[]> {
  const members = await em.find(GroupMember, { groupId });
  return members.map((member) => member.studentId);
}

async function membersOf(em: EntityManager, studentIds: string[]): Promise<Student[]> {
  if (!studentIds.length) return [];
  return em.find(Student, { id: { $in: studentIds } }, { orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' } });
}

async function memberCounts(em: EntityManager, groupIds: string[]): Promise<Map<string, number>> {
  if (!groupIds.length) return new Map();
  const rows: { groupId: string; count: string | number }[] = await em
    .createQueryBuilder(GroupMember, 'gm')
    .select(['gm.groupId', sql`count(*)`.as('count')])
    .where({ groupId: { $in: groupIds } })
    .groupBy('gm.groupId')
    .execute('all', true);
  return new Map(rows.map((row) => [row.groupId, Number(row.count)]));
}
