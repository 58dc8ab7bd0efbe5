import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { SESSION_POSTED } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { BullMqContext, EventInbox, messagingTransport, OutboxRelay } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { databaseUrl, startApp, stopApps, waitFor } from '@sessionledger/testing';
import { ESignature } from '../apps/gateway/src/auth/e-signature';
import { Passwords } from '../apps/gateway/src/auth/passwords';
import { as, createDistrict, signIn, startGateway, TEST_PASSWORD } from '../apps/gateway/test/support/gateway-harness';
import { addGroup, addStudent } from '../apps/gateway/test/support/session-fixtures';
import { replicated, sessionLogRows } from '../apps/gateway/test/support/session-harness';
import { PayrollModule } from '../apps/payroll/src/payroll.module';
import { PostingService } from '../apps/session-log/src/posting/posting.service';
import { SessionLogModule } from '../apps/session-log/src/session-log.module';
import { Cell, formatNumber, machine, ratio, seconds, table, writeResult } from './support/report';
import { openBenchRun, withTimeout } from './support/bench-run';
import { portOf } from './support/load';

/**
 * Posting, end to end: a provider signs (POST /api/sessions/:id/post or
 * /bulk-post with their password), the gateway checks the password
 * (argon2id), session-log signs, hashes and freezes the session and writes
 * SESSION_POSTED to its outbox, session-log's relay (woken by LISTEN/NOTIFY)
 * puts it on payroll's BullMQ queue, and payroll commits the pay decision and
 * the payable line. Measured from the HTTP send to payroll's commit, beside a
 * plain single-row INSERT (autocommit: one INSERT + COMMIT per row) loop of 8
 * clients on the same PostgreSQL in the same run, its slices interleaved with
 * the posting slices so each scenario is read against the baseline measured
 * around it. The sessions posted are seeded by SQL as copies of sessions run
 * through the API (creating thousands through the API would take minutes).
 * Autovacuum may be off (it is on the machine this was written on), so the
 * bench ANALYZEs the tables it seeds. Client, gateway,
 * session-log and payroll share one Node process and the machine's cores
 * with PostgreSQL and Redis: the ratios travel between machines, the
 * absolute figures do not.
 */
const ROOT = join(__dirname, '..');
const SINGLE_CONCURRENCIES = [1, 4, 8];
const BULK_CONCURRENCIES = [1, 4];
/** Each client is its own provider: a provider posts only their own sessions. */
const PROVIDERS = Math.max(...SINGLE_CONCURRENCIES, ...BULK_CONCURRENCIES);
const STUDENTS_PER_GROUP = 4;
/** Sessions per bulk request: one day of a provider's sessions (bulk-post from = to = that day). */
const BATCH = 25;
/** Cents per hour: 45 minutes pay 2437.5 cents, so the half-up rounding is exercised. */
const RATE_CENTS = 3250;
/** The adjusted minutes the seeded sessions ran (and are paid on), in turn. */
const MINUTES = [35, 40, 45, 50, 55];
/** Each scenario is measured in ROUNDS slices of SLICE_MS posting, interleaved with the others and with baseline slices; a slice also stops when its sessions run out. */
const ROUNDS = 3;
const SLICE_MS = 7_000;
/** How long the pipeline may take to deliver the last payable line after the last post answered. */
const DRAIN_MS = 30_000;
/**
 * Seeded sessions ready to post, by provider index: for single posts, and
 * days of BATCH for bulk posts. Provider 0 posts in every scenario, 1-3 in
 * those of concurrency 4 and 8, 4-7 in concurrency 8 only.
 */
const SINGLE_POOL = (index: number) => (index === 0 ? 3_000 : index < 4 ? 1_200 : 600);
const BULK_DAYS = (index: number) => (index === 0 ? 150 : index < Math.max(...BULK_CONCURRENCIES) ? 80 : 0);
const BASELINE_CLIENTS = 8;
/** A baseline slice runs this long before the first posting slice and after each. */
const BASELINE_MS = 2_000;
const ARGON2_SAMPLES = 12;
const TIME_ZONE = 'America/Chicago';

const STUDENT_NOTE =
  'You explained how to compare fractions with unlike denominators in your own words. ' +
  'Your number line sketches were accurate and neat. ' +
  'Next time, check each answer by estimating first. ' +
  'Keep practising the common-denominator step at home.';
/** Attended, in detention (a Tutoring qualifier), with a note: the session is postable and payable. */
const PARTICIPANT_ENTRY = {
  present: true,
  attendanceStatus: 'attended',
  qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
  studentNote: STUDENT_NOTE,
};

interface Provider {
  index: number;
  id: string;
  token: string;
  groupId: string;
  workOrderId: string;
  /** The session run through the API, whose rows the seeded ones copy. */
  templateId: string;
  /** Seeded sessions for single posts, taken from the end. */
  single: string[];
  /** Days holding exactly BATCH seeded sessions each, for bulk posts, taken from the end. */
  bulkDays: string[];
}

/** Times (performance.now(), ms) of one session through the pipeline. */
interface Trace {
  sent?: number;
  /** Date.now() at the send, to read pay_line.created_at against. */
  sentWall?: number;
  answered?: number;
  postStarted?: number;
  committed?: number;
  claimed?: number;
  queued?: number;
  payStarted?: number;
  paid?: number;
}

interface Scenario {
  id: string;
  name: string;
  kind: 'single' | 'bulk';
  concurrency: number;
}

interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

interface ScenarioResult extends Scenario {
  requests: number;
  sessions: number;
  errors: number;
  poolExhausted: boolean;
  /** First send to the last payroll commit. */
  seconds: number;
  sessionsPerSecond: number;
  /** Sessions/s of each slice (rounds), to judge the noise. */
  slicesPerSecond: number[];
  /** 1-minute load average when each slice started (other work on the machine shows here). */
  loadAverages: number[];
  /** The baseline's rows/s around this scenario's slices (mean of the slice before and after each, weighted by its duration). */
  adjacentBaselineRowsPerSecond: number;
  /** sessions/s ÷ adjacentBaselineRowsPerSecond. */
  ratioToBaseline: number;
  httpMs: Percentiles;
  postToPayableLineMs: Percentiles;
  /** pay_line.created_at (now() of payroll's transaction: its start, not its commit) − the send, read after the run. */
  postToLineCreatedAtMs: Percentiles;
  stagesMs: Record<string, Percentiles>;
  /** The gateway's e-signature check (its SQL read, the throttle's Redis calls, argon2 verify) and argon2 verify alone, per request. */
  eSignatureMs: Percentiles;
  argon2VerifyMs: Percentiles;
  /** argon2 verify time spent per posted session (one verify per request). */
  argon2MsPerSession: number;
  relay: { passes: number; rowsPerPass: number; msPerPass: number };
  /** CPU of this Node process (client, gateway, session-log, payroll) per session and as a share of one core. */
  cpuMsPerSession: number;
  cpuShareOfOneCore: number;
}

interface Baseline {
  clients: number;
  slices: { seconds: number; rows: number; rowsPerSecond: number; p50Ms: number; p99Ms: number }[];
  rowsPerSecond: number;
}

const STAGES: [string, keyof Trace, keyof Trace][] = [
  ['send → session-log post() starts (HTTP, auth, e-signature, BullMQ command; bulk: the batch before it)', 'sent', 'postStarted'],
  ['session-log post() (load, audit, snapshot + hash, sign, outbox, commit)', 'postStarted', 'committed'],
  ['commit → relay claims it (LISTEN/NOTIFY wake + claim)', 'committed', 'claimed'],
  ['relay claim → on payroll queue (addBulk to Redis)', 'claimed', 'queued'],
  ['on queue → payroll handler starts (BullMQ delivery)', 'queued', 'payStarted'],
  ['payroll handler (inbox + pay decision + lines, commit)', 'payStarted', 'paid'],
  ['session-log commit → HTTP answer received', 'committed', 'answered'],
];

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  try {
    const setupStarted = performance.now();
    // As startSessionPlatform, but session-log and payroll run their outbox relays as in production: posting reaches payroll only through session-log's.
    // Every signature counts against the client address like a sign-in (50 per 15 minutes by default): raised, all clients here are 127.0.0.1.
    const gateway = await startGateway({ RPC_TIMEOUT_MS: '5000', OUTBOX_RELAY_ENABLED: 'true', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '10000000' });
    bench.onClose(() => stopApps(gateway));
    const sessionLog = await startApp({ service: 'session-log', module: SessionLogModule, ...messagingTransport('session-log') }, { OUTBOX_RELAY_ENABLED: 'true' });
    bench.onClose(() => stopApps(sessionLog));
    const payroll = await startApp({ service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') }, { OUTBOX_RELAY_ENABLED: 'true' });
    bench.onClose(() => stopApps(payroll));
    await gateway.listen(0, '127.0.0.1');
    const port = portOf(gateway.getHttpServer().address());

    const district = await createDistrict(gateway, 1);
    await replicated(sessionLog, district.id, 1);
    await waitFor(
      async () => !!(await payroll.get(TenantTransactions).run(district.id, (em) => em.findOne(DistrictReplica, { districtId: district.id }))),
      15_000,
    );
    const school = district.schools[0];
    const admin = await signIn(gateway, district.admin.email);

    const providers: Provider[] = [];
    for (let index = 0; index < PROVIDERS; index += 1) {
      const user = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor' });
      const session = await signIn(gateway, user.email);
      const students = await Promise.all(Array.from({ length: STUDENTS_PER_GROUP }, () => addStudent(gateway, admin, school.id)));
      const group = await addGroup(gateway, admin, school.id, user.id, students.map((s) => s.id));
      const workOrder = await as(gateway, admin)
        .post('/api/work-orders')
        .send({ type: 'tutoring', providerId: user.id, schoolId: school.id, payRateCents: RATE_CENTS, validFrom: '2020-01-01', validTo: '2099-12-31' });
      if (workOrder.status !== 201) throw new Error(`work order answered ${workOrder.status}: ${JSON.stringify(workOrder.body)}`);
      const provider = { index, id: user.id, token: session.accessToken, groupId: group.id, workOrderId: workOrder.body.id, templateId: '', single: [], bulkDays: [] };
      provider.templateId = await runTemplateSession(gateway, provider);
      providers.push(provider);
    }

    const expectedMinutes = new Map<string, number>(providers.map((p) => [p.templateId, 45]));
    // The database owner's connections: ANALYZE during the seed, then the baseline's clients.
    const ownerPool = new Pool({ connectionString: databaseUrl(run.database), max: BASELINE_CLIENTS });
    bench.onClose(() => ownerPool.end());
    const seeded = await seedSessions(sessionLog, district.id, providers, expectedMinutes, ownerPool);
    const audit = await checkPostable(gateway, providers[0], providers[0].single[providers[0].single.length - 1]);
    console.log(
      `setup ${seconds(setupStarted)} s: database ${run.database}, Redis prefix ${run.redisPrefix}*, gateway + session-log + payroll in this process (relays on); ` +
        `${PROVIDERS} providers with a group of ${STUDENTS_PER_GROUP} students and a Tutoring work order at ${RATE_CENTS} c/h each; ` +
        `${formatNumber(seeded.sessions)} sessions seeded by SQL in ${seeded.seconds} s (copies of each provider's session run through the API; ` +
        `one checked through GET /audit: postable ${audit.postable}, ${audit.payment.reason}); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
    );

    const tracer = new Tracer();
    tracer.install(gateway, sessionLog, payroll);
    const argon2 = await timeArgon2(gateway);
    console.log(
      `argon2id verify (19 MiB, 2 passes), alone: p50 ${argon2.p50.toFixed(1)} ms, mean ${argon2.mean.toFixed(1)} ms over ${argon2.count}; ` +
        `2 at once: ${argon2.pairMs.toFixed(1)} ms for the pair\n`,
    );

    // Warm-up, untimed: every provider posts its API-made session, the bulk providers one day each; all must reach payroll.
    const warmup = jsonClient(port, PROVIDERS);
    const warmed: string[] = [];
    await Promise.all(
      providers.map(async (p) => {
        const answer = await warmup.call('POST', `/api/sessions/${p.templateId}/post`, p.token, { password: TEST_PASSWORD });
        if (answer.status !== 200) throw new Error(`warm-up post answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        warmed.push(p.templateId);
      }),
    );
    for (const p of providers.slice(0, Math.max(...BULK_CONCURRENCIES))) {
      const day = p.bulkDays.pop()!;
      const answer = await warmup.call('POST', '/api/sessions/bulk-post', p.token, { password: TEST_PASSWORD, from: day, to: day });
      const posted = (answer.body as { posted?: { sessionId: string }[] }).posted ?? [];
      if (answer.status !== 200 || posted.length !== BATCH) throw new Error(`warm-up bulk post answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
      warmed.push(...posted.map((s) => s.sessionId));
    }
    warmup.close();
    await withTimeout(waitUntilPaid(tracer, warmed), DRAIN_MS);
    console.log(`warm-up: ${warmed.length} sessions posted and paid\n`);

    const baselinePool = ownerPool;
    await baselinePool.query(
      `CREATE TABLE public.bench_plain_insert (id bigserial PRIMARY KEY, session_id uuid NOT NULL, amount_cents integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const baseline: Baseline = { clients: BASELINE_CLIENTS, slices: [], rowsPerSecond: 0 };
    const baselineSlice = async (when: string) => {
      const slice = await plainInserts(baselinePool);
      baseline.slices.push(slice);
      console.log(
        `  baseline ${when.padEnd(22)} ${formatNumber(slice.rowsPerSecond).padStart(7)} rows/s  p50 ${slice.p50Ms.toFixed(2)} ms  p99 ${slice.p99Ms.toFixed(2)} ms`,
      );
      return slice;
    };

    const scenarios: Scenario[] = [
      ...SINGLE_CONCURRENCIES.map((c): Scenario => ({ id: `single-c${c}`, name: 'POST /sessions/:id/post', kind: 'single', concurrency: c })),
      ...BULK_CONCURRENCIES.map((c): Scenario => ({ id: `bulk-c${c}`, name: `POST /sessions/bulk-post (${BATCH} per request)`, kind: 'bulk', concurrency: c })),
    ];
    // Baseline slices sit between the posting slices: each posting slice is read against the two around it, as the machine's load drifts.
    const slices = new Map<string, Slice[]>(scenarios.map((scenario) => [scenario.id, []]));
    let before = await baselineSlice('(first)');
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const scenario of scenarios) {
        const load = loadavg()[0];
        const outcome = await runScenario(scenario, port, providers, tracer);
        console.log(
          `  round ${round + 1} ${scenario.id.padEnd(10)} ${String(outcome.sessions.length).padStart(5)} sessions in ${String(outcome.requests).padStart(3)} requests, ` +
            `${formatNumber(outcome.sessions.length / outcome.seconds).padStart(5)} sessions/s post → payable line, ${outcome.errors} errors, ` +
            `load average ${load.toFixed(1)}${outcome.poolExhausted ? ' (ran out of seeded sessions)' : ''}`,
        );
        const after = await baselineSlice(`(after ${scenario.id})`);
        slices.get(scenario.id)!.push({ outcome, adjacentBaseline: (before.rowsPerSecond + after.rowsPerSecond) / 2, loadAverage: load });
        before = after;
      }
    }
    baseline.rowsPerSecond = baseline.slices.reduce((sum, s) => sum + s.rows, 0) / baseline.slices.reduce((sum, s) => sum + s.seconds, 0);

    const measuredSessions = [...slices.values()].flat().flatMap((slice) => slice.outcome.sessions);
    const createdAt = await lineCreatedAt(payroll, district.id, measuredSessions);
    const results = scenarios.map((scenario) => summarizeScenario(scenario, slices.get(scenario.id)!, tracer, createdAt));

    const posted = [...warmed, ...measuredSessions];
    const verification = await verify(sessionLog, payroll, district.id, posted, expectedMinutes);

    printReport(results, baseline, argon2, verification);
    const file = writeResult(ROOT, 'post-pipeline', {
      bench: 'post-pipeline',
      measuredAt: new Date().toISOString(),
      machine: machine(ROOT),
      postgres: await postgresSettings(baselinePool),
      limits: {
        singleConcurrencies: SINGLE_CONCURRENCIES,
        bulkConcurrencies: BULK_CONCURRENCIES,
        batch: BATCH,
        rounds: ROUNDS,
        sliceMs: SLICE_MS,
        drainMs: DRAIN_MS,
        providers: PROVIDERS,
        studentsPerGroup: STUDENTS_PER_GROUP,
        rateCents: RATE_CENTS,
        minutes: MINUTES,
        seededSessions: seeded.sessions,
        baselineClients: BASELINE_CLIENTS,
        baselineMs: BASELINE_MS,
      },
      argon2,
      baseline,
      results,
      verification,
    });
    console.log(`\nresult: ${file} (whole bench ${seconds(setupStarted)} s)`);

    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) console.error(`${errors} posts answered wrongly; the figures above are not trustworthy`);
    if (verification.problems.length > 0) console.error(`payroll does not hold the posted sessions' pay as expected: ${verification.problems.slice(0, 10).join('; ')}`);
    return errors > 0 || verification.problems.length > 0 ? 1 : 0;
  } finally {
    await bench.close();
  }
}

/** One session through the API as its provider runs it (start, 4 attendance entries, end after 45 minutes): the rows the seeded sessions copy. */
async function runTemplateSession(gateway: NestFastifyApplication, provider: Omit<Provider, 'templateId'>): Promise<string> {
  const session = { accessToken: provider.token, refreshToken: '' };
  const startedAt = new Date(Date.now() - 50 * 60_000);
  const started = await as(gateway, session)
    .post('/api/sessions')
    .send({ service: 'tutoring', groupId: provider.groupId, workOrderId: provider.workOrderId, startedAt: startedAt.toISOString(), description: 'Fractions: comparing and ordering' });
  if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
  let version = started.body.version;
  for (const participant of started.body.participants) {
    const changed = await as(gateway, session)
      .patch(`/api/sessions/${started.body.id}/participants/${participant.id}`)
      .send({ version: participant.version, ...PARTICIPANT_ENTRY });
    if (changed.status !== 200) throw new Error(`participant update answered ${changed.status}: ${JSON.stringify(changed.body)}`);
    version = changed.body.version;
  }
  const ended = await as(gateway, session)
    .post(`/api/sessions/${started.body.id}/end`)
    .send({ version, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() });
  if (ended.status !== 200) throw new Error(`end answered ${ended.status}: ${JSON.stringify(ended.body)}`);
  if (ended.body.adjustedMinutes !== undefined && ended.body.adjustedMinutes !== 45) throw new Error(`the template ended with ${ended.body.adjustedMinutes} adjusted minutes`);
  return started.body.id;
}

/**
 * Thousands of complete, ended, unposted sessions, written as session-log's
 * role under the district (row-level security applies) in one transaction:
 * each a copy of its provider's session made through the API (every column
 * as the API stored it: session, participants, post-session tasks, trail),
 * moved to another day and time, running 35 to 55 minutes. Bulk days hold
 * BATCH sessions each; the single-post sessions are on earlier days.
 */
async function seedSessions(
  sessionLog: NestFastifyApplication,
  districtId: string,
  providers: Provider[],
  expectedMinutes: Map<string, number>,
  owner: Pool,
): Promise<{ sessions: number; seconds: number }> {
  const started = performance.now();
  const [template] = await sessionLogRows<{ today: string; local_today: string }>(
    sessionLog,
    districtId,
    `select session_date::text as today, (started_at at time zone ?)::date::text as local_today from session_log.session where id = ?`,
    [TIME_ZONE, providers[0].templateId],
  );
  if (template.today !== template.local_today) throw new Error(`the district's time zone is not ${TIME_ZONE}: session_date ${template.today}, local ${template.local_today}`);

  const ids: string[] = [];
  const templates: string[] = [];
  const days: string[] = [];
  const slots: number[] = [];
  const minutes: number[] = [];
  const add = (provider: Provider, day: string, slot: number) => {
    const id = randomUUID();
    const m = MINUTES[ids.length % MINUTES.length];
    ids.push(id);
    templates.push(provider.templateId);
    days.push(day);
    slots.push(slot);
    minutes.push(m);
    expectedMinutes.set(id, m);
    return id;
  };
  for (const provider of providers) {
    // One more day than measured: the warm-up posts one.
    const bulkDays = BULK_DAYS(provider.index) > 0 ? BULK_DAYS(provider.index) + 1 : 0;
    for (let d = 1; d <= bulkDays; d += 1) {
      const day = addDays(template.today, -d);
      for (let slot = 0; slot < BATCH; slot += 1) add(provider, day, slot);
      provider.bulkDays.unshift(day);
    }
    for (let k = 0; k < SINGLE_POOL(provider.index); k += 1) provider.single.unshift(add(provider, addDays(template.today, -(bulkDays + 1 + Math.floor(k / BATCH))), k % BATCH));
  }

  const list = (values: (string | number)[]) => `{${values.join(',')}}`;
  // The templates are read once (MATERIALIZED), not probed per seeded row.
  const seed = `with tpl as materialized (select id, started_at, ended_at from session_log.session where id = any(?::uuid[])), n as (
      select n.id, n.template_id, n.minutes,
             ((n.day::timestamp + interval '4 hours' + n.slot * interval '45 minutes') at time zone ?) as started_at, n.day
        from unnest(?::uuid[], ?::uuid[], ?::date[], ?::int[], ?::int[]) as n(id, template_id, day, slot, minutes)
    ), m as (
      select n.*, n.started_at + n.minutes * interval '1 minute' as ended_at,
             n.started_at - tpl.started_at as shift, n.started_at + n.minutes * interval '1 minute' - tpl.ended_at as end_shift
        from n join tpl on tpl.id = n.template_id
    )`;
  const params = [list(providers.map((p) => p.templateId)), TIME_ZONE, list(ids), list(templates), list(days), list(slots), list(minutes)];
  const transactions = sessionLog.get(TenantTransactions);
  await transactions.run(districtId, async (em) => {
    await em.execute(
      `${seed}
      insert into session_log.session (id, district_id, provider_id, provider_name, school_id, service, participant_kind, group_id, group_name,
        work_order_id, work_order_type, work_order_assigned_at, description, family_involvement, activities_description, state, session_date,
        started_at, ended_at, planned_minutes, adjusted_minutes, duration_override_reason, duration_override_by, duration_override_at,
        cancelled_at, cancel_reason, needs_attention, tags, coaching_log, version, created_at, created_by)
      select m.id, t.district_id, t.provider_id, t.provider_name, t.school_id, t.service, t.participant_kind, t.group_id, t.group_name,
        t.work_order_id, t.work_order_type, t.work_order_assigned_at + m.shift, t.description, t.family_involvement, t.activities_description, t.state, m.day,
        m.started_at, m.ended_at, t.planned_minutes, m.minutes, t.duration_override_reason, t.duration_override_by, t.duration_override_at + m.shift,
        t.cancelled_at + m.shift, t.cancel_reason, t.needs_attention, t.tags, t.coaching_log, t.version, t.created_at + m.shift, t.created_by
      from m join session_log.session t on t.id = m.template_id`,
      params,
    );
  });
  // Autovacuum may be off (it is on the machine this was written on): without fresh statistics the participant
  // trigger's cached plan would scan every session for each participant row inserted next.
  await owner.query('ANALYZE session_log.session');
  await transactions.run(districtId, async (em) => {
    await em.execute(
      `${seed}
      insert into session_log.participant (id, district_id, session_id, kind, person_id, name, school_id, state_id, homebound_teacher_id,
        time_in, time_out, time_away_minutes, present, attendance_status, homebound, detention, credit_recovery, remedial, remedial_criteria,
        subject, activities, accommodations, student_note, client_note, admin_note, version, added_at, added_by)
      select gen_random_uuid(), p.district_id, m.id, p.kind, p.person_id, p.name, p.school_id, p.state_id, p.homebound_teacher_id,
        p.time_in + m.shift, p.time_out + m.end_shift, p.time_away_minutes, p.present, p.attendance_status, p.homebound, p.detention, p.credit_recovery,
        p.remedial, p.remedial_criteria, p.subject, p.activities, p.accommodations, p.student_note, p.client_note, p.admin_note, p.version,
        p.added_at + m.shift, p.added_by
      from m join session_log.participant p on p.session_id = m.template_id`,
      params,
    );
    await em.execute(
      `${seed}
      insert into session_log.post_session_task (id, district_id, session_id, kind, provider_id, school_id, session_date, due_at, completed_at, created_at)
      select gen_random_uuid(), k.district_id, m.id, k.kind, k.provider_id, k.school_id, m.day, k.due_at + m.shift, k.completed_at + m.end_shift, k.created_at + m.shift
      from m join session_log.post_session_task k on k.session_id = m.template_id`,
      params,
    );
    // The trail as the API wrote it, its times moved with the session (the end's with the end).
    await em.execute(
      `${seed}
      insert into session_log.session_change (id, district_id, session_id, at, actor_id, actor_name, action, detail)
      select gen_random_uuid(), c.district_id, m.id, c.at + case when c.action = 'ended' then m.end_shift else m.shift end, c.actor_id, c.actor_name, c.action,
        case c.action
          when 'started' then c.detail || jsonb_build_object('startedAt', to_char(m.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          when 'ended' then c.detail || jsonb_build_object('endedAt', to_char(m.ended_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'adjustedMinutes', m.minutes)
          else c.detail end
      from m join session_log.session_change c on c.session_id = m.template_id`,
      params,
    );
  });
  await owner.query('ANALYZE session_log.session, session_log.participant, session_log.post_session_task, session_log.session_change');
  const [counts] = await sessionLogRows<{ sessions: number; participants: number; tasks: number }>(
    sessionLog,
    districtId,
    `select (select count(*)::int from session_log.session where posted_version is null and state = 'ended') as sessions,
            (select count(*)::int from session_log.participant) as participants,
            (select count(*)::int from session_log.post_session_task where completed_at is not null) as tasks`,
  );
  const expected = ids.length + providers.length;
  if (counts.sessions !== expected || counts.participants !== expected * STUDENTS_PER_GROUP || counts.tasks !== expected * 2) {
    throw new Error(`seeding left ${JSON.stringify(counts)}, expected ${expected} ended unposted sessions with ${STUDENTS_PER_GROUP} participants and 2 done tasks each`);
  }
  return { sessions: ids.length, seconds: seconds(started) };
}

/** A seeded session read back through the gateway: postable and paid, with nothing missing, before anything is measured. */
async function checkPostable(gateway: NestFastifyApplication, provider: Provider, sessionId: string): Promise<{ postable: boolean; payment: { payable: boolean; reason: string } }> {
  const session = { accessToken: provider.token, refreshToken: '' };
  const audit = await as(gateway, session).get(`/api/sessions/${sessionId}/audit`);
  if (audit.status !== 200 || !audit.body.postable || audit.body.problems.length > 0 || !audit.body.payment?.payable) {
    throw new Error(`a seeded session is not postable and payable: ${audit.status} ${JSON.stringify(audit.body)}`);
  }
  const read = await as(gateway, session).get(`/api/sessions/${sessionId}`);
  if (read.status !== 200 || read.body.state !== 'ended' || read.body.participants.length !== STUDENTS_PER_GROUP) {
    throw new Error(`a seeded session reads back wrong: ${read.status} ${JSON.stringify(read.body).slice(0, 500)}`);
  }
  return audit.body;
}

/**
 * Per-session timestamps taken inside this process, where each step ends:
 * session-log's PostingService.post (its transaction committed when it
 * resolves; bulk-post calls it per session), session-log's relay publishing
 * (claimed rows in hand, then on payroll's queue), payroll's inbox (handler
 * started, then committed). Plus the gateway's e-signature check and argon2
 * verify per request. Instance methods are wrapped: a Map write per step.
 */
class Tracer {
  readonly traces = new Map<string, Trace>();
  readonly signatures: number[] = [];
  readonly verifies: number[] = [];
  relayPasses = 0;
  relayRows = 0;
  relayMs = 0;

  trace(sessionId: string): Trace {
    let trace = this.traces.get(sessionId);
    if (!trace) this.traces.set(sessionId, (trace = {}));
    return trace;
  }

  resetCounters(): void {
    this.signatures.length = 0;
    this.verifies.length = 0;
    this.relayPasses = this.relayRows = this.relayMs = 0;
  }

  install(gateway: NestFastifyApplication, sessionLog: NestFastifyApplication, payroll: NestFastifyApplication): void {
    const signature = gateway.get(ESignature);
    const confirm = signature.confirm.bind(signature);
    signature.confirm = async (...args) => {
      const started = performance.now();
      try {
        return await confirm(...args);
      } finally {
        this.signatures.push(performance.now() - started);
      }
    };
    const passwords = gateway.get(Passwords);
    const verify = passwords.verify.bind(passwords);
    passwords.verify = async (...args) => {
      const started = performance.now();
      try {
        return await verify(...args);
      } finally {
        this.verifies.push(performance.now() - started);
      }
    };

    const posting = sessionLog.get(PostingService);
    const post = posting.post.bind(posting);
    posting.post = async (command) => {
      const trace = this.trace(command.sessionId);
      trace.postStarted = performance.now();
      const reply = await post(command);
      trace.committed = performance.now();
      return reply;
    };

    type Row = { name: string; payload: { snapshot?: { sessionId: string } } };
    const relay = sessionLog.get(OutboxRelay) as unknown as { publish(rows: Row[]): Promise<void>; relayOnce(): Promise<number> };
    const publish = relay.publish.bind(relay);
    relay.publish = async (rows) => {
      const claimed = performance.now();
      await publish(rows);
      const queued = performance.now();
      for (const row of rows) {
        if (row.name !== SESSION_POSTED.name || !row.payload.snapshot) continue;
        const trace = this.trace(row.payload.snapshot.sessionId);
        trace.claimed = claimed;
        trace.queued = queued;
      }
    };
    const relayOnce = relay.relayOnce.bind(relay);
    relay.relayOnce = async () => {
      const started = performance.now();
      const rows = await relayOnce();
      if (rows > 0) {
        this.relayPasses += 1;
        this.relayRows += rows;
        this.relayMs += performance.now() - started;
      }
      return rows;
    };

    const inbox = payroll.get(EventInbox);
    const once = inbox.once.bind(inbox);
    inbox.once = async (context: BullMqContext, effect) => {
      const sessionId = context.facts.pattern === SESSION_POSTED.name ? (context.job.data as { payload: { snapshot: { sessionId: string } } }).payload.snapshot.sessionId : null;
      const trace = sessionId ? this.trace(sessionId) : null;
      if (trace) trace.payStarted = performance.now();
      const outcome = await once(context, effect);
      if (trace && outcome === 'applied') trace.paid = performance.now();
      return outcome;
    };
  }
}

async function timeArgon2(gateway: NestFastifyApplication): Promise<Percentiles & { pairMs: number }> {
  const passwords = gateway.get(Passwords);
  const hash = await passwords.hash(TEST_PASSWORD);
  const times: number[] = [];
  for (let i = 0; i < ARGON2_SAMPLES; i += 1) {
    const started = performance.now();
    if (!(await passwords.verify(hash, TEST_PASSWORD))) throw new Error('argon2 verify refused the right password');
    times.push(performance.now() - started);
  }
  const pairStarted = performance.now();
  await Promise.all([passwords.verify(hash, TEST_PASSWORD), passwords.verify(hash, TEST_PASSWORD)]);
  return { ...percentiles(times.slice(2)), pairMs: performance.now() - pairStarted };
}

interface Outcome {
  requests: number;
  errors: number;
  poolExhausted: boolean;
  /** Sessions posted in the scenario (answered 200 and listed). */
  sessions: string[];
  httpMs: number[];
  firstSent: number;
  lastPaid: number;
  seconds: number;
  cpuMs: number;
  relay: { passes: number; rows: number; ms: number };
  signatures: number[];
  verifies: number[];
}

/**
 * Closed loop: each client, its own provider, posts the next session (or the
 * next day's batch) as soon as the previous answer arrives, until the window
 * closes; then the pipeline is given time to deliver every payable line.
 */
async function runScenario(scenario: Scenario, port: number, providers: Provider[], tracer: Tracer): Promise<Outcome> {
  const client = jsonClient(port, scenario.concurrency);
  const sessions: string[] = [];
  const httpMs: number[] = [];
  let requests = 0;
  let errors = 0;
  let poolExhausted = false;
  tracer.resetCounters();
  const cpuBefore = process.cpuUsage();
  const firstSent = performance.now();
  const deadline = firstSent + SLICE_MS;
  const caller = async (provider: Provider) => {
    while (performance.now() < deadline) {
      const single = scenario.kind === 'single' ? provider.single.pop() : undefined;
      const day = scenario.kind === 'bulk' ? provider.bulkDays.pop() : undefined;
      if (!single && !day) {
        poolExhausted = true;
        return;
      }
      const sent = performance.now();
      const sentWall = Date.now();
      const answer = single
        ? await client.call('POST', `/api/sessions/${single}/post`, provider.token, { password: TEST_PASSWORD })
        : await client.call('POST', '/api/sessions/bulk-post', provider.token, { password: TEST_PASSWORD, from: day, to: day });
      const answered = performance.now();
      requests += 1;
      httpMs.push(answered - sent);
      const body = answer.body as { sessionId?: string; posted?: { sessionId: string }[]; incomplete?: unknown[] };
      const posted = single ? (answer.status === 200 && body.sessionId === single ? [single] : []) : (body.posted ?? []).map((p) => p.sessionId);
      const expected = single ? 1 : BATCH;
      if (answer.status !== 200 || posted.length !== expected || (body.incomplete?.length ?? 0) > 0) {
        errors += 1;
        if (errors <= 5) console.error(`  ${scenario.id}: answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
      }
      for (const id of posted) {
        Object.assign(tracer.trace(id), { sent, sentWall, answered });
        sessions.push(id);
      }
    }
  };
  await Promise.all(providers.slice(0, scenario.concurrency).map(caller));
  client.close();
  await withTimeout(waitUntilPaid(tracer, sessions), DRAIN_MS).catch((error: Error) => {
    throw new Error(`${scenario.id}: not every posted session reached payroll (${error.message})`);
  });
  const cpu = process.cpuUsage(cpuBefore);
  const lastPaid = Math.max(...sessions.map((id) => tracer.traces.get(id)!.paid!));
  return {
    requests,
    errors,
    poolExhausted,
    sessions,
    httpMs,
    firstSent,
    lastPaid,
    seconds: (lastPaid - firstSent) / 1000,
    cpuMs: (cpu.user + cpu.system) / 1000,
    relay: { passes: tracer.relayPasses, rows: tracer.relayRows, ms: tracer.relayMs },
    signatures: [...tracer.signatures],
    verifies: [...tracer.verifies],
  };
}

/** Watches the in-process traces (no query), every 5 ms, until payroll committed each session. */
async function waitUntilPaid(tracer: Tracer, sessionIds: string[]): Promise<void> {
  for (;;) {
    if (sessionIds.every((id) => tracer.traces.get(id)?.paid !== undefined)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The plain baseline: 8 clients, each a loop of single-row INSERTs in autocommit (an INSERT and its COMMIT per row). */
async function plainInserts(pool: Pool): Promise<Baseline['slices'][number]> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + BASELINE_MS;
  const client = async () => {
    const connection = await pool.connect();
    try {
      while (performance.now() < deadline) {
        const sent = performance.now();
        await connection.query('INSERT INTO public.bench_plain_insert (session_id, amount_cents) VALUES ($1, $2)', [randomUUID(), 2438]);
        latencies.push(performance.now() - sent);
      }
    } finally {
      connection.release();
    }
  };
  await Promise.all(Array.from({ length: BASELINE_CLIENTS }, client));
  const elapsed = (performance.now() - started) / 1000;
  const p = percentiles(latencies);
  return { seconds: elapsed, rows: latencies.length, rowsPerSecond: latencies.length / elapsed, p50Ms: p.p50, p99Ms: p.p99 };
}

/** pay_line.created_at of each session's payable line, read once after the run (not while measuring). */
async function lineCreatedAt(payroll: NestFastifyApplication, districtId: string, sessionIds: string[]): Promise<Map<string, number>> {
  const rows = await payroll
    .get(TenantTransactions)
    .run(districtId, (em) =>
      em.execute<{ session_id: string; at: number }[]>(
        `select session_id, extract(epoch from created_at) * 1000 as at from payroll.pay_line where kind = 'payment' and session_id = any(?::uuid[])`,
        [`{${sessionIds.join(',')}}`],
      ),
    );
  return new Map(rows.map((row) => [row.session_id, Number(row.at)]));
}

interface Slice {
  outcome: Outcome;
  /** Mean rows/s of the baseline slices just before and just after this one. */
  adjacentBaseline: number;
  loadAverage: number;
}

function summarizeScenario(scenario: Scenario, slices: Slice[], tracer: Tracer, createdAt: Map<string, number>): ScenarioResult {
  const outcomes = slices.map((slice) => slice.outcome);
  const all = <T>(pick: (o: Outcome) => T[]) => outcomes.flatMap(pick);
  const sum = (pick: (o: Outcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
  const sessions = all((o) => o.sessions);
  const traces = sessions.map((id) => tracer.traces.get(id)!);
  const stage = (from: keyof Trace, to: keyof Trace) =>
    percentiles(traces.filter((t) => t[from] !== undefined && t[to] !== undefined).map((t) => t[to]! - t[from]!));
  const secondsTotal = sum((o) => o.seconds);
  const sessionsPerSecond = sessions.length / secondsTotal;
  // Weighted by each slice's duration, as the rate is.
  const adjacentBaseline = slices.reduce((total, slice) => total + slice.adjacentBaseline * slice.outcome.seconds, 0) / secondsTotal;
  const relayPasses = sum((o) => o.relay.passes);
  const requests = sum((o) => o.requests);
  const verifies = all((o) => o.verifies);
  return {
    ...scenario,
    requests,
    sessions: sessions.length,
    errors: sum((o) => o.errors),
    poolExhausted: outcomes.some((o) => o.poolExhausted),
    seconds: secondsTotal,
    sessionsPerSecond,
    slicesPerSecond: outcomes.map((o) => Number((o.sessions.length / o.seconds).toFixed(1))),
    loadAverages: slices.map((slice) => slice.loadAverage),
    adjacentBaselineRowsPerSecond: adjacentBaseline,
    ratioToBaseline: sessionsPerSecond / adjacentBaseline,
    httpMs: percentiles(all((o) => o.httpMs)),
    postToPayableLineMs: stage('sent', 'paid'),
    postToLineCreatedAtMs: percentiles(sessions.filter((id) => createdAt.has(id)).map((id) => createdAt.get(id)! - tracer.traces.get(id)!.sentWall!)),
    stagesMs: Object.fromEntries(STAGES.map(([name, from, to]) => [name, stage(from, to)])),
    eSignatureMs: percentiles(all((o) => o.signatures)),
    argon2VerifyMs: percentiles(verifies),
    argon2MsPerSession: verifies.reduce((total, v) => total + v, 0) / sessions.length,
    relay: {
      passes: relayPasses,
      rowsPerPass: sum((o) => o.relay.rows) / Math.max(1, relayPasses),
      msPerPass: sum((o) => o.relay.ms) / Math.max(1, relayPasses),
    },
    cpuMsPerSession: sum((o) => o.cpuMs) / sessions.length,
    cpuShareOfOneCore: sum((o) => o.cpuMs) / (secondsTotal * 1000),
  };
}

interface Verification {
  postedSessions: number;
  withOnePayableLine: number;
  amountsAsExpected: number;
  problems: string[];
}

/**
 * Every posted session is posted (version 1) in session-log and has exactly
 * one pay line in payroll, a payment of rate × minutes / 60 rounded half-up
 * (computed here on its own), with a payable decision; no other session has one.
 */
async function verify(
  sessionLog: NestFastifyApplication,
  payroll: NestFastifyApplication,
  districtId: string,
  posted: string[],
  expectedMinutes: Map<string, number>,
): Promise<Verification> {
  const problems: string[] = [];
  const unique = new Set(posted);
  if (unique.size !== posted.length) problems.push(`${posted.length - unique.size} sessions were reported posted twice`);
  const lines = await payroll.get(TenantTransactions).run(districtId, (em) =>
    em.execute<{ session_id: string; lines: number; payments: number; minutes: number; rate_cents: number; amount_cents: number; payable: boolean | null }[]>(
      `select l.session_id, count(*)::int as lines, count(*) filter (where l.kind = 'payment')::int as payments,
              min(l.minutes) as minutes, min(l.rate_cents) as rate_cents, sum(l.amount_cents)::int as amount_cents,
              bool_and(d.payable) as payable
         from payroll.pay_line l left join payroll.pay_decision d on d.session_id = l.session_id and d.session_version = l.session_version
        group by l.session_id`,
    ),
  );
  const byId = new Map(lines.map((line) => [line.session_id, line]));
  const [{ count: postedInLog }] = await sessionLogRows<{ count: number }>(
    sessionLog,
    districtId,
    `select count(*)::int as count from session_log.session where posted_version = 1 and id = any(?::uuid[])`,
    [`{${[...unique].join(',')}}`],
  );
  if (postedInLog !== unique.size) problems.push(`session-log holds ${postedInLog} of the ${unique.size} sessions as posted`);
  let withOne = 0;
  let asExpected = 0;
  for (const id of unique) {
    const line = byId.get(id);
    const minutes = expectedMinutes.get(id)!;
    const amount = Math.floor((2 * RATE_CENTS * minutes + 60) / 120);
    if (!line) problems.push(`${id} has no pay line`);
    else if (line.lines !== 1 || line.payments !== 1) problems.push(`${id} has ${line.lines} pay lines (${line.payments} payments)`);
    else {
      withOne += 1;
      if (line.minutes === minutes && line.rate_cents === RATE_CENTS && line.amount_cents === amount && line.payable) asExpected += 1;
      else problems.push(`${id} pays ${line.amount_cents} cents for ${line.minutes} minutes at ${line.rate_cents} (decision payable ${line.payable}), expected ${amount} for ${minutes} at ${RATE_CENTS}`);
    }
  }
  const strays = lines.filter((line) => !unique.has(line.session_id));
  if (strays.length > 0) problems.push(`${strays.length} sessions not posted here have pay lines`);
  return { postedSessions: unique.size, withOnePayableLine: withOne, amountsAsExpected: asExpected, problems };
}

async function postgresSettings(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('server_version', 'synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay', 'shared_buffers')`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

function printReport(results: ScenarioResult[], baseline: Baseline, argon2: Percentiles & { pairMs: number }, verification: Verification): void {
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '');
  const rates = baseline.slices.map((slice) => slice.rowsPerSecond);
  const latencies = percentiles(baseline.slices.map((slice) => slice.p50Ms));
  console.log(
    `\nSessions/s: first HTTP send to payroll's commit of the last payable line, ${ROUNDS} interleaved slices of ${SLICE_MS / 1000} s each. ` +
      `Post → line: per session, HTTP send of its request → payroll's commit (observed in process). ` +
      `Baseline: ${baseline.clients} clients of single-row INSERT + COMMIT, ${baseline.slices.length} slices of ${BASELINE_MS / 1000} s between the posting slices, ` +
      `${formatNumber(Math.min(...rates))} to ${formatNumber(Math.max(...rates))} rows/s; "vs baseline" reads each scenario against the slices around it\n`,
  );
  console.log(
    table(
      ['scenario', 'measurement', 'conc', 'requests', 'sessions', 'sessions/s', 'slices', 'vs baseline', 'HTTP p50', 'HTTP p99', 'post→line p50', 'post→line p99', 'created_at p50', 'errors'],
      [
        ['baseline', 'plain single-row INSERT + COMMIT (rows/s)', baseline.clients, '', baseline.slices.reduce((sum, b) => sum + b.rows, 0), baseline.rowsPerSecond, rates.map((r) => formatNumber(r)).join(' '), '1.00x', ms(latencies.p50), '', '', '', '', 0],
        ...results.map((r): Cell[] => [
          r.id,
          r.name,
          r.concurrency,
          r.requests,
          r.sessions,
          r.sessionsPerSecond,
          r.slicesPerSecond.join(' '),
          `${ratio(r.ratioToBaseline, 1)} of ${formatNumber(r.adjacentBaselineRowsPerSecond)}`,
          ms(r.httpMs.p50),
          ms(r.httpMs.p99),
          ms(r.postToPayableLineMs.p50),
          ms(r.postToPayableLineMs.p99),
          ms(r.postToLineCreatedAtMs.p50),
          r.errors,
        ]),
      ],
    ),
  );
  console.log(
    '(ms; baseline HTTP p50 column: median of its slices\' p50 per INSERT; bulk HTTP p99 is of few requests; "created_at p50": pay_line.created_at − the send, ' +
      'a cross-check: created_at is now() of payroll\'s transaction, i.e. its start)',
  );

  console.log('\nWhere a session\'s time goes: p50 / p99 ms of each step, per session\n');
  console.log(
    table(
      ['step', ...results.map((r) => r.id)],
      [
        ...STAGES.map(([name]): Cell[] => [name, ...results.map((r) => `${ms(r.stagesMs[name].p50)} / ${ms(r.stagesMs[name].p99)}`)]),
        ['gateway e-signature check per request (SQL + throttle + argon2), p50 / p99', ...results.map((r) => `${ms(r.eSignatureMs.p50)} / ${ms(r.eSignatureMs.p99)}`)],
        ['  of which argon2id verify, p50 / p99', ...results.map((r) => `${ms(r.argon2VerifyMs.p50)} / ${ms(r.argon2VerifyMs.p99)}`)],
        ['argon2 verify ms per posted session (one verify per request)', ...results.map((r) => ms(r.argon2MsPerSession))],
        ['relay passes with rows: count, rows/pass, ms/pass', ...results.map((r) => `${r.relay.passes}, ${r.relay.rowsPerPass.toFixed(1)}, ${ms(r.relay.msPerPass)}`)],
        ['CPU of this Node process per session (ms), share of one core', ...results.map((r) => `${ms(r.cpuMsPerSession)}, ${Math.round(100 * r.cpuShareOfOneCore)}%`)],
      ],
    ),
  );
  const claim = STAGES[2][0];
  console.log(
    `\nLongest ${claim.slice(0, claim.indexOf(' ('))}: ${results.map((r) => `${r.id} ${ms(r.stagesMs[claim].max)} ms`).join(', ')} ` +
      `(the relay remembers no NOTIFY that arrives during a pass: a row committed then waits for the next commit's NOTIFY, or for the 1 s poll when none follows)`,
  );
  console.log(`\nargon2id verify alone (idle): p50 ${ms(argon2.p50)} ms, mean ${ms(argon2.mean)} ms; two at once ${ms(argon2.pairMs)} ms`);

  console.log(
    `\nPayroll check: ${verification.postedSessions} sessions posted (warm-up included), ${verification.withOnePayableLine} with exactly one pay line, ` +
      `${verification.amountsAsExpected} paying rate × minutes / 60 half-up; ${verification.problems.length ? `PROBLEMS: ${verification.problems.slice(0, 5).join('; ')}` : 'no problems'}`,
  );
  console.log('');
  for (const r of results) {
    console.log(
      `SUMMARY ${r.id}: ${formatNumber(r.sessionsPerSecond)} sessions/s post → payable line (${ratio(r.ratioToBaseline, 1)} of ${formatNumber(r.adjacentBaselineRowsPerSecond)} plain INSERT+COMMIT rows/s), ` +
        `HTTP p50 ${ms(r.httpMs.p50)} p99 ${ms(r.httpMs.p99)} ms, post → line p50 ${ms(r.postToPayableLineMs.p50)} p99 ${ms(r.postToPayableLineMs.p99)} ms`,
    );
  }
}

/** JSON requests over Node's own keep-alive agent: one pooled connection per caller. */
function jsonClient(port: number, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  return {
    call: (method: string, path: string, token: string, body?: unknown) =>
      new Promise<{ status: number; body: unknown }>((resolve) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
        if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        const outgoing = request({ host: '127.0.0.1', port, path, method, agent, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => resolve({ status: 0, body: error.message }));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null });
            } catch {
              resolve({ status: response.statusCode ?? 0, body: text });
            }
          });
        });
        outgoing.on('error', (error) => resolve({ status: 0, body: error.message }));
        outgoing.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1)))];
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], mean: values.reduce((sum, v) => sum + v, 0) / values.length };
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}



main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
