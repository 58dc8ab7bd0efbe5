import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';

import { startApp, stopApps } from '@sessionledger/testing';
import { PayrollModule } from '../../payroll/src/payroll.module';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict, TestUser } from './support/gateway-harness';

interface WorkOrderRow {
  id: string;
  district_id: string;
  type: string;
  provider_id: string;
  school_id: string;
  pay_rate_cents: number;
  valid_from: string;
  valid_to: string;
  description: string | null;
  active: boolean;
  version: number;
  created_by: string;
}

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

describe('Work orders: gateway → BullMQ → payroll', () => {
  let gateway: NestFastifyApplication;
  let payroll: NestFastifyApplication | undefined;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let schoolAdmin: Session;
  let payrollUser: Session;
  let guardian: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let coach: TestUser;
  let coachSession: Session;

  const valid = () => ({
    type: 'tutoring',
    providerId: tutor.id,
    schoolId: district.schools[0].id,
    payRateCents: 3250,
    validFrom: '2026-08-17',
    validTo: '2027-05-28',
    description: 'After-school reading',
  });

  /** The row as payroll stored it, read under its own district (row-level security applies). */
  async function payrollRows(districtId: string, where = 'true', params: unknown[] = []): Promise<WorkOrderRow[]> {
    const transactions = payroll!.get(TenantTransactions);
    return transactions.run(districtId, (em) => em.getConnection().execute(`select * from payroll.work_order where ${where}`, params, 'all', em.getTransactionContext()));
  }

  function create(session: Session, body: object) {
    return as(gateway, session).post('/api/work-orders').send(body);
  }

  beforeAll(async () => {
    gateway = await startGateway({ RPC_TIMEOUT_MS: '3000' });
    payroll = await startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') });
    district = await createDistrict(gateway, 2);
    other = await createDistrict(gateway, 1);
    const [school0, school1] = district.schools;
    tutor = await district.user(['provider'], { schoolIds: [school0.id, school1.id], providerKind: 'tutor' });
    coach = await district.user(['provider'], { schoolIds: [school0.id], providerKind: 'coach' });
    const schoolAdminUser = await district.user(['school_admin'], { schoolIds: [school0.id] });
    const payrollUserRecord = await district.user(['payroll']);
    const guardianUser = await district.user(['guardian']);
    [admin, otherAdmin, schoolAdmin, payrollUser, guardian, tutorSession, coachSession] = await Promise.all([
      signIn(gateway, district.admin.email),
      signIn(gateway, other.admin.email),
      signIn(gateway, schoolAdminUser.email),
      signIn(gateway, payrollUserRecord.email),
      signIn(gateway, guardianUser.email),
      signIn(gateway, tutor.email),
      signIn(gateway, coach.email),
    ]);
  });

  afterAll(() => stopApps(gateway, payroll));

  it('creates, reads, updates, deactivates and reactivates a work order, stored in the payroll schema', async () => {
    const created = await create(admin, valid()).expect(201);
    expect(created.body).toMatchObject({ ...valid(), typeName: 'Tutoring', active: true, version: 1, createdBy: district.admin.id });

    const [row] = await payrollRows(district.id, 'id = ?', [created.body.id]);
    expect(row).toMatchObject({
      district_id: district.id,
      type: 'tutoring',
      provider_id: tutor.id,
      school_id: district.schools[0].id,
      pay_rate_cents: 3250,
      valid_from: '2026-08-17',
      valid_to: '2027-05-28',
      active: true,
      version: 1,
      created_by: district.admin.id,
    });
    // Row-level security: under another district the row does not exist.
    expect(await payrollRows(other.id, 'id = ?', [created.body.id])).toEqual([]);

    await as(gateway, admin).get(`/api/work-orders/${created.body.id}`).expect(200, created.body);

    const updated = await as(gateway, admin)
      .patch(`/api/work-orders/${created.body.id}`)
      .send({ version: 1, payRateCents: 3500, validTo: '2027-06-30', description: '' })
      .expect(200);
    expect(updated.body).toMatchObject({ payRateCents: 3500, validFrom: '2026-08-17', validTo: '2027-06-30', description: null, version: 2 });
    expect((await payrollRows(district.id, 'id = ?', [created.body.id]))[0]).toMatchObject({ pay_rate_cents: 3500, valid_to: '2027-06-30', description: null, version: 2 });

    const deactivated = await as(gateway, admin).post(`/api/work-orders/${created.body.id}/deactivate`).expect(200);
    expect(deactivated.body).toMatchObject({ active: false, version: 3 });
    expect((await payrollRows(district.id, 'id = ?', [created.body.id]))[0].active).toBe(false);

    const listed = await as(gateway, admin).get(`/api/work-orders?active=false&providerId=${tutor.id}`).expect(200);
    expect(listed.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(listed.body.items.every((w: { active: boolean }) => !w.active)).toBe(true);

    await as(gateway, admin).post(`/api/work-orders/${created.body.id}/reactivate`).expect(200);
    expect((await payrollRows(district.id, 'id = ?', [created.body.id]))[0].active).toBe(true);
  });

  it('filters by type and by a day the work order covers, paged', async () => {
    const club = await create(admin, { ...valid(), type: 'club', validFrom: '2030-01-01', validTo: '2030-01-31' }).expect(201);
    const onDay = await as(gateway, admin).get('/api/work-orders?activeOn=2030-01-15&pageSize=5').expect(200);
    expect(onDay.body).toMatchObject({ page: 1, pageSize: 5, total: 1 });
    expect(onDay.body.items[0].id).toBe(club.body.id);
    await as(gateway, admin).get('/api/work-orders?activeOn=2030-02-01').expect(200).expect((r) => expect(r.body.total).toBe(0));
    const clubs = await as(gateway, admin).get('/api/work-orders?type=club').expect(200);
    expect(clubs.body.items.map((w: { type: string }) => w.type)).toEqual(['club']);
  });

  it('lists only the work orders changed at or after updatedSince, in a stable order (ties by id), and names a bad updatedSince', async () => {
    const sameDay = { ...valid(), validFrom: '2031-03-02', validTo: '2031-03-30' };
    const [first, second, third] = [
      (await create(admin, sameDay).expect(201)).body,
      (await create(admin, sameDay).expect(201)).body,
      (await create(admin, sameDay).expect(201)).body,
    ];
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      pages.push(...(await as(gateway, admin).get(`/api/work-orders?activeOn=2031-03-15&pageSize=1&page=${page}`).expect(200)).body.items.map((w: { id: string }) => w.id));
    }
    expect(pages).toEqual([first.id, second.id, third.id].sort());

    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = encodeURIComponent(new Date().toISOString());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await as(gateway, admin).patch(`/api/work-orders/${second.id}`).send({ version: second.version, description: 'Changed' }).expect(200);
    await as(gateway, admin).post(`/api/work-orders/${third.id}/deactivate`).expect(200);
    const changed = await as(gateway, admin).get(`/api/work-orders?updatedSince=${since}`).expect(200);
    expect(changed.body.items.map((w: { id: string }) => w.id).sort()).toEqual([second.id, third.id].sort());
    expect(changed.body.total).toBe(2);

    const bad = await as(gateway, admin).get('/api/work-orders?updatedSince=2031-03-02').expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['updatedSince']);
  });

  it('refuses invalid work orders with 400 naming each field, and stores nothing', async () => {
    const before = (await payrollRows(district.id)).length;

    const shapes = await create(admin, { ...valid(), payRateCents: 12.5, validFrom: '2026-02-30', validTo: '28/05/2027', colour: 'red' }).expect(400);
    expect(shapes.body.code).toBe('REQUEST.INVALID');
    expect(fieldsOf(shapes.body)).toEqual(['colour', 'payRateCents', 'validFrom', 'validTo']);

    expect(fieldsOf((await create(admin, { ...valid(), payRateCents: 0 }).expect(400)).body)).toEqual(['payRateCents']);
    const { type: _type, ...untyped } = valid();
    expect(fieldsOf((await create(admin, untyped).expect(400)).body)).toEqual(['type']);

    // The catalog is payroll's: the type is checked there and the 400 comes back over the bus.
    const badType = await create(admin, { ...valid(), type: 'bowling' }).expect(400);
    expect(badType.body.fields).toEqual([{ field: 'type', problems: [expect.stringContaining('bowling')] }]);

    const reversed = await create(admin, { ...valid(), validFrom: '2027-01-02', validTo: '2027-01-01' }).expect(400);
    expect(fieldsOf(reversed.body)).toEqual(['validTo']);

    expect((await payrollRows(district.id)).length).toBe(before);
  });

  it('checks the provider and the school in the directory before sending (400 naming providerId / schoolId)', async () => {
    const before = (await payrollRows(district.id)).length;
    // The coach is approved at the first school only.
    const unapproved = await create(admin, { ...valid(), providerId: coach.id, schoolId: district.schools[1].id }).expect(400);
    expect(fieldsOf(unapproved.body)).toEqual(['providerId']);
    // An admin is not a provider.
    expect(fieldsOf((await create(admin, { ...valid(), providerId: district.admin.id }).expect(400)).body)).toEqual(['providerId']);
    // Another district's school.
    expect(fieldsOf((await create(admin, { ...valid(), schoolId: other.schools[0].id }).expect(400)).body)).toEqual(['schoolId']);
    // A patch cannot move a work order to another provider or school.
    const order = await create(admin, valid()).expect(201);
    const moved = await as(gateway, admin).patch(`/api/work-orders/${order.body.id}`).send({ version: 1, providerId: coach.id }).expect(400);
    expect(fieldsOf(moved.body)).toEqual(['providerId']);
    expect((await payrollRows(district.id)).length).toBe(before + 1);
  });

  it('answers 403 to roles that may not call a route', async () => {
    await as(gateway, guardian).get('/api/work-orders').expect(403);
    await create(guardian, valid()).expect(403);
    await create(payrollUser, valid()).expect(403);
    await create(tutorSession, valid()).expect(403);
    const order = await create(admin, valid()).expect(201);
    await as(gateway, guardian).get(`/api/work-orders/${order.body.id}`).expect(403);
    await as(gateway, tutorSession).patch(`/api/work-orders/${order.body.id}`).send({ version: 1, payRateCents: 9999 }).expect(403);
    await as(gateway, payrollUser).post(`/api/work-orders/${order.body.id}/deactivate`).expect(403);
  });

  it('shows a provider their own work orders only; payroll reads all', async () => {
    const mine = await create(admin, valid()).expect(201);
    const theirs = await create(admin, { ...valid(), providerId: coach.id }).expect(201);

    const tutorList = await as(gateway, tutorSession).get('/api/work-orders?pageSize=200').expect(200);
    expect(tutorList.body.items.length).toBeGreaterThan(0);
    expect(tutorList.body.items.every((w: { providerId: string }) => w.providerId === tutor.id)).toBe(true);
    await as(gateway, tutorSession).get(`/api/work-orders/${mine.body.id}`).expect(200);
    await as(gateway, tutorSession).get(`/api/work-orders/${theirs.body.id}`).expect(404);
    // Asking for someone else's explicitly finds nothing either.
    const asked = await as(gateway, tutorSession).get(`/api/work-orders?providerId=${coach.id}`).expect(200);
    expect(asked.body).toMatchObject({ items: [], total: 0 });
    const coachList = await as(gateway, coachSession).get('/api/work-orders?pageSize=200').expect(200);
    expect(coachList.body.items.map((w: { id: string }) => w.id)).toEqual([theirs.body.id]);

    const payrollList = await as(gateway, payrollUser).get('/api/work-orders?pageSize=200').expect(200);
    const ids = payrollList.body.items.map((w: { id: string }) => w.id);
    expect(ids).toEqual(expect.arrayContaining([mine.body.id, theirs.body.id]));
    await as(gateway, payrollUser).get(`/api/work-orders/${theirs.body.id}`).expect(200);
  });

  it('lets a school admin manage their schools’ work orders only (404 outside them)', async () => {
    const own = await create(schoolAdmin, { ...valid(), schoolId: district.schools[0].id }).expect(201);
    expect(own.body.createdBy).not.toBe(district.admin.id);
    const elsewhere = await create(admin, { ...valid(), schoolId: district.schools[1].id }).expect(201);

    await as(gateway, schoolAdmin).get(`/api/work-orders/${elsewhere.body.id}`).expect(404);
    await as(gateway, schoolAdmin).patch(`/api/work-orders/${elsewhere.body.id}`).send({ version: 1, payRateCents: 1 }).expect(404);
    await as(gateway, schoolAdmin).post(`/api/work-orders/${elsewhere.body.id}/deactivate`).expect(404);
    expect((await payrollRows(district.id, 'id = ?', [elsewhere.body.id]))[0]).toMatchObject({ pay_rate_cents: 3250, active: true });

    const listed = await as(gateway, schoolAdmin).get('/api/work-orders?pageSize=200').expect(200);
    expect(listed.body.items.every((w: { schoolId: string }) => w.schoolId === district.schools[0].id)).toBe(true);
    expect(listed.body.items.map((w: { id: string }) => w.id)).toContain(own.body.id);

    const outside = await create(schoolAdmin, { ...valid(), schoolId: district.schools[1].id }).expect(400);
    expect(fieldsOf(outside.body)).toEqual(['schoolId']);
    await as(gateway, schoolAdmin).patch(`/api/work-orders/${own.body.id}`).send({ version: 1, payRateCents: 4000 }).expect(200);
  });

  it('answers 404 for another district’s work order, never its data', async () => {
    const order = await create(admin, valid()).expect(201);
    const read = await as(gateway, otherAdmin).get(`/api/work-orders/${order.body.id}`).expect(404);
    expect(read.body).toEqual({ code: 'WORK_ORDER.NOT_FOUND', message: expect.any(String), correlationId: expect.any(String) });
    await as(gateway, otherAdmin).patch(`/api/work-orders/${order.body.id}`).send({ version: 1, payRateCents: 1 }).expect(404);
    await as(gateway, otherAdmin).post(`/api/work-orders/${order.body.id}/deactivate`).expect(404);
    const listed = await as(gateway, otherAdmin).get('/api/work-orders').expect(200);
    expect(listed.body).toMatchObject({ items: [], total: 0 });
    expect((await payrollRows(district.id, 'id = ?', [order.body.id]))[0]).toMatchObject({ pay_rate_cents: 3250, active: true, version: 1 });
  });

  it('refuses a stale version with 409', async () => {
    const order = await create(admin, valid()).expect(201);
    await as(gateway, admin).patch(`/api/work-orders/${order.body.id}`).send({ version: 1, payRateCents: 4000 }).expect(200);
    const stale = await as(gateway, schoolAdmin).patch(`/api/work-orders/${order.body.id}`).send({ version: 1, payRateCents: 5000 }).expect(409);
    expect(stale.body).toMatchObject({ code: 'WORK_ORDER.STALE' });
    expect((await payrollRows(district.id, 'id = ?', [order.body.id]))[0]).toMatchObject({ pay_rate_cents: 4000, version: 2 });
  });

  it('reactivates only while the provider is still approved at the school (409 otherwise)', async () => {
    const [school0, school1] = district.schools;
    const aide = await district.user(['provider'], { schoolIds: [school0.id, school1.id], providerKind: 'aide' });
    const order = await create(admin, { ...valid(), providerId: aide.id }).expect(201);
    await as(gateway, admin).post(`/api/work-orders/${order.body.id}/deactivate`).expect(200);
    await as(gateway, admin).put(`/api/staff/${aide.id}/approvals`).send({ schoolIds: [school1.id] }).expect(200);
    const refused = await as(gateway, admin).post(`/api/work-orders/${order.body.id}/reactivate`).expect(409);
    expect(refused.body).toMatchObject({ code: 'WORK_ORDER.NOT_ASSIGNABLE' });
    expect((await payrollRows(district.id, 'id = ?', [order.body.id]))[0].active).toBe(false);
  });

  it('answers 503 within the timeout when payroll is down', async () => {
    const order = await create(admin, valid()).expect(201);
    await stopApps(payroll);
    payroll = undefined;
    const started = Date.now();
    const response = await as(gateway, admin).get(`/api/work-orders/${order.body.id}`).expect(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(response.body).toMatchObject({ code: 'SERVICE.UNAVAILABLE', correlationId: expect.any(String) });
  });
});
