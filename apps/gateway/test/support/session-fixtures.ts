import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { TenantTransactions } from '@sessionledger/persistence';
import { Guardian, GuardianStudent, Student } from '../../src/directory/directory.entities';
import { as, Session, TestDistrict, TestUser } from './gateway-harness';

/** Directory records sessions need, made through the admin API as a district would. */
export async function addStudent(
  gateway: NestFastifyApplication,
  admin: Session,
  schoolId: string,
  fields: { firstName?: string; lastName?: string; homeboundTeacherId?: string; stateId?: string } = {},
): Promise<{ id: string; firstName: string; lastName: string }> {
  const body = {
    localId: `L${randomBytes(4).toString('hex')}`,
    firstName: fields.firstName ?? 'Stu',
    lastName: fields.lastName ?? `Dent${randomBytes(2).toString('hex')}`,
    grade: '05',
    schoolId,
    ...(fields.homeboundTeacherId ? { homeboundTeacherId: fields.homeboundTeacherId } : {}),
    ...(fields.stateId ? { stateId: fields.stateId } : {}),
  };
  const response = await as(gateway, admin).post('/api/students').send(body);
  if (response.status !== 201) throw new Error(`student answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function addGroup(gateway: NestFastifyApplication, admin: Session, schoolId: string, providerId: string, studentIds: string[]): Promise<{ id: string }> {
  const response = await as(gateway, admin).post('/api/groups').send({ name: `Group ${randomBytes(3).toString('hex')}`, schoolId, providerId, studentIds });
  if (response.status !== 201) throw new Error(`group answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function addWorkOrder(
  gateway: NestFastifyApplication,
  admin: Session,
  fields: { type: string; providerId: string; schoolId: string; validFrom?: string; validTo?: string },
): Promise<{ id: string }> {
  const response = await as(gateway, admin)
    .post('/api/work-orders')
    .send({ payRateCents: 3000, validFrom: '2020-01-01', validTo: '2099-12-31', ...fields });
  if (response.status !== 201) throw new Error(`work order answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Signs a student's own account to the student record (accounts for students and guardians are provisioned by operators). */
export async function linkStudentAccount(gateway: NestFastifyApplication, district: TestDistrict, studentId: string): Promise<TestUser> {
  const user = await district.user(['student']);
  await gateway.get(TenantTransactions).run(district.id, async (em) => {
    const student = await em.findOneOrFail(Student, { id: studentId });
    student.userId = user.id;
    await em.flush();
  });
  return user;
}

/** A guardian with a sign-in, linked to the given students. */
export async function guardianOf(gateway: NestFastifyApplication, district: TestDistrict, studentIds: string[]): Promise<TestUser> {
  const user = await district.user(['guardian']);
  await gateway.get(TenantTransactions).run(district.id, async (em) => {
    const guardian = new Guardian(district.id, 'Gale', 'Parent');
    guardian.userId = user.id;
    em.persist(guardian);
    for (const studentId of studentIds) em.persist(new GuardianStudent(district.id, guardian.id, studentId));
    await em.flush();
  });
  return user;
}
