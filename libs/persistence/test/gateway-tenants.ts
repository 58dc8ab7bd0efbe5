import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { ormConfigFor, TenantTransactions } from '@sessionledger/persistence';
import { appRoleOf, currentTestRun, databaseUrl } from '@sessionledger/testing';
import { District, School, User } from '../../../apps/gateway/src/directory/directory.entities';
import { GATEWAY_PERSISTENCE } from '../../../apps/gateway/src/gateway.persistence';

/**
 * What the tenancy specs share: the gateway's ORM as the app runs it (its
 * login role, never the owner), plain `pg` clients for raw SQL, and districts
 * seeded through TenantTransactions so every row goes in the way the app
 * writes it. Ids are random, so files sharing the run's database stay apart.
 */
export const GATEWAY_ROLE = appRoleOf('gateway');

export async function gatewayOrm(poolMax: number): Promise<MikroORM> {
  return MikroORM.init(ormConfigFor(GATEWAY_PERSISTENCE, { url: databaseUrl(currentTestRun().database, GATEWAY_ROLE), poolMax }));
}

/** A raw connection to the run's database; `postgres` is the superuser, above row-level security. */
export async function connectAs(role: string): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl(currentTestRun().database, role) });
  await client.connect();
  return client;
}

export interface SeededDistrict {
  districtId: string;
  schoolIds: string[];
}

export async function seedDistrict(tenants: TenantTransactions, schoolCount: number): Promise<SeededDistrict> {
  const district = new District(`District ${newId()}`, 'America/Chicago');
  return tenants.run(district.id, async (em) => {
    const schools = Array.from({ length: schoolCount }, (_, i) => new School(district.id, `School ${i + 1}`, `SC-${newId()}`));
    em.persist(district);
    await em.flush();
    em.persist(schools);
    await em.flush();
    return { districtId: district.id, schoolIds: schools.map((school) => school.id).sort() };
  });
}

export async function seedUser(tenants: TenantTransactions, districtId: string, passwordHash: string): Promise<User> {
  return tenants.run(districtId, async (em) => {
    const user = new User(districtId, `user-${newId()}@example.test`, 'Pat', 'Rivera', ['provider']);
    user.passwordHash = passwordHash;
    await em.persist(user).flush();
    return user;
  });
}
