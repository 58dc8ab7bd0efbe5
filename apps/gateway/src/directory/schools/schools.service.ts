import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, NotFound, Page, pageOf } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { School } from '../directory.entities';
import { DirectoryListQuery } from '../shared/dto';
import { assertVersion, findOr404, prefixPattern } from '../shared/records';
import { CreateSchoolRequest, SchoolResponse, UpdateSchoolRequest } from './schools.dto';

export function toSchoolResponse(school: School): SchoolResponse {
  return {
    id: school.id,
    name: school.name,
    stateSchoolCode: school.stateSchoolCode,
    active: school.active,
    sourcedId: school.sourcedId ?? null,
    version: school.version,
  };
}

@Injectable()
export class SchoolsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  create(actor: Actor, request: CreateSchoolRequest): Promise<SchoolResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      await this.assertCodeFree(em, request.stateSchoolCode);
      const school = new School(actor.districtId, request.name, request.stateSchoolCode);
      // The school table announces itself to every service (see the SchoolAnnouncements migration).
      em.persist(school);
      await em.flush();
      const created = toSchoolResponse(school);
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'directory.school.create', subjectType: 'school', subjectId: school.id, after: createdFields({ ...created }) },
      ]);
      return created;
    });
  }

  list(actor: Actor, query: DirectoryListQuery): Promise<Page<SchoolResponse>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const where: FilterQuery<School> = {};
      const scope = visibleSchools(actor);
      if (scope !== 'all') where.id = { $in: scope };
      if (query.active !== undefined) where.active = query.active;
      if (query.q) where.name = { $ilike: prefixPattern(query.q) };
      if (query.updatedSince) where.updatedAt = { $gte: new Date(query.updatedSince) };
      const [schools, total] = await em.findAndCount(School, where, {
        orderBy: { name: 'asc', id: 'asc' },
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      return pageOf(schools.map(toSchoolResponse), total, query);
    });
  }

  get(actor: Actor, schoolId: string): Promise<SchoolResponse> {
    return this.transactions.run(actor.districtId, async (em) => toSchoolResponse(await this.visible(em, actor, schoolId)));
  }

  update(actor: Actor, schoolId: string, request: UpdateSchoolRequest): Promise<SchoolResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const school = await findOr404(em, School, { id: schoolId }, 'school');
      assertVersion(school, request.version, 'school');
      const before = toSchoolResponse(school);
      if (request.stateSchoolCode !== undefined && request.stateSchoolCode !== school.stateSchoolCode) {
        await this.assertCodeFree(em, request.stateSchoolCode);
        school.stateSchoolCode = request.stateSchoolCode;
      }
      if (request.name !== undefined) school.name = request.name;
      await em.flush();
      return this.recordChange(em, actor, before, toSchoolResponse(school));
    });
  }

  /** Schools are never deleted: sessions, pay and reports refer to them. */
  setActive(actor: Actor, schoolId: string, active: boolean): Promise<SchoolResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const school = await findOr404(em, School, { id: schoolId }, 'school');
      if (school.active === active) return toSchoolResponse(school);
      const before = toSchoolResponse(school);
      school.active = active;
      await em.flush();
      return this.recordChange(em, actor, before, toSchoolResponse(school));
    });
  }

  /** In the change's transaction; a save that changed nothing leaves no entry. */
  private async recordChange(em: EntityManager, actor: Actor, before: SchoolResponse, after: SchoolResponse): Promise<SchoolResponse> {
    const changed = changedFields({ ...before }, { ...after });
    if (changed) await this.audit.record(em, actor.districtId, auditActorOf(actor), [{ action: 'directory.school.update', subjectType: 'school', subjectId: after.id, ...changed }]);
    return after;
  }

  private async visible(em: EntityManager, actor: Actor, schoolId: string): Promise<School> {
    const school = await findOr404(em, School, { id: schoolId }, 'school');
    const scope = visibleSchools(actor);
    if (scope !== 'all' && !scope.includes(school.id)) throw new NotFound('school');
    return school;
  }

  private async assertCodeFree(em: EntityManager, stateSchoolCode: string): Promise<void> {
    if (await em.count(School, { stateSchoolCode })) {
      throw new Conflict('SCHOOL.CODE_TAKEN', `Another school of the district already has state code ${stateSchoolCode}`);
    }
  }
}

/** District admins and payroll see every school; everyone else the schools they are approved at. */
export function visibleSchools(actor: Actor): 'all' | string[] {
  if (actor.isDistrictAdmin || actor.has('payroll')) return 'all';
  return actor.schoolIds;
}
