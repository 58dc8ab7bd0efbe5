import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError } from '@sessionledger/common';
import { BACKEND_SERVICES, BackendService, PING } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { stopApps } from '@sessionledger/testing';
import { startBackend } from './support/backends';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await probe();
  }
  return last;
}

describe('Gateway to services over BullMQ', () => {
  let gateway: NestFastifyApplication;
  const backends = new Map<BackendService, NestFastifyApplication>();
  let district: TestDistrict;
  let admin: Session;

  beforeAll(async () => {
    gateway = await startGateway({ RPC_TIMEOUT_MS: '3000', OUTBOX_RELAY_ENABLED: 'true' });
    for (const service of BACKEND_SERVICES) backends.set(service, await startBackend(service));
    district = await createDistrict(gateway, 1);
    admin = await signIn(gateway, district.admin.email);
  });

  afterAll(() => stopApps(gateway, ...backends.values()));

  it('goes from an HTTP sign-in through the gateway, over BullMQ, to every service and back', async () => {
    const response = await as(gateway, admin).get('/api/system/services').expect(200);
    expect(response.body).toHaveLength(4);
    for (const status of response.body) expect(status).toMatchObject({ status: 'up' });
    expect(response.body.map((s: { service: string }) => s.service).sort()).toEqual([...BACKEND_SERVICES].sort());
  });

  it('delivers a district settings change through the outbox to every service’s replica', async () => {
    const initial = await eventually(
      () => as(gateway, admin).get('/api/system/services'),
      (r) => r.body.every((s: { settingsVersion: number }) => s.settingsVersion >= 1),
    );
    expect(initial.body.map((s: { settingsVersion: number }) => s.settingsVersion)).toEqual([1, 1, 1, 1]);

    const current = await as(gateway, admin).get('/api/district').expect(200);
    await as(gateway, admin)
      .patch('/api/district')
      .send({ version: current.body.version, settings: { cancellationNoticeHours: 48 } })
      .expect(200);
    const updated = await eventually(
      () => as(gateway, admin).get('/api/system/services'),
      (r) => r.body.every((s: { settingsVersion: number }) => s.settingsVersion === current.body.version + 1),
    );
    expect(updated.body.map((s: { settingsVersion: number }) => s.settingsVersion)).toEqual(Array(4).fill(current.body.version + 1));
  });

  it('has every service refuse a message whose text holds a NUL or a lone surrogate as bad input, naming the field', async () => {
    const bus = gateway.get(ServiceBus);
    for (const service of BACKEND_SERVICES) {
      for (const displayName of ['Ada\u0000Admin', 'Ada\ud800']) {
        const actor = { userId: district.admin.id, districtId: district.id, roles: ['district_admin' as const], schoolIds: [], displayName };
        const refusal = await bus.send(PING[service], { actor }).catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(DomainError);
        expect(refusal).toMatchObject({ kind: 'invalid', fields: [{ field: 'actor.displayName', problems: [expect.stringContaining('NUL')] }] });
      }
    }
  });

  it('refuses the services view to a provider (403) and a stale district update (409)', async () => {
    const tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    await as(gateway, await signIn(gateway, tutor.email)).get('/api/system/services').expect(403);
    await as(gateway, admin).patch('/api/district').send({ version: 1, name: 'Renamed' }).expect(409);
  });

  it('answers 503 within the timeout, not a hang, when the owning service is down', async () => {
    await stopApps(backends.get('scheduling'));
    backends.delete('scheduling');
    const started = Date.now();
    const response = await as(gateway, admin).get('/api/system/services/scheduling').expect(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(response.body).toMatchObject({ code: 'SERVICE.UNAVAILABLE', correlationId: expect.any(String) });
    await as(gateway, admin).get('/api/system/services/payroll').expect(200);

    backends.set('scheduling', await startBackend('scheduling'));
    await as(gateway, admin).get('/api/system/services/scheduling').expect(200);
  });
});
