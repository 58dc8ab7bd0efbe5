import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Role } from '@sessionledger/contracts';
import type { ProviderKind } from '@sessionledger/auth';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp } from '@sessionledger/testing';
import { Passwords } from '../../src/auth/passwords';
import { School } from '../../src/directory/directory.entities';
import { GATEWAY_BOOTSTRAP } from '../../src/gateway.bootstrap';
import { DistrictProvisioning } from '../../src/directory/district/district-provisioning';

export const TEST_PASSWORD = 'correct horse battery staple';

export function startGateway(overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return startApp(GATEWAY_BOOTSTRAP, overrides);
}

export interface TestUser {
  id: string;
  email: string;
  roles: Role[];
}

export interface TestDistrict {
  id: string;
  domain: string;
  admin: TestUser;
  schools: { id: string; name: string; stateSchoolCode: string }[];
  /** Adds a signed-in-able user of this district. */
  user(roles: Role[], options?: { schoolIds?: string[]; providerKind?: ProviderKind; name?: string }): Promise<TestUser>;
}

/** A district with its admin and `schoolCount` schools, in one line; names are unique per call. */
export async function createDistrict(app: NestFastifyApplication, schoolCount = 2): Promise<TestDistrict> {
  const domain = `d${randomBytes(5).toString('hex')}.test`;
  const provisioning = app.get(DistrictProvisioning);
  const transactions = app.get(TenantTransactions);
  const passwordHash = await app.get(Passwords).hash(TEST_PASSWORD);
  const adminEmail = `admin@${domain}`;
  const { districtId, adminId } = await provisioning.createDistrict({
    name: `District ${domain}`,
    timeZone: 'America/Chicago',
    admin: { email: adminEmail, firstName: 'Ada', lastName: 'Admin', password: TEST_PASSWORD },
  });
  const schools = await transactions.run(districtId, async (em) => {
    const created = Array.from({ length: schoolCount }, (_, i) => new School(districtId, `School ${i + 1} of ${domain}`, `S${i + 1}-${domain.slice(1, 7)}`));
    created.forEach((school) => em.persist(school));
    await em.flush();
    return created.map((school) => ({ id: school.id, name: school.name, stateSchoolCode: school.stateSchoolCode }));
  });
  let counter = 0;
  return {
    id: districtId,
    domain,
    admin: { id: adminId, email: adminEmail, roles: ['district_admin'] },
    schools,
    async user(roles, options = {}) {
      counter += 1;
      const email = `${roles[0].replace('_', '-')}-${counter}@${domain}`;
      const user = await transactions.run(districtId, async (em) => {
        const created = provisioning.addUser(
          em,
          districtId,
          { email, firstName: options.name ?? 'Test', lastName: `User${counter}`, roles, providerKind: options.providerKind, schoolIds: options.schoolIds },
          passwordHash,
        );
        await em.flush();
        return created;
      });
      return { id: user.id, email, roles };
    },
  };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function signIn(app: NestFastifyApplication, email: string, password = TEST_PASSWORD): Promise<Session> {
  const response = await request(app.getHttpServer()).post('/api/auth/login').send({ email, password });
  if (response.status !== 200) throw new Error(`sign-in of ${email} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Session;
}

/** supertest bound to a user's access token. */
export function as(app: NestFastifyApplication, session: Session) {
  const server = app.getHttpServer();
  const auth = { Authorization: `Bearer ${session.accessToken}` };
  return {
    get: (url: string) => request(server).get(url).set(auth),
    post: (url: string) => request(server).post(url).set(auth),
    patch: (url: string) => request(server).patch(url).set(auth),
    put: (url: string) => request(server).put(url).set(auth),
    delete: (url: string) => request(server).delete(url).set(auth),
  };
}
