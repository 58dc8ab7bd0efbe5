import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Actor, ProviderKind } from '@sessionledger/auth';
import { Conflict, FieldProblem, Forbidden, invalid, NotFound, Page, pageOf, ValidationFailed } from '@sessionledger/common';
import type { Role } from '@sessionledger/contracts';
import { pgArray, TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { PasswordPolicy } from '../../auth/password-policy';
import { Passwords } from '../../auth/passwords';
import { RefreshTokens } from '../../auth/refresh-tokens';
import { School, StaffApproval, StudentGroup, User } from '../directory.entities';
import { DistrictProvisioning } from '../district/district-provisioning';
import { assertVersion, findOr404 } from '../shared/records';
import { namePrefixRanges } from '../shared/name-search';
import { fieldConflict, inSubquery, namePrefixFilter } from '../shared/people';
import { CreateStaffRequest, STAFF_ROLES, StaffApprovalsRequest, StaffListQuery, StaffResponse, StaffRole, StaffSearchQuery, StaffSearchResult, UpdateStaffRequest } from './staff.dto';

/** Roles that act at particular schools and so need at least one approval. */
const SCHOOL_BOUND_ROLES: readonly StaffRole[] = ['school_admin', 'provider'];

export function toStaffResponse(user: User, schoolIds: string[]): StaffResponse {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    roles: user.roles,
    providerKind: user.providerKind ?? null,
    schoolIds: [...schoolIds].sort(),
    active: user.status === 'active',
    hasPassword: Boolean(user.passwordHash),
    sourcedId: user.sourcedId ?? null,
    version: user.version,
  };
}

/** Why `userId` cannot lead work at `schoolId` (or anywhere, without one); `undefined` when it can. */
export async function activeProviderProblem(em: EntityManager, userId: string, schoolId?: string): Promise<string | undefined> {
  const provider = await em.findOne(User, { id: userId, status: 'active', roles: { $contains: ['provider'] } });
  if (!provider) return 'must be an active provider of the district';
  if (schoolId && !(await em.count(StaffApproval, { userId, schoolId }))) return 'must be a provider approved at the school';
  return undefined;
}

/**
 * District admins manage all staff. School admins see the staff approved at
 * their schools, and manage only providers approved nowhere else.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly provisioning: DistrictProvisioning,
    private readonly passwords: Passwords,
    private readonly refreshTokens: RefreshTokens,
    private readonly passwordPolicy: PasswordPolicy,
    private readonly audit: AuditLog,
  ) {}

  async create(actor: Actor, request: CreateStaffRequest): Promise<StaffResponse> {
    assertMayGrant(actor, request.roles);
    const schoolIds = request.schoolIds ?? [];
    const providerKind = request.providerKind ?? null;
    const problems = shapeProblems(request.roles, providerKind, schoolIds, 'schoolIds');
    if (problems.length) throw new ValidationFailed(problems);
    if (request.password !== undefined) this.passwordPolicy.check(request.password);
    if (await this.provisioning.emailTaken(request.email)) throw emailTaken(request.email);
    const passwordHash = request.password ? await this.passwords.hash(request.password) : undefined;
    const { email, firstName, lastName, roles } = request;
    try {
      return await this.transactions.run(actor.districtId, async (em) => {
        await assertApprovable(em, actor, schoolIds, []);
        const user = this.provisioning.addUser(
          em,
          actor.districtId,
          { email, firstName, lastName, roles, providerKind: providerKind ?? undefined, schoolIds },
          passwordHash,
        );
        await em.flush();
        const created = toStaffResponse(user, schoolIds);
        await this.audit.record(em, actor.districtId, auditActorOf(actor), [
          { action: 'directory.staff.create', subjectType: 'user', subjectId: user.id, after: createdFields({ ...created }) },
        ]);
        return created;
      });
    } catch (error) {
      // Two creations of one address at the same moment: the unique index decides, and the loser hears why.
      if (error instanceof UniqueConstraintViolationException && error.message.includes('app_user_email_idx')) throw emailTaken(email);
      throw error;
    }
  }

  list(actor: Actor, query: StaffListQuery): Promise<Page<StaffResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: FilterQuery<User>[] = [{ roles: { $overlap: [...STAFF_ROLES] } }];
      const scope = actor.administeredSchools();
      if (scope !== 'all') conditions.push({ id: approvedAt(em, scope) });
      if (query.schoolId) conditions.push({ id: approvedAt(em, [query.schoolId]) });
      if (query.role) conditions.push({ roles: { $contains: [query.role] } });
      if (query.active !== undefined) conditions.push({ status: query.active ? 'active' : 'disabled' });
      if (query.q) conditions.push(...namePrefixFilter<User>(query.q));
      if (query.updatedSince) conditions.push({ updatedAt: { $gte: new Date(query.updatedSince) } });
      const [users, total] = await em.findAndCount(User, { $and: conditions }, {
        orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      const approvals = await approvalsOf(em, users.map((user) => user.id));
      return pageOf(users.map((user) => toStaffResponse(user, approvals.get(user.id) ?? [])), total, query);
    });
  }

  /**
   * Active staff by name, for a coach adding the teacher they coach (or an
   * admin): id and name only. Other providers have no one to look up.
   */
  search(actor: Actor, query: StaffSearchQuery): Promise<Page<StaffSearchResult>> {
    if (!actor.isDistrictAdmin && !actor.has('school_admin') && actor.providerKind !== 'coach') throw new Forbidden('STAFF.SEARCH_FOR_COACHES', 'Only coaches and admins look up staff by name');
    // Folded as student search folds names (accents and case ignored: "oster" finds Østergaard), with the database's own function.
    const words = namePrefixRanges(query.q).map((range) => range.from);
    if (words.length === 0) throw invalid('q', 'must hold at least one letter of a name');
    const matches = words.map(() => '(starts_with(gateway.name_search_key(first_name), ?) OR starts_with(gateway.name_search_key(last_name), ?))').join(' AND ');
    const since = query.updatedSince ? ' AND updated_at >= ?' : '';
    const where = `status = 'active' AND roles && ?::text[] AND ${matches}${since}`;
    const params = [pgArray([...STAFF_ROLES]), ...words.flatMap((word) => [word, word]), ...(query.updatedSince ? [new Date(query.updatedSince)] : [])];
    return this.transactions.run(actor.districtId, async (em) => {
      const items = await em.execute<StaffSearchResult[]>(
        `SELECT id, first_name AS "firstName", last_name AS "lastName" FROM gateway.app_user WHERE ${where} ORDER BY last_name, first_name, id LIMIT ? OFFSET ?`,
        [...params, query.pageSize, (query.page - 1) * query.pageSize],
      );
      const [{ total }] = await em.execute<{ total: number }[]>(`SELECT count(*)::int AS total FROM gateway.app_user WHERE ${where}`, params);
      return pageOf(items, total, query);
    });
  }

  get(actor: Actor, userId: string): Promise<StaffResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { user, schoolIds } = await this.visible(em, actor, userId);
      return toStaffResponse(user, schoolIds);
    });
  }

  update(actor: Actor, userId: string, request: UpdateStaffRequest): Promise<StaffResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { user, schoolIds } = await this.manageable(em, actor, userId);
      assertVersion(user, request.version, 'staff');
      const before = toStaffResponse(user, schoolIds);
      const roles = request.roles ?? staffRolesOf(user);
      if (request.roles) {
        assertMayGrant(actor, request.roles);
        if (user.id === actor.userId && user.roles.includes('district_admin') && !roles.includes('district_admin')) {
          throw new Forbidden('STAFF.SELF_DEMOTION', 'You cannot remove your own district admin role; another district admin can');
        }
      }
      const providerKind = resultingProviderKind(roles, request.providerKind, user.providerKind ?? null);
      const problems = shapeProblems(roles, providerKind, schoolIds, 'roles');
      if (problems.length) throw new ValidationFailed(problems);
      if (user.roles.includes('provider') && !roles.includes('provider')) await assertLeadsNoGroups(em, user.id);

      user.roles = [...roles, ...user.roles.filter((role) => !isStaffRole(role))];
      user.providerKind = providerKind;
      if (request.firstName !== undefined) user.firstName = request.firstName;
      if (request.lastName !== undefined) user.lastName = request.lastName;
      await em.flush();
      return this.recordChange(em, actor, before, toStaffResponse(user, schoolIds));
    });
  }

  /** Replaces the whole set of approvals. */
  setApprovals(actor: Actor, userId: string, request: StaffApprovalsRequest): Promise<StaffResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { user, schoolIds: current } = await this.manageable(em, actor, userId);
      const before = toStaffResponse(user, current);
      const problems = shapeProblems(staffRolesOf(user), user.providerKind ?? null, request.schoolIds, 'schoolIds').filter(
        (problem) => problem.field === 'schoolIds',
      );
      if (problems.length) throw new ValidationFailed(problems);
      await assertApprovable(em, actor, request.schoolIds, current);
      const removed = current.filter((schoolId) => !request.schoolIds.includes(schoolId));
      if (removed.length) {
        await assertLeadsNoGroups(em, user.id, removed);
        const approvals = await em.find(StaffApproval, { userId: user.id, schoolId: { $in: removed } });
        approvals.forEach((approval) => em.remove(approval));
      }
      for (const schoolId of request.schoolIds) {
        if (!current.includes(schoolId)) em.persist(new StaffApproval(actor.districtId, user.id, schoolId));
      }
      await em.flush();
      return this.recordChange(em, actor, before, toStaffResponse(user, request.schoolIds));
    });
  }

  /** Staff are never deleted: sessions, pay and signatures refer to them. Deactivating ends their access at once. */
  setActive(actor: Actor, userId: string, active: boolean): Promise<StaffResponse> {
    if (!active && userId === actor.userId) throw new Forbidden('STAFF.SELF_DEACTIVATION', 'You cannot deactivate yourself');
    return this.transactions.run(actor.districtId, async (em) => {
      const { user, schoolIds } = await this.manageable(em, actor, userId);
      if ((user.status === 'active') === active) return toStaffResponse(user, schoolIds);
      const before = toStaffResponse(user, schoolIds);
      user.status = active ? 'active' : 'disabled';
      if (!active) await this.refreshTokens.revokeAllOf(em, user.id);
      await em.flush();
      return this.recordChange(em, actor, before, toStaffResponse(user, schoolIds));
    });
  }

  /** In the change's transaction: roles, approvals and access are what an audit of staff asks about. */
  private async recordChange(em: EntityManager, actor: Actor, before: StaffResponse, after: StaffResponse): Promise<StaffResponse> {
    const changed = changedFields({ ...before }, { ...after });
    if (changed) {
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [{ action: 'directory.staff.update', subjectType: 'user', subjectId: after.id, ...changed }]);
    }
    return after;
  }

  /** A staff member this actor may read: anyone for a district admin, staff approved at their schools for a school admin. */
  private async visible(em: EntityManager, actor: Actor, userId: string): Promise<{ user: User; schoolIds: string[] }> {
    const user = await findOr404(em, User, { id: userId, roles: { $overlap: [...STAFF_ROLES] } }, 'staff');
    const schoolIds = (await approvalsOf(em, [user.id])).get(user.id) ?? [];
    const scope = actor.administeredSchools();
    if (scope !== 'all' && !schoolIds.some((schoolId) => scope.includes(schoolId))) throw new NotFound('staff');
    return { user, schoolIds };
  }

  /** A staff member this actor may change; a school admin only a provider approved at none but their schools. */
  private async manageable(em: EntityManager, actor: Actor, userId: string): Promise<{ user: User; schoolIds: string[] }> {
    const found = await this.visible(em, actor, userId);
    if (actor.isDistrictAdmin) return found;
    const onlyProvider = found.user.roles.length === 1 && found.user.roles[0] === 'provider';
    if (!onlyProvider || !found.schoolIds.every((schoolId) => actor.schoolIds.includes(schoolId))) {
      throw new Forbidden('STAFF.NOT_MANAGEABLE', 'School admins manage only providers approved at none but their own schools');
    }
    return found;
  }
}

function isStaffRole(role: Role): role is StaffRole {
  return (STAFF_ROLES as readonly Role[]).includes(role);
}

/** A staff member may also be a guardian; staff routes change only the staff roles. */
function staffRolesOf(user: User): StaffRole[] {
  return user.roles.filter(isStaffRole);
}

/** A provider keeps their kind unless a new one is sent; losing the provider role clears it. */
function resultingProviderKind(roles: StaffRole[], requested: ProviderKind | null | undefined, current: ProviderKind | null): ProviderKind | null {
  if (requested !== undefined) return requested;
  return roles.includes('provider') ? current : null;
}

function assertMayGrant(actor: Actor, roles: StaffRole[]): void {
  if (actor.isDistrictAdmin) return;
  if (roles.some((role) => role !== 'provider')) {
    throw new Forbidden('STAFF.ROLE_NOT_GRANTABLE', 'School admins may only create and change providers');
  }
}

/** A provider kind exactly when there is a provider role; approvals for every school-bound role. */
function shapeProblems(roles: StaffRole[], providerKind: ProviderKind | null, schoolIds: string[], approvalsField: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (roles.includes('provider') && !providerKind) {
    problems.push({ field: 'providerKind', problems: ['is required for a provider (tutor, coach, aide or therapist)'] });
  }
  if (!roles.includes('provider') && providerKind) {
    problems.push({ field: 'providerKind', problems: ['is only for providers'] });
  }
  const bound = roles.filter((role) => SCHOOL_BOUND_ROLES.includes(role));
  if (bound.length && schoolIds.length === 0) {
    problems.push({ field: approvalsField, problems: [`a ${bound.join(' and ')} needs at least one school approval`] });
  }
  return problems;
}

/** Schools newly approved must be active schools of the district that the actor administers. */
async function assertApprovable(em: EntityManager, actor: Actor, requested: string[], current: string[]): Promise<void> {
  const scope = actor.administeredSchools();
  const added = requested.filter((schoolId) => !current.includes(schoolId));
  const outside = requested.filter((schoolId) => scope !== 'all' && !scope.includes(schoolId));
  const found = added.length ? await em.find(School, { id: { $in: added }, active: true }, { fields: ['id'] }) : [];
  const unknown = added.filter((schoolId) => !found.some((school) => school.id === schoolId));
  const bad = [...new Set([...outside, ...unknown])];
  if (bad.length) {
    throw new ValidationFailed([{ field: 'schoolIds', problems: bad.map((schoolId) => `${schoolId} is not an active school you can approve staff at`) }]);
  }
}

/** Groups name their provider, who must stay a provider approved at the group's school while the group is active. */
async function assertLeadsNoGroups(em: EntityManager, providerId: string, schoolIds?: string[]): Promise<void> {
  const where: FilterQuery<StudentGroup> = { providerId, active: true };
  if (schoolIds) where.schoolId = { $in: schoolIds };
  const groups = await em.find(StudentGroup, where, { fields: ['id', 'schoolId'], orderBy: { id: 'asc' } });
  if (groups.length) {
    throw new Conflict('STAFF.LEADS_GROUPS', 'The provider still leads active groups there; give them another provider or deactivate them first', {
      groupIds: groups.map((group) => group.id),
    });
  }
}

function approvedAt(em: EntityManager, schoolIds: string[]) {
  return inSubquery<string>(em.createQueryBuilder(StaffApproval, 'sa').select('sa.userId').where({ schoolId: { $in: schoolIds } }));
}

async function approvalsOf(em: EntityManager, userIds: string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (!userIds.length) return byUser;
  const approvals = await em.find(StaffApproval, { userId: { $in: userIds } });
  for (const approval of approvals) byUser.set(approval.userId, [...(byUser.get(approval.userId) ?? []), approval.schoolId]);
  return byUser;
}

function emailTaken(email: string) {
  return fieldConflict('STAFF.EMAIL_TAKEN', 'email', `${email} already signs in to Sessionledger`);
}
