import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { Worker } from 'bullmq';
import { eventQueueOf } from '@sessionledger/contracts';
import { localDate } from '@sessionledger/session-rules';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { MetricsServer } from '@sessionledger/platform';
import {
  currentTestRun,
  databaseUrl,
  freePort,
  spawnTs,
  startApp,
  startPrivateRedis,
  stopApps,
  testEnvironmentFor,
  waitFor,
} from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TEST_PASSWORD, TestDistrict } from '../../gateway/test/support/gateway-harness';
import { Reconciler } from '../../session-log/src/posting/reconciler';
import { SessionLogModule } from '../../session-log/src/session-log.module';

/**
 * Posted sessions pay exactly once whatever happens to payroll and Redis.
 * Payroll runs as its own process so SIGKILL ends it the way a crash or an
 * OOM kill does; the gateway and session-log run here. All of them use a
 * private Redis without persistence, which the second test empties.
 *
 * What a user would notice is read back from PostgreSQL (as the superuser,
 * across row-level security) and from the pay-period API: every session has
 * one decision and one payment of rate × minutes, and each period's total
 * is the sum of its sessions.
 */

const TIME_ZONE = 'America/Chicago';
/** Cents per hour by provider: whole cents per minute, so each expected amount is exact. */
const RATES = [3000, 3600, 4200, 4800, 5400];
const MINUTES = [15, 20, 25, 30, 45];

interface Provider {
  id: string;
  name: string;
  session: Session;
  rateCents: number;
  workOrderId: string;
}

interface PreparedSession {
  id: string;
  providerId: string;
  sessionDate: string;
  expectedCents: number;
}

/** payroll's `main.js serve` in a child process, started again after each kill. */
class PayrollProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly port: number,
  ) {}

  private get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it and waits until it is ready (its workers take jobs before it listens). */
  async start(): Promise<void> {
    const child = spawnTs('apps/payroll/src/main.ts', ['serve'], this.env);
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`payroll exited while starting; its output ends with:\n${this.output.slice(-2_000)}`);
        try {
          return (await fetch(`http://127.0.0.1:${this.port}/health/ready`)).status === 200;
        } catch {
          return false;
        }
      },
      WAIT_MS,
      100,
    );
  }

  /** SIGKILL: no shutdown hook, no finally block; PostgreSQL and Redis see the sockets close. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Generous bounds, not expectations: each test takes about a minute alone, and the whole suite on two
 * loaded cores has taken three times that. A bound only fails a run that is stuck.
 */
const WAIT_MS = 90_000;
const TEST_MS = 300_000;

describe('Posting to payroll across crashes (payroll SIGKILLed, Redis emptied)', () => {
  const run = currentTestRun();
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let gateway: NestFastifyApplication;
  let sessionLog: NestFastifyApplication;
  let payroll: PayrollProcess;
  let reconciler: Reconciler;
  let db: Client;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const port = await freePort();
    payroll = new PayrollProcess(
      testEnvironmentFor('payroll', run, {
        REDIS_URL: redis.url,
        OUTBOX_RELAY_ENABLED: 'true',
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      }),
      port,
    );
    await payroll.start();
    // A bulk post of a day's sessions can take seconds on two loaded cores: a 503 here must mean a lost command, not a slow one.
    gateway = await startGateway({ REDIS_URL: redis.url, OUTBOX_RELAY_ENABLED: 'true', RPC_TIMEOUT_MS: '30000' });
    sessionLog = await startApp(
      { service: 'session-log', module: SessionLogModule, ...messagingTransport('session-log') },
      { REDIS_URL: redis.url, OUTBOX_RELAY_ENABLED: 'true', RECONCILE_INTERVAL_MS: '500' },
    );
    reconciler = sessionLog.get(Reconciler);
    // State-reporting does not run here: awaiting its acknowledgements would have every pass resend every version
    // to payroll, a flood that on a loaded machine buries the few events this test needs resent.
    reconciler.settings.consumers = ['payroll'];
    db = new Client({ connectionString: databaseUrl(run.database) });
    await db.connect();
  }, TEST_MS);

  afterAll(async () => {
    await payroll?.kill();
    await stopApps(gateway, sessionLog);
    await db?.end();
    await redis?.stop();
  });

  async function count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await db.query<{ n: number }>(sql, params);
    return rows[0].n;
  }

  const decided = (districtId: string) => count(`select count(*)::int as n from payroll.pay_decision where district_id = $1`, [districtId]);
  const acknowledged = (districtId: string) =>
    count(`select count(*)::int as n from session_log.session_version_ack where district_id = $1 and consumer = 'payroll'`, [districtId]);
  /** Payroll's acknowledgements the relay marked published that session-log has not recorded. */
  const publishedUnrecordedAcks = (districtId: string) =>
    count(
      `select count(*)::int as n from payroll.outbox_event o
        where o.district_id = $1 and o.name = 'payroll.session-pay-applied' and o.published_at is not null
          and not exists (select 1 from session_log.session_version_ack a
                           where a.district_id = o.district_id and a.session_id = (o.payload ->> 'sessionId')::uuid
                             and a.version = (o.payload ->> 'version')::integer)`,
      [districtId],
    );
  /** Session events the relay marked published that payroll has not applied. */
  const publishedUndecided = (districtId: string) =>
    count(
      `select count(*)::int as n from session_log.outbox_event o
        where o.district_id = $1 and o.name = 'session-log.session-posted' and o.published_at is not null
          and not exists (select 1 from payroll.pay_decision d where d.district_id = o.district_id and d.session_id = (o.payload #>> '{snapshot,sessionId}')::uuid)`,
      [districtId],
    );
  const posted = (districtId: string) => count(`select count(*)::int as n from session_log.session where district_id = $1 and posted_version is not null`, [districtId]);

  /** Polls until `check` holds; fails naming `what` and the last value seen. */
  async function until<T>(what: string, observe: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = await observe();
    while (!check(last)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
      last = await observe();
    }
    return last;
  }

  /** Waits until the district's settings reached session-log's and payroll's replicas. */
  async function settingsReplicated(districtId: string): Promise<void> {
    await until(
      `the settings of district ${districtId} to reach both replicas`,
      () =>
        count(
          `select ((select count(*) from session_log.district_replica where district_id = $1)
                 + (select count(*) from payroll.district_replica where district_id = $1))::int as n`,
          [districtId],
        ),
      (n) => n >= 2,
      WAIT_MS,
    );
  }

  /** A district whose settings reached session-log and payroll, with providers under Homebound work orders at their own rates. */
  async function districtWithProviders(providerCount: number): Promise<{ district: TestDistrict; providers: Provider[]; payrollUser: Session }> {
    const district = await createDistrict(gateway, 1);
    const schoolId = district.schools[0].id;
    await settingsReplicated(district.id);
    const admin = await signIn(gateway, district.admin.email);
    const providers: Provider[] = [];
    for (const rateCents of RATES.slice(0, providerCount)) {
      const name = `Provider${providers.length + 1}`;
      const user = await district.user(['provider'], { schoolIds: [schoolId], providerKind: 'tutor', name });
      const order = await as(gateway, admin)
        .post('/api/work-orders')
        .send({ type: 'homebound', providerId: user.id, schoolId, payRateCents: rateCents, validFrom: '2026-01-01', validTo: '2027-12-31' });
      expect(order.status).toBe(201);
      providers.push({ id: user.id, name, session: await signIn(gateway, user.email), rateCents, workOrderId: order.body.id });
    }
    const payrollUser = await signIn(gateway, (await district.user(['payroll'])).email);
    return { district, providers, payrollUser };
  }

  /**
   * Complete, unposted Homebound sessions (one attending homebound student
   * with a note), written straight into session-log's tables in two
   * statements as session-log's own role: `perDay` per provider on each of `dates`.
   */
  async function prepareSessions(district: TestDistrict, providers: Provider[], dates: string[], perDay: number): Promise<PreparedSession[]> {
    const schoolId = district.schools[0].id;
    const rows = providers.flatMap((provider) =>
      dates.flatMap((date) =>
        Array.from({ length: perDay }, (_, i) => {
          const minutes = MINUTES[i % MINUTES.length];
          const startedAt = new Date(Date.parse(`${date}T14:00:00Z`) + i * 30 * 60_000);
          return {
            id: randomUUID(),
            district_id: district.id,
            provider_id: provider.id,
            provider_name: `${provider.name} Test`,
            school_id: schoolId,
            work_order_id: provider.workOrderId,
            session_date: date,
            started_at: startedAt.toISOString(),
            ended_at: new Date(startedAt.getTime() + minutes * 60_000).toISOString(),
            minutes,
            expected_cents: (provider.rateCents / 60) * minutes,
          };
        }),
      ),
    );
    await sessionLog.get(TenantTransactions).run(district.id, async (em) => {
      await em.execute(
        `insert into session_log.session (id, district_id, provider_id, provider_name, school_id, service, participant_kind, work_order_id, work_order_type,
                                          work_order_assigned_at, state, session_date, started_at, ended_at, adjusted_minutes, created_by)
         select id, district_id, provider_id, provider_name, school_id, 'tutoring', 'student', work_order_id, 'homebound',
                started_at, 'ended', session_date, started_at, ended_at, minutes, provider_id
           from jsonb_to_recordset(?::jsonb) as r(id uuid, district_id uuid, provider_id uuid, provider_name text, school_id uuid, work_order_id uuid,
                                                  session_date date, started_at timestamptz, ended_at timestamptz, minutes integer)`,
        [JSON.stringify(rows)],
      );
      await em.execute(
        `insert into session_log.participant (id, district_id, session_id, kind, person_id, name, school_id, time_in, time_out, present,
                                              attendance_status, homebound, student_note, added_by)
         select gen_random_uuid(), district_id, id, 'student', gen_random_uuid(), 'Hal Homebound', school_id, started_at, ended_at, true,
                'attended', true, 'Worked through the week''s reading plan', provider_id
           from session_log.session where district_id = ? and posted_version is null`,
        [district.id],
      );
    });
    return rows.map((row) => ({ id: row.id, providerId: row.provider_id, sessionDate: row.session_date, expectedCents: row.expected_cents }));
  }

  /**
   * Each provider signs their sessions day by day with bulk-post, all
   * providers at once. A command lost with Redis (503 after RPC_TIMEOUT_MS)
   * is sent again: bulk-post takes only what is still unposted.
   */
  async function postAll(providers: Provider[], dates: string[]): Promise<void> {
    await Promise.all(
      providers.map(async (provider) => {
        for (const date of dates) {
          for (let attempt = 1; ; attempt++) {
            const response = await as(gateway, provider.session).post('/api/sessions/bulk-post').send({ password: TEST_PASSWORD, from: date, to: date });
            if (response.status === 200) {
              expect(response.body.incomplete).toEqual([]);
              break;
            }
            if (response.status !== 503 || attempt === 4) throw new Error(`bulk-post answered ${response.status}: ${JSON.stringify(response.body)}`);
          }
        }
      }),
    );
  }

  /**
   * Exactly one effect per session, read from payroll's tables and API: one
   * decision (payable), one payment line of rate × minutes and no other line,
   * no (session, version, kind) twice; each period's total is the sum of the
   * sessions dated in it, and the periods together hold every session.
   */
  async function expectPaidExactlyOnce(district: TestDistrict, payrollUser: Session, sessions: PreparedSession[]): Promise<void> {
    const { rows: decisions } = await db.query<{ session_id: string; decisions: number; payable: number; versions: number }>(
      `select session_id, count(*)::int as decisions, (count(*) filter (where payable))::int as payable, count(distinct session_version)::int as versions
         from payroll.pay_decision where district_id = $1 group by session_id`,
      [district.id],
    );
    const { rows: lines } = await db.query<{ session_id: string; lines: number; payments: number; keys: number; net: number }>(
      `select session_id, count(*)::int as lines, (count(*) filter (where kind = 'payment'))::int as payments,
              count(distinct (session_version, kind))::int as keys, sum(amount_cents)::int as net
         from payroll.pay_line where district_id = $1 group by session_id`,
      [district.id],
    );
    const decisionOf = new Map(decisions.map((row) => [row.session_id, row]));
    const linesOf = new Map(lines.map((row) => [row.session_id, row]));
    const wrong = sessions
      .map((session) => ({ session, decision: decisionOf.get(session.id), line: linesOf.get(session.id) }))
      .filter(
        ({ session, decision, line }) =>
          decision?.decisions !== 1 ||
          decision.payable !== 1 ||
          line?.lines !== 1 ||
          line.payments !== 1 ||
          line.keys !== 1 ||
          line.net !== session.expectedCents,
      )
      .map(({ session, decision, line }) => ({ sessionId: session.id, expectedCents: session.expectedCents, decision, line }));
    expect(wrong).toEqual([]);
    // Nothing was paid that was not posted here.
    expect(decisions).toHaveLength(sessions.length);
    expect(lines).toHaveLength(sessions.length);

    const periods = await as(gateway, payrollUser).get('/api/pay-periods?page=1&pageSize=50');
    expect(periods.status).toBe(200);
    let paidSessions = 0;
    for (const period of periods.body.items as { id: string; startsOn: string; endsOn: string }[]) {
      const inPeriod = sessions.filter((s) => s.sessionDate >= period.startsOn && s.sessionDate <= period.endsOn);
      const read = await as(gateway, payrollUser).get(`/api/pay-periods/${period.id}`);
      expect(read.status).toBe(200);
      expect(read.body.totals).toMatchObject({
        payLines: inPeriod.length,
        providers: new Set(inPeriod.map((s) => s.providerId)).size,
        amountCents: inPeriod.reduce((sum, s) => sum + s.expectedCents, 0),
      });
      paidSessions += inPeriod.length;
    }
    expect(paidSessions).toBe(sessions.length);
  }

  /** The last `count` calendar days before today in the district's time zone, oldest first. */
  function pastDays(count: number): string[] {
    const today = Date.parse(`${localDate(new Date(), TIME_ZONE)}T00:00:00Z`);
    return Array.from({ length: count }, (_, i) => new Date(today - (count - i) * 86_400_000).toISOString().slice(0, 10));
  }

  /** Session-log's Prometheus counter of republished versions, as scraped from its /metrics. */
  async function republished(): Promise<{ reset: number; newEvent: number }> {
    const metrics = await request(sessionLog.get(MetricsServer).url).get('/metrics').expect(200);
    const value = (how: string) => Number(new RegExp(`session_versions_republished_total\\{how="${how}"[^}]*\\} (\\d+)`).exec(metrics.text)?.[1] ?? 0);
    return { reset: value('reset'), newEvent: value('new_event') };
  }

  it('pays each of 500 sessions exactly once while payroll is SIGKILLed twice mid-run and restarted', async () => {
    // BullMQ's redelivery of the killed worker's jobs and payroll's inbox alone: the reconciler stays out of it.
    reconciler.settings.graceMs = 10 * 60_000;
    const dates = pastDays(5);
    const { district, providers, payrollUser } = await districtWithProviders(5);
    const sessions = await prepareSessions(district, providers, dates, 20);
    expect(sessions).toHaveLength(500);

    const posting = postAll(providers, dates);
    await until('payroll to apply 75 sessions', () => decided(district.id), (n) => n >= 75, WAIT_MS);
    await payroll.kill();
    const atFirstKill = await decided(district.id);
    await payroll.start();
    await until('the restarted payroll to apply 100 more', () => decided(district.id), (n) => n >= atFirstKill + 100, WAIT_MS);
    await payroll.kill();
    const atSecondKill = await decided(district.id);
    await payroll.start();
    // Both kills fell in the middle of the run: work was left for the restarted process.
    expect(atFirstKill).toBeLessThan(500);
    expect(atSecondKill).toBeLessThan(500);

    await posting;
    expect(await posted(district.id)).toBe(500);
    // The jobs a killed worker held come back once their lock expires (30 s) and a stall check finds them.
    await until('a decision for every session', () => decided(district.id), (n) => n >= 500, 80_000);
    await until('an acknowledgement of every version', () => acknowledged(district.id), (n) => n === 500, 15_000);
    await expectPaidExactlyOnce(district, payrollUser, sessions);
  }, TEST_MS);

  it('pays each session exactly once when Redis is emptied mid-run: the reconciler republishes what was lost', async () => {
    // Nothing counts as lost while the scene is set: on a loaded machine a short grace let the reconciler republish
    // (and unmark) the very rows this test prunes below. It shortens once Redis is emptied.
    reconciler.settings.graceMs = 10 * 60_000;
    const dates = pastDays(5);
    const { district, providers, payrollUser } = await districtWithProviders(4);
    const sessions = await prepareSessions(district, providers, dates, 10);
    expect(sessions).toHaveLength(200);
    const before = await republished();

    const posting = postAll(providers, dates);
    await until('payroll to apply 30 sessions', () => decided(district.id), (n) => n >= 30, WAIT_MS);
    // Session-log stops taking its events for a while, so payroll's acknowledgements wait in Redis...
    const sessionLogEvents = sessionLog
      .getMicroservices()
      .flatMap((microservice) => microservice.unwrap<Worker[]>())
      .find((worker) => worker.name === eventQueueOf('session-log'))!;
    await sessionLogEvents.pause();
    await until('acknowledgements queued for session-log', () => publishedUnrecordedAcks(district.id), (n) => n >= 10, WAIT_MS);
    // ...and with payroll down, so do the session events the relay publishes.
    await payroll.kill();
    // Counted before emptying Redis (nothing consumes them meanwhile); what is published afterwards is not lost.
    const lostEvents = await until('events published while payroll is down', () => publishedUndecided(district.id), (n) => n >= 20, WAIT_MS);
    const lostAcknowledgements = await publishedUnrecordedAcks(district.id);
    // Some outbox rows are gone as well, as the relay's pruning removes them after some days:
    // three of events payroll never received, three of events whose acknowledgement is about to be lost.
    const { rows: pruned } = await db.query<{ session_id: string }>(
      `delete from session_log.outbox_event where id in (
         (select o.id from session_log.outbox_event o
           where o.district_id = $1 and o.name = 'session-log.session-posted' and o.published_at is not null
             and not exists (select 1 from payroll.pay_decision d where d.district_id = o.district_id and d.session_id = (o.payload #>> '{snapshot,sessionId}')::uuid)
           limit 3)
         union all
         (select o.id from session_log.outbox_event o
           where o.district_id = $1 and o.name = 'session-log.session-posted' and o.published_at is not null
             and exists (select 1 from payroll.outbox_event p
                          where p.district_id = o.district_id and p.name = 'payroll.session-pay-applied' and p.published_at is not null
                            and p.payload ->> 'sessionId' = o.payload #>> '{snapshot,sessionId}')
             and not exists (select 1 from session_log.session_version_ack a
                              where a.district_id = o.district_id and a.session_id = (o.payload #>> '{snapshot,sessionId}')::uuid)
           limit 3))
       returning payload #>> '{snapshot,sessionId}' as session_id`,
      [district.id],
    );
    expect(pruned).toHaveLength(6);
    const flusher = new Redis(redis.url);
    try {
      expect(await flusher.flushall()).toBe('OK');
    } finally {
      flusher.disconnect();
    }
    reconciler.settings.graceMs = 1_500;
    sessionLogEvents.resume();
    await payroll.start();
    await posting;
    expect(await posted(district.id)).toBe(200);
    await until('a decision for every session', () => decided(district.id), (n) => n >= 200, WAIT_MS);
    // A lost acknowledgement comes back only when payroll acknowledges a repeated event id again.
    await until('an acknowledgement of every version', () => acknowledged(district.id), (n) => n === 200, WAIT_MS);
    await expectPaidExactlyOnce(district, payrollUser, sessions);
    // Only the reconciler sends the lost events again: the relay had marked them published.
    const after = await republished();
    expect(after.reset - before.reset).toBeGreaterThanOrEqual(lostEvents + lostAcknowledgements - pruned.length);
    // Those whose outbox row was gone went out as new events with the signed snapshot.
    expect(after.newEvent - before.newEvent).toBeGreaterThanOrEqual(pruned.length);
    const rerecorded = await count(
      `select count(*)::int as n from session_log.outbox_event where district_id = $1 and name = 'session-log.session-posted' and payload #>> '{snapshot,sessionId}' = any($2)`,
      [district.id, pruned.map((row) => row.session_id)],
    );
    expect(rerecorded).toBe(pruned.length);
  }, TEST_MS);
});
