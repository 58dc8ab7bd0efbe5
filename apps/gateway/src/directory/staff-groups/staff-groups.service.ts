import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, invalid, newId, NotFound, Page, pageOf, SyncPageQuery, ValidationFailed } from '@sessionledger/common';
import { ROLES } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { placeableSchoolProblem } from '../students/student-scope';
import { CreateStaffGroupRequest, StaffGroupMembersRequest, StaffGroupResponse } from './staff-groups.dto';

const STAFF_ROLES = ROLES.filter((role) => role !== 'guardian' && role !== 'student');

interface StaffGroupRow {
  id: string;
  name: string;
  school_id: string | null;
  active: boolean;
  version: number;
}

/** The active groups `userId` belongs to, as sessions snapshot them for coaching reports. */
export async function staffGroupsOf(em: EntityManager, userId: string): Promise<{ id: string; name: string }[]> {
  return em.execute(
    `select g.id, g.name from gateway.staff_group g join gateway.staff_group_member m on m.group_id = g.id
      where m.user_id = ? and g.active order by g.name, g.id`,
    [userId],
  );
}

/**
 * Teacher groups (for coaching reports). District admins manage all of them,
 * school admins their schools' groups; anything else of the district answers 404.
 */
@Injectable()
export class StaffGroupsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  create(actor: Actor, request: CreateStaffGroupRequest): Promise<StaffGroupResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      if (request.schoolId) {
        const problem = await placeableSchoolProblem(em, actor, request.schoolId);
        if (problem) throw invalid('schoolId', problem);
      } else if (!actor.isDistrictAdmin) {
        throw invalid('schoolId', 'is required: only a district admin creates a district-wide group');
      }
      const id = newId();
      await em.execute(`insert into gateway.staff_group (id, district_id, name, school_id) values (?, ?, ?, ?)`, [id, actor.districtId, request.name, request.schoolId ?? null]);
      const created: StaffGroupResponse = { id, name: request.name, schoolId: request.schoolId ?? null, active: true, version: 1, userIds: [] };
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'directory.staff-group.create', subjectType: 'staff-group', subjectId: id, after: createdFields({ ...created }) },
      ]);
      return created;
    });
  }

  /** Ordered by name, then id. */
  list(actor: Actor, query: SyncPageQuery): Promise<Page<StaffGroupResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const scope = actor.administeredSchools();
      if (scope !== 'all') {
        conditions.push('school_id = any(cast(? as uuid[]))');
        params.push(`{${scope.join(',')}}`);
      }
      if (query.updatedSince) {
        conditions.push('updated_at >= ?');
        params.push(new Date(query.updatedSince));
      }
      const where = conditions.length ? `where ${conditions.join(' and ')}` : '';
      const rows: StaffGroupRow[] = await em.execute(`select id, name, school_id, active, version from gateway.staff_group ${where} order by name, id limit ? offset ?`, [
        ...params,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ]);
      const [{ total }]: { total: number }[] = await em.execute(`select count(*)::int as total from gateway.staff_group ${where}`, params);
      const members = await membersOf(em, rows.map((row) => row.id));
      return pageOf(
        rows.map((row) => toResponse(row, members.get(row.id) ?? [])),
        total,
        query,
      );
    });
  }

  get(actor: Actor, id: string): Promise<StaffGroupResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const row = await findVisible(em, actor, id);
      return toResponse(row, await memberIds(em, id));
    });
  }

  setMembers(actor: Actor, id: string, request: StaffGroupMembersRequest): Promise<StaffGroupResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const row = await findVisible(em, actor, id, true);
      if (row.version !== request.version) {
        throw new Conflict('STAFF_GROUP.STALE', `The staff group was changed by someone else (now version ${row.version}); reload it and try again`, {
          currentVersion: row.version,
        });
      }
      if (request.userIds.length) {
        const staff: { id: string }[] = await em.execute(
          `select id from gateway.app_user where id = any(cast(? as uuid[])) and status = 'active' and roles && cast(? as text[])`,
          [`{${request.userIds.join(',')}}`, `{${STAFF_ROLES.join(',')}}`],
        );
        const found = new Set(staff.map((s) => s.id));
        const missing = request.userIds.filter((userId) => !found.has(userId));
        if (missing.length) throw new ValidationFailed([{ field: 'userIds', problems: missing.map((userId) => `${userId} is not an active staff member of the district`) }]);
      }
      const before = await memberIds(em, id);
      await em.execute(`delete from gateway.staff_group_member where group_id = ?`, [id]);
      for (const userId of request.userIds) {
        await em.execute(`insert into gateway.staff_group_member (district_id, group_id, user_id) values (?, ?, ?)`, [actor.districtId, id, userId]);
      }
      await em.execute(`update gateway.staff_group set version = version + 1 where id = ?`, [id]);
      const after = [...new Set(request.userIds)].sort();
      const changed = changedFields({ userIds: before }, { userIds: after });
      if (changed) await this.audit.record(em, actor.districtId, auditActorOf(actor), [{ action: 'directory.staff-group.members', subjectType: 'staff-group', subjectId: id, ...changed }]);
      return toResponse({ ...row, version: row.version + 1 }, [...request.userIds].sort());
    });
  }
}

function visibleTo(actor: Actor, row: StaffGroupRow): boolean {
  return actor.isDistrictAdmin || (row.school_id !== null && actor.canAdministerSchool(row.school_id));
}

async function findVisible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<StaffGroupRow> {
  const [row]: StaffGroupRow[] = await em.execute(`select id, name, school_id, active, version from gateway.staff_group where id = ?${lock ? ' for update' : ''}`, [id]);
  if (!row || !visibleTo(actor, row)) throw new NotFound('staff_group');
  return row;
}

async function membersOf(em: EntityManager, groupIds: string[]): Promise<Map<string, string[]>> {
  const byGroup = new Map<string, string[]>();
  if (!groupIds.length) return byGroup;
  const rows: { group_id: string; user_id: string }[] = await em.execute(
    `select group_id, user_id from gateway.staff_group_member where group_id = any(cast(? as uuid[])) order by user_id`,
    [`{${groupIds.join(',')}}`],
  );
  for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row.user_id]);
  return byGroup;
}

async function memberIds(em: EntityManager, groupId: string): Promise<string[]> {
  const rows: { user_id: string }[] = await em.execute(`select user_id from gateway.staff_group_member where group_id = ? order by user_id`, [groupId]);
  return rows.map((r) => r.user_id);
}

function toResponse(row: StaffGroupRow, userIds: string[]): StaffGroupResponse {
  return { id: row.id, name: row.name, schoolId: row.school_id, active: row.active, version: row.version, userIds };
}
