import { Controller, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { lastValueFrom } from 'rxjs';
import request from 'supertest';
import { newId } from '@sessionledger/common';
import { ConfigModule } from '@sessionledger/config';
import { PING } from '@sessionledger/contracts';
import { BullMqClient, messagingTransport } from '@sessionledger/messaging';
import { MetricsServer, PlatformModule, redisOptionsFrom } from '@sessionledger/platform';
import { Queue } from 'bullmq';
import { currentTestRun, freePort, spawnTs, startApp, startPrivateRedis, stopApps, TEST_REDIS, testEnvironmentFor, waitFor } from '@sessionledger/testing';
import { PayrollModule } from '../src/payroll.module';
import { GATEWAY_BOOTSTRAP } from '../../gateway/src/gateway.bootstrap';

const actor = () => ({ userId: newId(), districtId: newId(), roles: ['district_admin' as const], schoolIds: [], displayName: 'Ops' });

describe('Service lifecycle: probes, metrics, logs, graceful shutdown', () => {
  it('exposes liveness, readiness that checks PostgreSQL and Redis, and Prometheus metrics', async () => {
    const app = await startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') });
    const client = new BullMqClient({ redisUrl: TEST_REDIS, prefix: currentTestRun().redisPrefix, timeoutMs: 15000 });
    try {
      await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'alive' });
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } });
      await lastValueFrom(client.send(PING.payroll.pattern, { actor: actor() }));
      await request(app.getHttpServer()).get('/metrics').expect(404);
      const metrics = await request(app.get(MetricsServer).url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/messages_handled_total\{pattern="payroll\.ping",kind="command",outcome="ok",service="payroll"\} [1-9]/);
      expect(metrics.text).toContain('process_cpu_user_seconds_total');
    } finally {
      await client.close();
      await stopApps(app);
    }
  });

  it('turns not-ready (503) while its Redis is down and ready again when it is back', async () => {
    const redis = await startPrivateRedis();
    const app = await startApp(GATEWAY_BOOTSTRAP, { REDIS_URL: redis.url });
    try {
      await request(app.getHttpServer()).get('/health/ready').expect(200);
      await redis.stop();
      const down = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(down.body.checks.redis.status).toBe('down');
      expect(down.body.checks.postgres.status).toBe('up');
      await request(app.getHttpServer()).get('/health/live').expect(200);
      const restarted = await startPrivateRedis(redis.port);
      try {
        await waitFor(async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200, 10_000);
      } finally {
        await stopApps(app);
        await restarted.stop();
      }
    } finally {
      await redis.stop();
    }
  });

  it('finishes a message in flight before it closes', async () => {
    let finished = false;
    @Controller()
    class SlowPing {
      @MessagePattern(PING.payroll.pattern)
      async ping(): Promise<{ slow: true }> {
        await new Promise((resolve) => setTimeout(resolve, 1200));
        finished = true;
        return { slow: true };
      }
    }
    @Module({ imports: [ConfigModule, PlatformModule.forService('payroll')], controllers: [SlowPing] })
    class SlowModule {}

    const app: NestFastifyApplication = await startApp({
      service: 'payroll',
      module: SlowModule,
      ...messagingTransport('payroll'),
    });
    const client = new BullMqClient({ redisUrl: TEST_REDIS, prefix: currentTestRun().redisPrefix, timeoutMs: 5000 });
    const commands = new Queue('payroll.commands', { connection: redisOptionsFrom(TEST_REDIS, 'commands'), prefix: currentTestRun().redisPrefix });
    try {
      const reply = lastValueFrom(client.send(PING.payroll.pattern, { actor: actor() }));
      await waitFor(async () => (await commands.getActiveCount()) === 1, 3000, 20);
      const closing = app.close();
      expect(finished).toBe(false);
      await closing;
      expect(finished).toBe(true);
      await expect(reply).resolves.toEqual({ slow: true });
    } finally {
      await commands.close();
      await client.close();
    }
  });

  it('runs as its own process: JSON logs, and SIGTERM exits cleanly', async () => {
    const port = await freePort();
    const env = testEnvironmentFor('payroll', currentTestRun(), { HTTP_PORT: String(port), LOG_LEVEL: 'info', HTTP_HOST: '127.0.0.1' });
    const child = spawnTs('apps/payroll/src/main.ts', ['serve'], env);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
        } catch {
          return false;
        }
      }, 30_000, 200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const lines = output.trim().split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service: 'payroll', level: expect.any(String), message: expect.any(String) });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
