import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DistrictReplica } from '@sessionledger/district-replica';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { PayrollModule } from '../../../payroll/src/payroll.module';
import { SessionLogModule } from '../../../session-log/src/session-log.module';
import { as, createDistrict, Session, startGateway, TestDistrict } from './gateway-harness';

/**
 * The gateway with session-log and payroll, relays on so session-log
 * receives the district settings it applies. Everything real: PostgreSQL,
 * Redis, BullMQ.
 */
export interface SessionPlatform {
  gateway: NestFastifyApplication;
  sessionLog: NestFastifyApplication;
  payroll: NestFastifyApplication;
  /** A district whose settings have reached session-log. */
  district(schoolCount?: number): Promise<TestDistrict>;
  stop(): Promise<void>;
}

/** `sessionLogEnv` overrides session-log's environment (e.g. a small BULK_POST_BATCH_SIZE). */
export async function startSessionPlatform(options: { sessionLogEnv?: Record<string, string> } = {}): Promise<SessionPlatform> {
  const gateway = await startGateway({ RPC_TIMEOUT_MS: '5000', OUTBOX_RELAY_ENABLED: 'true' });
  const sessionLog = await startApp({ service: 'session-log', module: SessionLogModule, ...messagingTransport('session-log') }, options.sessionLogEnv);
  const payroll = await startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') });
  return {
    gateway,
    sessionLog,
    payroll,
    async district(schoolCount = 2) {
      const district = await createDistrict(gateway, schoolCount);
      await replicated(sessionLog, district.id, 1);
      return district;
    },
    stop: () => stopApps(gateway, sessionLog, payroll),
  };
}

/** Waits until session-log holds version `version` (or later) of the district's settings. */
export async function replicated(sessionLog: NestFastifyApplication, districtId: string, version: number): Promise<void> {
  const transactions = sessionLog.get(TenantTransactions);
  await waitFor(async () => {
    const replica = await transactions.run(districtId, (em) => em.findOne(DistrictReplica, { districtId }));
    return (replica?.version ?? 0) >= version;
  }, 15_000);
}

/** Rows of a session-log table as session-log stores them, under the district (row-level security applies). */
export function sessionLogRows<T = Record<string, unknown>>(sessionLog: NestFastifyApplication, districtId: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return sessionLog.get(TenantTransactions).run(districtId, (em) => em.execute(sql, params) as Promise<T[]>);
}

export function minutesAgo(minutes: number, from = Date.now()): string {
  return new Date(from - minutes * 60_000).toISOString();
}

/** Starts a session as `provider` and returns its body, failing loudly on anything but 201. */
export async function startSession(gateway: NestFastifyApplication, provider: Session, body: Record<string, unknown>) {
  const response = await as(gateway, provider).post('/api/sessions').send(body);
  if (response.status !== 201) throw new Error(`start answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}
