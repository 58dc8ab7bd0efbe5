import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError, newId } from '@sessionledger/common';
import { PING } from '@sessionledger/contracts';
import { BullMqClient, messagingTransport } from '@sessionledger/messaging';

import { currentTestRun, startApp, stopApps, TEST_REDIS } from '@sessionledger/testing';
import { lastValueFrom } from 'rxjs';
import { PayrollModule } from '../../../apps/payroll/src/payroll.module';

const actor = (districtId: string) => ({
  userId: newId(),
  districtId,
  roles: ['district_admin' as const],
  schoolIds: [],
  displayName: 'Test Admin',
});

describe(BullMqClient.name, () => {
  let payroll: NestFastifyApplication;
  let client: BullMqClient;

  beforeAll(async () => {
    payroll = await startApp({
      service: 'payroll',
      module: PayrollModule,
      ...messagingTransport('payroll'),
    });
    client = new BullMqClient({ redisUrl: TEST_REDIS, prefix: currentTestRun().redisPrefix, timeoutMs: 15000 });
  });

  afterAll(async () => {
    await client.close();
    await stopApps(payroll);
  });

  it('answers a command sent to the owning service over BullMQ', async () => {
    const districtId = newId();
    const reply = await lastValueFrom(client.send(PING.payroll.pattern, { actor: actor(districtId) }));
    expect(reply).toMatchObject({ service: 'payroll', districtId, settingsVersion: 0 });
  });

  it('refuses a payload that breaks its contract, naming the field', async () => {
    const error = await lastValueFrom(client.send(PING.payroll.pattern, { actor: { ...actor(newId()), districtId: 'nope' } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('invalid');
    expect((error as DomainError).fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'actor.districtId' })]));
  });

  it('answers SERVICE.UNAVAILABLE within the timeout when the owner is down, and withdraws the command', async () => {
    const quick = new BullMqClient({ redisUrl: TEST_REDIS, prefix: currentTestRun().redisPrefix, timeoutMs: 400 });
    try {
      const started = Date.now();
      const error = await lastValueFrom(quick.send(PING.scheduling.pattern, { actor: actor(newId()) })).catch((e: unknown) => e);
      expect((error as DomainError).code).toBe('SERVICE.UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2000);
      const queue = quick.unwrap<Map<string, import('bullmq').Queue>>().get('scheduling.commands')!;
      expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await quick.close();
    }
  });
});
