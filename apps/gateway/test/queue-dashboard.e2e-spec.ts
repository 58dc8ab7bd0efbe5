import { Queue } from 'bullmq';
import request from 'supertest';
import { QUEUE_DASHBOARD_PATH, QUEUE_DASHBOARD_USER, QueueDashboard } from '@sessionledger/messaging';
import { redisOptionsFrom } from '@sessionledger/platform';
import { currentTestRun, stopApps, TEST_REDIS, testEnvironment } from '@sessionledger/testing';
import { as, createDistrict, signIn, startGateway } from './support/gateway-harness';

const TOKEN = 'operator-dashboard-token-0123456789abcdef';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Queue dashboard (installation operators)', () => {
  it('shows every service\'s queues with their waiting jobs to the operator password only, on its own port', async () => {
    const app = await startGateway({ OPS_DASHBOARD_TOKEN: TOKEN, OPS_DASHBOARD_PORT: '0' });
    const payrollEvents = new Queue('payroll.events', { connection: redisOptionsFrom(TEST_REDIS, 'commands'), prefix: currentTestRun().redisPrefix });
    try {
      const port = app.get(QueueDashboard).port;
      expect(port).toBeGreaterThan(0);
      const dashboard = `http://127.0.0.1:${port}`;

      const anonymous = await request(dashboard).get(`${QUEUE_DASHBOARD_PATH}/api/queues`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
      const wrong = await request(dashboard).get(`${QUEUE_DASHBOARD_PATH}/api/queues`).set('Authorization', basic(QUEUE_DASHBOARD_USER, `${TOKEN}x`));
      expect(wrong.status).toBe(401);
      expect(JSON.stringify(wrong.body)).not.toContain('payroll');

      // Nothing works the payroll queue in this test: the job stays waiting where the operator can see it.
      await payrollEvents.add('session-log.session-posted', { id: 'stuck' }, { jobId: 'stuck-event' });
      const auth = basic(QUEUE_DASHBOARD_USER, TOKEN);
      const page = await request(dashboard).get(QUEUE_DASHBOARD_PATH).set('Authorization', auth);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<html');
      const listed = await request(dashboard).get(`${QUEUE_DASHBOARD_PATH}/api/queues`).set('Authorization', auth).expect(200);
      const queues = listed.body.queues as { name: string; counts: Record<string, number> }[];
      expect(queues.map((queue) => queue.name)).toEqual(expect.arrayContaining(['gateway.webhooks', 'payroll.events', 'scheduling.reminders', 'state-reporting.exports']));
      expect(queues.find((queue) => queue.name === 'payroll.events')?.counts.waiting).toBe(1);

      // Not on the public port, and a district admin's sign-in is no key to it.
      const district = await createDistrict(app, 1);
      // (The public port may answer the web app's index.html for unknown paths: what matters is that no queue shows.)
      const asAdmin = await as(app, await signIn(app, district.admin.email)).get(`${QUEUE_DASHBOARD_PATH}/api/queues`);
      expect(asAdmin.text).not.toContain('payroll.events');
      const publicPort = await request(app.getHttpServer()).get(`${QUEUE_DASHBOARD_PATH}/api/queues`).set('Authorization', auth);
      expect(publicPort.text).not.toContain('payroll.events');
      await request(app.getHttpServer()).get(`/api${QUEUE_DASHBOARD_PATH}`).set('Authorization', auth).expect(404);
    } finally {
      await payrollEvents.close();
      await stopApps(app);
    }
  });

  it('refuses to boot with a guessable OPS_DASHBOARD_TOKEN', () => {
    expect(() => testEnvironment('gateway', { OPS_DASHBOARD_TOKEN: 'operator' })).toThrow(/OPS_DASHBOARD_TOKEN must be at least 32 characters/);
  });

  it('is not served without OPS_DASHBOARD_TOKEN', async () => {
    const app = await startGateway({ OPS_DASHBOARD_PORT: '0' });
    try {
      expect(app.get(QueueDashboard).port).toBeUndefined();
    } finally {
      await stopApps(app);
    }
  });
});
