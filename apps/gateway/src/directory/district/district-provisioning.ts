import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { invalid, newId } from '@sessionledger/common';
import type { Role } from '@sessionledger/contracts';
import type { ProviderKind } from '@sessionledger/auth';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, OPERATOR_ACTOR } from '../../audit/audit-log';
import { Passwords } from '../../auth/passwords';
import { DEFAULT_DISTRICT_SETTINGS, District, DistrictSettings, StaffApproval, User } from '../directory.entities';
import { announceDistrictSettings, isDistrictTimeZone } from './district.service';

export interface NewDistrict {
  name: string;
  timeZone: string;
  settings?: Partial<DistrictSettings>;
  admin: { email: string; firstName: string; lastName: string; password: string };
  /** The operator command creating it, for the district's log (`create-district`, `seed-demo`). */
  command?: string;
}

export interface NewUser {
  email: string;
  firstName: string;
  lastName: string;
  roles: Role[];
  providerKind?: ProviderKind;
  password?: string;
  schoolIds?: string[];
}

/**
 * Operator-side creation of a tenant. A district is created by an operator
 * (never through the public API), together with its first district admin, and
 * the services learn of it through the outbox like any other change.
 */
@Injectable()
export class DistrictProvisioning {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly audit: AuditLog,
  ) {}

  async createDistrict(request: NewDistrict): Promise<{ districtId: string; adminId: string }> {
    if (!isDistrictTimeZone(request.timeZone)) {
      throw invalid('timeZone', 'must be an IANA time zone such as America/Chicago');
    }
    if (await this.emailTaken(request.admin.email)) {
      throw invalid('adminEmail', `${request.admin.email} already signs in somewhere`);
    }
    const districtId = newId();
    const passwordHash = await this.passwords.hash(request.admin.password);
    return this.transactions.run(districtId, async (em) => {
      const district = new District(request.name, request.timeZone);
      district.id = districtId;
      district.settings = { ...DEFAULT_DISTRICT_SETTINGS, ...request.settings };
      em.persist(district);
      const admin = this.addUser(em, districtId, { ...request.admin, roles: ['district_admin'] }, passwordHash);
      announceDistrictSettings(em, district, district.version);
      await em.flush();
      // The district's first entry: no account exists yet to have done it, so the operator did.
      await this.audit.record(em, districtId, OPERATOR_ACTOR, [
        {
          action: 'district.create',
          subjectType: 'district',
          subjectId: districtId,
          after: { name: district.name, timeZone: district.timeZone, adminUserId: admin.id, adminEmail: admin.email },
          detail: request.command ? { command: request.command } : null,
        },
      ], null);
      return { districtId, adminId: admin.id };
    });
  }

  /** Adds a user inside the caller's district transaction; the hash is computed beforehand, outside it. */
  addUser(em: EntityManager, districtId: string, user: NewUser, passwordHash?: string): User {
    const entity = new User(districtId, user.email, user.firstName, user.lastName, user.roles);
    entity.providerKind = user.providerKind ?? null;
    entity.passwordHash = passwordHash ?? null;
    em.persist(entity);
    for (const schoolId of user.schoolIds ?? []) em.persist(new StaffApproval(districtId, entity.id, schoolId));
    return entity;
  }

  async emailTaken(email: string): Promise<boolean> {
    const rows = await this.orm.em.getConnection().execute(`select 1 from gateway.sign_in_candidate(?)`, [email.toLowerCase()]);
    return rows.length > 0;
  }
}
