import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { invalid } from '@sessionledger/common';
import { GroupSnapshot, ParticipantSnapshot, ROLES } from '@sessionledger/contracts';
import { staffGroupsOf } from '../directory/staff-groups/staff-groups.service';
import { District, GroupMember, Guardian, GuardianStudent, School, Student, StudentGroup, User } from '../directory/directory.entities';

/**
 * What only the gateway knows about a session's people and places, resolved
 * from its directory into the snapshots session-log keeps.
 */

const STAFF_ROLES = ROLES.filter((role) => role !== 'guardian' && role !== 'student');


export function studentSnapshot(student: Student): ParticipantSnapshot {
  return {
    kind: 'student',
    personId: student.id,
    name: `${student.firstName} ${student.lastName}`,
    schoolId: student.schoolId,
    stateId: student.stateId ?? null,
    homeboundTeacherId: student.homeboundTeacherId ?? null,
  };
}

export async function districtTimeZone(em: EntityManager, districtId: string): Promise<string> {
  const district = await em.findOneOrFail(District, { id: districtId });
  return district.timeZone;
}

/**
 * The school of a new session: the one named (it must be one the provider
 * is approved at), else the group's, else the provider's only school.
 */
export async function sessionSchool(em: EntityManager, actor: Actor, schoolId: string | undefined, group: StudentGroup | null): Promise<string> {
  const approved = actor.schoolIds;
  const chosen = schoolId ?? group?.schoolId ?? (approved.length === 1 ? approved[0] : undefined);
  if (!chosen) {
    throw invalid(
      'schoolId',
      approved.length === 0 ? 'you are not approved at any school of the district' : `is required: you are approved at ${approved.length} schools`,
    );
  }
  if (!approved.includes(chosen)) throw invalid('schoolId', 'must be a school you are approved at');
  if (!(await em.findOne(School, { id: chosen, active: true }))) throw invalid('schoolId', 'must be an active school');
  if (group && group.schoolId !== chosen) throw invalid('groupId', 'belongs to another school than the session’s');
  return chosen;
}

/** A provider runs sessions for their own active groups; the students come along as the group is now. */
export async function providerGroup(em: EntityManager, actor: Actor, groupId: string): Promise<{ group: StudentGroup; snapshot: GroupSnapshot; members: ParticipantSnapshot[] }> {
  const group = await em.findOne(StudentGroup, { id: groupId, active: true });
  if (!group || group.providerId !== actor.userId) throw invalid('groupId', 'must be an active group of yours');
  const members = await em.find(GroupMember, { groupId });
  const students = members.length ? await em.find(Student, { id: { $in: members.map((m) => m.studentId) }, active: true }, { orderBy: { lastName: 'asc', firstName: 'asc' } }) : [];
  return { group, snapshot: { id: group.id, name: group.name }, members: students.map(studentSnapshot) };
}

export async function participantSnapshot(em: EntityManager, body: { studentId?: string; staffId?: string }): Promise<ParticipantSnapshot> {
  if (body.studentId) {
    const student = await em.findOne(Student, { id: body.studentId, active: true });
    if (!student) throw invalid('studentId', 'must be an active student of the district');
    return studentSnapshot(student);
  }
  const staff = body.staffId ? await em.findOne(User, { id: body.staffId, status: 'active' }) : null;
  if (!staff || !staff.roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role))) {
    throw invalid('staffId', 'must be an active staff member of the district');
  }
  // Kept on the participant so coaching reports group by the teacher's groups as they were at the session.
  const teacherGroups = await staffGroupsOf(em, staff.id);
  return { kind: 'staff', personId: staff.id, name: `${staff.firstName} ${staff.lastName}`, schoolId: null, stateId: null, homeboundTeacherId: null, teacherGroups };
}

/** The students whose sessions a guardian (their children) or a student (themselves) may read. */
export async function viewerStudentIds(em: EntityManager, actor: Actor): Promise<string[]> {
  const ids = new Set<string>();
  if (actor.has('student')) {
    for (const student of await em.find(Student, { userId: actor.userId }, { fields: ['id'] })) ids.add(student.id);
  }
  if (actor.has('guardian')) {
    const guardians = await em.find(Guardian, { userId: actor.userId, active: true }, { fields: ['id'] });
    if (guardians.length) {
      const links = await em.find(GuardianStudent, { guardianId: { $in: guardians.map((g) => g.id) } });
      for (const link of links) ids.add(link.studentId);
    }
  }
  return [...ids];
}
