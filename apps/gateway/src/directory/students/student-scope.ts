import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { NotFound } from '@sessionledger/common';
import { School, Student } from '../directory.entities';
import { findOr404 } from '../shared/records';

/** The students an actor administers: all for a district admin, those of their schools for a school admin. */
export function studentScope(actor: Actor): FilterQuery<Student> {
  const scope = actor.administeredSchools();
  return scope === 'all' ? {} : { schoolId: { $in: scope } };
}

/** A student of another school answers exactly like one of another district. */
export async function findAdministeredStudent(em: EntityManager, actor: Actor, studentId: string): Promise<Student> {
  const student = await findOr404(em, Student, { id: studentId }, 'student');
  if (!actor.canAdministerSchool(student.schoolId)) throw new NotFound('student');
  return student;
}

/** Why a record cannot be placed at `schoolId` by this actor; `undefined` when it can. */
export async function placeableSchoolProblem(em: EntityManager, actor: Actor, schoolId: string): Promise<string | undefined> {
  const school = actor.canAdministerSchool(schoolId) ? await em.findOne(School, { id: schoolId, active: true }) : null;
  return school ? undefined : 'must be an active school of the district that you administer';
}

/**
 * Why some of `studentIds` cannot be linked by this actor: each must be a
 * student they administer (of `schoolId` when given), and active unless it is
 * already linked (`kept`). One problem per student at fault.
 */
export async function linkableStudentsProblems(
  em: EntityManager,
  actor: Actor,
  studentIds: string[],
  options: { schoolId?: string; kept?: string[] } = {},
): Promise<string[]> {
  if (!studentIds.length) return [];
  const where: FilterQuery<Student> = { $and: [{ id: { $in: studentIds } }, studentScope(actor)] };
  const students = await em.find(Student, where, { fields: ['id', 'schoolId', 'active'] });
  const byId = new Map(students.map((student) => [student.id, student]));
  return studentIds.flatMap((studentId) => {
    const student = byId.get(studentId);
    if (!student) return [`${studentId} is not a student you administer`];
    if (options.schoolId && student.schoolId !== options.schoolId) return [`${studentId} is not a student of the school`];
    if (!student.active && !options.kept?.includes(studentId)) return [`${studentId} is deactivated`];
    return [];
  });
}
