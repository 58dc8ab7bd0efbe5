import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery, QBFilterQuery } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { NotFound, Page, pageOf, SyncPageQuery, ValidationFailed } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditEntry, AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { RefreshTokens } from '../../auth/refresh-tokens';
import { Guardian, GuardianStudent, Student } from '../directory.entities';
import { inSubquery, namePrefixFilter, setAccountActive } from '../shared/people';
import { assertVersion, findOr404 } from '../shared/records';
import { findAdministeredStudent, linkableStudentsProblems } from '../students/student-scope';
import {
  CreateGuardianRequest,
  GuardianListQuery,
  GuardianResponse,
  GuardianStudentsRequest,
  StudentGuardianResponse,
  UpdateGuardianRequest,
} from './guardians.dto';

export function toGuardianResponse(guardian: Guardian, links: GuardianStudent[]): GuardianResponse {
  return {
    id: guardian.id,
    firstName: guardian.firstName,
    lastName: guardian.lastName,
    email: guardian.email ?? null,
    phone: guardian.phone ?? null,
    active: guardian.active,
    students: links
      .map((link) => ({ studentId: link.studentId, relationship: link.relationship ?? null }))
      .sort((a, b) => a.studentId.localeCompare(b.studentId)),
    sourcedId: guardian.sourcedId ?? null,
    version: guardian.version,
  };
}

function toStudentGuardianResponse(guardian: Guardian, link: GuardianStudent): StudentGuardianResponse {
  return {
    id: guardian.id,
    firstName: guardian.firstName,
    lastName: guardian.lastName,
    email: guardian.email ?? null,
    phone: guardian.phone ?? null,
    active: guardian.active,
    relationship: link.relationship ?? null,
    sourcedId: guardian.sourcedId ?? null,
    version: guardian.version,
  };
}

/**
 * A guardian is reached through their children: a school admin sees and
 * changes the guardians of their schools' students, and only the links to those
 * students; a district admin all of them.
 */
@Injectable()
export class GuardiansService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditLog,
  ) {}

  create(actor: Actor, request: CreateGuardianRequest): Promise<GuardianResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const problems = await linkableStudentsProblems(em, actor, request.studentIds);
      if (problems.length) throw new ValidationFailed([{ field: 'studentIds', problems }]);
      const guardian = new Guardian(actor.districtId, request.firstName, request.lastName);
      guardian.email = request.email ?? null;
      guardian.phone = request.phone ?? null;
      em.persist(guardian);
      const links = request.studentIds.map((studentId) => {
        const link = new GuardianStudent(actor.districtId, guardian.id, studentId);
        link.relationship = request.relationship ?? null;
        em.persist(link);
        return link;
      });
      await em.flush();
      const created = toGuardianResponse(guardian, links);
      const { students, ...fields } = created;
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'directory.guardian.create', subjectType: 'guardian', subjectId: guardian.id, after: createdFields({ ...fields }) },
        ...linkEntries(guardian.id, [], students),
      ]);
      return created;
    });
  }

  list(actor: Actor, query: GuardianListQuery): Promise<Page<GuardianResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: FilterQuery<Guardian>[] = [];
      const scope = actor.administeredSchools();
      if (scope !== 'all') conditions.push({ id: guardiansOf(em, { schoolId: { $in: scope } }) });
      if (query.studentId) {
        if (scope !== 'all' && !(await em.count(Student, { id: query.studentId, schoolId: { $in: scope } }))) return pageOf([], 0, query);
        conditions.push({ id: guardiansOf(em, { id: query.studentId }) });
      }
      if (query.active !== undefined) conditions.push({ active: query.active });
      if (query.q) conditions.push(...namePrefixFilter<Guardian>(query.q));
      if (query.updatedSince) conditions.push({ updatedAt: { $gte: new Date(query.updatedSince) } });
      const [guardians, total] = await em.findAndCount(Guardian, conditions.length ? { $and: conditions } : {}, {
        orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      const links = await visibleLinks(em, actor, guardians.map((guardian) => guardian.id));
      return pageOf(guardians.map((guardian) => toGuardianResponse(guardian, links.get(guardian.id) ?? [])), total, query);
    });
  }

  get(actor: Actor, guardianId: string): Promise<GuardianResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { guardian, links } = await findVisibleGuardian(em, actor, guardianId);
      return toGuardianResponse(guardian, links);
    });
  }

  update(actor: Actor, guardianId: string, request: UpdateGuardianRequest): Promise<GuardianResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { guardian, links } = await findVisibleGuardian(em, actor, guardianId);
      assertVersion(guardian, request.version, 'guardian');
      const before = toGuardianResponse(guardian, links);
      if (request.firstName !== undefined) guardian.firstName = request.firstName;
      if (request.lastName !== undefined) guardian.lastName = request.lastName;
      if (request.email !== undefined) guardian.email = request.email;
      if (request.phone !== undefined) guardian.phone = request.phone;
      await em.flush();
      return this.recordChange(em, actor, before, toGuardianResponse(guardian, links));
    });
  }

  /** Replaces the links to the students the caller administers. */
  setStudents(actor: Actor, guardianId: string, request: GuardianStudentsRequest): Promise<GuardianResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { guardian, links } = await findVisibleGuardian(em, actor, guardianId);
      const linkedBefore = toGuardianResponse(guardian, links).students;
      const kept = links.map((link) => link.studentId);
      const problems = await linkableStudentsProblems(em, actor, request.studentIds, { kept });
      if (problems.length) throw new ValidationFailed([{ field: 'studentIds', problems }]);

      const result: GuardianStudent[] = [];
      for (const link of links) {
        if (!request.studentIds.includes(link.studentId)) {
          em.remove(link);
          continue;
        }
        if (request.relationship !== undefined) link.relationship = request.relationship;
        result.push(link);
      }
      for (const studentId of request.studentIds.filter((id) => !kept.includes(id))) {
        const link = new GuardianStudent(actor.districtId, guardian.id, studentId);
        link.relationship = request.relationship ?? null;
        em.persist(link);
        result.push(link);
      }
      await em.flush();
      const after = toGuardianResponse(guardian, result);
      await this.audit.record(em, actor.districtId, auditActorOf(actor), linkEntries(guardian.id, linkedBefore, after.students));
      return after;
    });
  }

  /** Guardians are never deleted; a deactivated guardian cannot sign in. */
  setActive(actor: Actor, guardianId: string, active: boolean): Promise<GuardianResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { guardian, links } = await findVisibleGuardian(em, actor, guardianId);
      if (guardian.active === active) return toGuardianResponse(guardian, links);
      const before = toGuardianResponse(guardian, links);
      guardian.active = active;
      await setAccountActive(em, this.refreshTokens, guardian.userId, active);
      await em.flush();
      return this.recordChange(em, actor, before, toGuardianResponse(guardian, links));
    });
  }

  /** In the change's transaction; the links have their own entries (`linkEntries`), so only the guardian's own fields here. */
  private async recordChange(em: EntityManager, actor: Actor, before: GuardianResponse, after: GuardianResponse): Promise<GuardianResponse> {
    const { students: _before, ...was } = before;
    const { students: _after, ...now } = after;
    const changed = changedFields({ ...was }, { ...now });
    if (changed) await this.audit.record(em, actor.districtId, auditActorOf(actor), [{ action: 'directory.guardian.update', subjectType: 'guardian', subjectId: after.id, ...changed }]);
    return after;
  }

  /** A student's guardians, inactive ones included, ordered by name then id. */
  forStudent(actor: Actor, studentId: string, query: SyncPageQuery): Promise<Page<StudentGuardianResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const student = await findAdministeredStudent(em, actor, studentId);
      const conditions: FilterQuery<Guardian>[] = [{ id: guardiansOf(em, { id: student.id }) }];
      if (query.updatedSince) conditions.push({ updatedAt: { $gte: new Date(query.updatedSince) } });
      const [guardians, total] = await em.findAndCount(Guardian, { $and: conditions }, {
        orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      const links = guardians.length ? await em.find(GuardianStudent, { studentId: student.id, guardianId: { $in: guardians.map((g) => g.id) } }) : [];
      const linkOf = new Map(links.map((link) => [link.guardianId, link]));
      return pageOf(
        guardians.map((guardian) => toStudentGuardianResponse(guardian, linkOf.get(guardian.id)!)),
        total,
        query,
      );
    });
  }
}

type Link = GuardianResponse['students'][number];

/**
 * One entry per student whose link to the guardian appeared, went or changed
 * its relationship: a link lets the guardian read that student's sessions, so
 * "who gave access to this student" is a search by student.
 */
function linkEntries(guardianId: string, before: Link[], after: Link[]): AuditEntry[] {
  const was = new Map(before.map((link) => [link.studentId, link]));
  const now = new Map(after.map((link) => [link.studentId, link]));
  const entries: AuditEntry[] = [];
  for (const studentId of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const [old, current] = [was.get(studentId), now.get(studentId)];
    if (old && current && old.relationship === current.relationship) continue;
    entries.push({
      action: 'directory.guardian.links',
      subjectType: 'guardian',
      subjectId: guardianId,
      studentId,
      before: old ? { linked: true, relationship: old.relationship } : { linked: false },
      after: current ? { linked: true, relationship: current.relationship } : { linked: false },
    });
  }
  return entries;
}

/** A guardian with at least one child the actor administers, and the links to those children. */
async function findVisibleGuardian(em: EntityManager, actor: Actor, guardianId: string): Promise<{ guardian: Guardian; links: GuardianStudent[] }> {
  const guardian = await findOr404(em, Guardian, { id: guardianId }, 'guardian');
  const links = (await visibleLinks(em, actor, [guardian.id])).get(guardian.id) ?? [];
  if (actor.administeredSchools() !== 'all' && !links.length) throw new NotFound('guardian');
  return { guardian, links };
}

/** Each guardian's links to students the actor administers. */
async function visibleLinks(em: EntityManager, actor: Actor, guardianIds: string[]): Promise<Map<string, GuardianStudent[]>> {
  const byGuardian = new Map<string, GuardianStudent[]>();
  if (!guardianIds.length) return byGuardian;
  let links = await em.find(GuardianStudent, { guardianId: { $in: guardianIds } });
  const scope = actor.administeredSchools();
  if (scope !== 'all' && links.length) {
    const students = await em.find(Student, { id: { $in: links.map((link) => link.studentId) }, schoolId: { $in: scope } }, { fields: ['id'] });
    const administered = new Set(students.map((student) => student.id));
    links = links.filter((link) => administered.has(link.studentId));
  }
  for (const link of links) byGuardian.set(link.guardianId, [...(byGuardian.get(link.guardianId) ?? []), link]);
  return byGuardian;
}

/** Ids of the guardians of the students matching `students`, as a subquery. */
function guardiansOf(em: EntityManager, students: QBFilterQuery<Student>) {
  const studentIds = em.createQueryBuilder(Student, 's').select('s.id').where(students);
  return inSubquery<string>(em.createQueryBuilder(GuardianStudent, 'gs').select('gs.guardianId').where({ studentId: inSubquery<string>(studentIds) }));
}
