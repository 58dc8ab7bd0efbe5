import 'reflect-metadata';

import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MikroORM } from '@mikro-orm/postgresql';
import { CommandContract, PING } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { ActorLoader } from '../apps/gateway/src/auth/actor.loader';
import { as, signIn } from '../apps/gateway/test/support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../apps/gateway/test/support/session-fixtures';
import { sessionLogRows, startSessionPlatform } from '../apps/gateway/test/support/session-harness';
import { ParticipantsService } from '../apps/session-log/src/sessions/participants.service';
import { SessionsService } from '../apps/session-log/src/sessions/sessions.service';
import { httpClient, LoadLimits, LoadResult, Operation, portOf, Sample, sample, summarize } from './support/load';
import { Cell, formatNumber, machine, pct, printProgress, ratio, seconds, table, writeResult } from './support/report';
import { openBenchRun } from './support/bench-run';

/**
 * One whole tutoring session over HTTP, as a provider's client runs it: start
 * a group session of 4 students on a tutoring work order, record each
 * student's attendance, qualifiers and note, end it. Beside the gateway's
 * trivial round trip (GET /health/live) measured in the same run,
 * interleaved. Client, gateway, session-log and payroll share one Node
 * process (and the machine's cores with PostgreSQL and Redis): the ratios
 * travel between machines, the absolute figures do not.
 */
const ROOT = join(__dirname, '..');
const CONCURRENCIES = [1, 4, 8];
/** A provider has at most one active session: one provider per concurrent client. */
const PROVIDERS = Math.max(...CONCURRENCIES);
const STUDENTS_PER_GROUP = 4;
/** POST /sessions, a PATCH per participant, POST /end. */
const REQUESTS_PER_LIFECYCLE = 2 + STUDENTS_PER_GROUP;
/** Each measurement at a concurrency is taken in this many slices, interleaved with the others. */
const ROUNDS = 5;
const LIFECYCLE_LIMITS: LoadLimits = { count: 5_000, maxMs: 15_000, warmup: 3 };
const HTTP_LIMITS: LoadLimits = { count: 10_000, maxMs: 1_500, warmup: 200 };
const PART_LIMITS: LoadLimits = { count: 5_000, maxMs: 1_000, warmup: 50 };

const STUDENT_NOTE =
  'You explained how to compare fractions with unlike denominators in your own words. ' +
  'Your number line sketches were accurate and neat. ' +
  'Next time, check each answer by estimating first. ' +
  'Keep practising the common-denominator step at home.';
const PARTICIPANT_CHANGE = {
  present: true,
  attendanceStatus: 'attended',
  qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Mathematics' },
  studentNote: STUDENT_NOTE,
};

const STEPS = ['start', 'participant', 'end'] as const;
type Step = (typeof STEPS)[number];
const STEP_NAMES: Record<Step, string> = {
  start: '  step: POST /api/sessions (group + work order)',
  participant: '  step: PATCH participant (attendance, qualifiers, note)',
  end: '  step: POST /api/sessions/:id/end',
};

interface Provider {
  id: string;
  token: string;
  groupId: string;
  workOrderId: string;
}

interface MeasuredRow extends LoadResult {
  id: string;
  name: string;
  /** HTTP requests per operation (0 for in-process parts). */
  requestsPerOp: number;
  /** HTTP requests/s against GET /health/live's at the same concurrency (parts: operations/s). */
  ratioToBaseline: number;
  /** p50 in baseline round trips (GET /health/live p50 at the same concurrency). */
  p50InBaselineRoundTrips: number;
}

/** Mean wall time per lifecycle spent in each traced span, and how often it ran. */
interface Breakdown {
  concurrency: number;
  lifecycles: number;
  /** CPU time of this Node process (client, gateway, session-log, payroll) per lifecycle, and its share of one core while timed. */
  cpuMsPerLifecycle: number;
  cpuShareOfOneCore: number;
  spans: Record<string, { calls: number; msPerLifecycle: number; msPerCall: number }>;
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  try {
    const setupStarted = performance.now();
    // Gateway (outbox relay on: the district settings reach session-log), session-log and payroll, as the e2e tests run them.
    const platform = await startSessionPlatform();
    bench.onClose(() => platform.stop());
    const { gateway, sessionLog } = platform;
    await gateway.listen(0, '127.0.0.1');
    const district = await platform.district(1);
    const school = district.schools[0];
    const admin = await signIn(gateway, district.admin.email);

    const providers: Provider[] = [];
    for (let i = 0; i < PROVIDERS; i += 1) {
      const user = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor' });
      const session = await signIn(gateway, user.email);
      const students = await Promise.all(Array.from({ length: STUDENTS_PER_GROUP }, () => addStudent(gateway, admin, school.id)));
      const group = await addGroup(gateway, admin, school.id, user.id, students.map((s) => s.id));
      const workOrder = await addWorkOrder(gateway, admin, { type: 'tutoring', providerId: user.id, schoolId: school.id });
      providers.push({ id: user.id, token: session.accessToken, groupId: group.id, workOrderId: workOrder.id });
    }
    const bus = gateway.get(ServiceBus);
    const tracer = new Tracer();
    traceBus(tracer, bus);
    traceService(tracer, sessionLog.get(SessionsService), 'session-log handler', ['start', 'end']);
    traceService(tracer, sessionLog.get(ParticipantsService), 'session-log handler participant', ['update']);
    traceSql(tracer, sessionLog.get(MikroORM), 'session-log');
    traceSql(tracer, gateway.get(MikroORM), 'gateway');

    // One lifecycle end to end with supertest before measuring: a setup mistake fails here with its answer, not as a count of errors.
    tracer.statements = [];
    await checkOneLifecycle(gateway, providers[0]);
    const statements = tracer.statements;
    tracer.statements = null;
    console.log(
      `setup ${seconds(setupStarted)} s: database ${run.database}, Redis prefix ${run.redisPrefix}*, gateway + session-log + payroll in this process; ` +
        `${PROVIDERS} providers with a group of ${STUDENTS_PER_GROUP} students and a tutoring work order each; ` +
        `load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n`,
    );

    printStatements(statements);

    const port = portOf(gateway.getHttpServer().address());
    const provider = await gateway.get(ActorLoader).load(district.id, providers[0].id);

    const started = new Set<string>();
    const free = [...providers];
    let steps: Record<Step, number[]> | null = null;
    const lifecycle = (client: JsonClient): Operation => async () => {
      const mine = free.pop();
      if (!mine) throw new Error('more concurrent clients than providers');
      try {
        return await runLifecycle(client, mine, steps, started);
      } finally {
        free.push(mine);
      }
    };

    const results: MeasuredRow[] = [];
    const breakdowns: Breakdown[] = [];
    for (const concurrency of CONCURRENCIES) {
      const plain = httpClient(port, concurrency);
      const client = jsonClient(port, concurrency);
      const auth = { authorization: `Bearer ${providers[0].token}` };
      const baseline = plain.get('/health/live');
      const me = plain.get('/api/me', auth);
      const ping: Operation = async () => (await bus.send(PING['session-log'], { actor: provider.snapshot() })).service === 'session-log';
      const slices = new Map<string, Sample[]>(['a', 'b', 'c', ...STEPS, 'bus'].map((id) => [id, []]));
      tracer.reset();
      for (let round = 0; round < ROUNDS; round += 1) {
        const slice = (limits: LoadLimits) => ({
          count: Math.ceil(limits.count / ROUNDS),
          maxMs: limits.maxMs / ROUNDS,
          warmup: round === 0 ? limits.warmup : 2 * concurrency,
        });
        slices.get('a')!.push(await sample(baseline, concurrency, slice(HTTP_LIMITS)));
        slices.get('b')!.push(await sample(me, concurrency, slice(HTTP_LIMITS)));

        // Lifecycles warm up untimed and untraced first, so the step figures and the spans hold the timed ones only.
        const limits = slice(LIFECYCLE_LIMITS);
        await sample(lifecycle(client), concurrency, { count: (round === 0 ? LIFECYCLE_LIMITS.warmup : 1) * concurrency, maxMs: limits.maxMs, warmup: 0 });
        steps = { start: [], participant: [], end: [] };
        tracer.enabled = true;
        const cpuBefore = process.cpuUsage();
        const timed = await sample(lifecycle(client), concurrency, { ...limits, warmup: 0 });
        const cpu = process.cpuUsage(cpuBefore);
        tracer.enabled = false;
        tracer.cpuMs += (cpu.user + cpu.system) / 1000;
        tracer.wallMs += timed.seconds * 1000;
        slices.get('c')!.push(timed);
        for (const step of STEPS) slices.get(step)!.push(stepSample(steps[step], timed.seconds));
        steps = null;

        slices.get('bus')!.push(await sample(ping, concurrency, slice(PART_LIMITS)));
      }
      plain.close();
      client.close();

      const base = summarize(concurrency, slices.get('a')!);
      const row = (id: string, name: string, requestsPerOp: number): MeasuredRow => {
        const result = summarize(concurrency, slices.get(id)!);
        const perSecond = requestsPerOp > 0 ? result.perSecond * requestsPerOp : result.perSecond;
        return { id, name, ...result, requestsPerOp, ratioToBaseline: perSecond / base.perSecond, p50InBaselineRoundTrips: result.p50Ms / base.p50Ms };
      };
      const rows = [
        row('a', 'baseline: gateway GET /health/live', 1),
        row('b', 'reference: GET /api/me (auth + tenant tx)', 1),
        row('c', `session lifecycle (${REQUESTS_PER_LIFECYCLE} requests)`, REQUESTS_PER_LIFECYCLE),
        ...STEPS.map((step) => row(step, STEP_NAMES[step], 1)),
        row('bus', 'part: ServiceBus.send session-log ping (BullMQ)', 0),
      ];
      for (const r of rows) progress(r);
      results.push(...rows);
      breakdowns.push(tracer.breakdown(concurrency, summarize(concurrency, slices.get('c')!).completed));
    }

    const verification = await verify(sessionLog, district.id, started);
    printReport(results, breakdowns, verification);
    const file = writeResult(ROOT, 'session-lifecycle', {
      bench: 'session-lifecycle',
      measuredAt: new Date().toISOString(),
      machine: machine(ROOT),
      limits: {
        concurrencies: CONCURRENCIES,
        rounds: ROUNDS,
        lifecycles: LIFECYCLE_LIMITS,
        http: HTTP_LIMITS,
        parts: PART_LIMITS,
        providers: PROVIDERS,
        studentsPerGroup: STUDENTS_PER_GROUP,
        requestsPerLifecycle: REQUESTS_PER_LIFECYCLE,
      },
      results,
      breakdowns,
      verification,
    });
    console.log(`\nresult: ${file} (whole bench ${seconds(setupStarted)} s)`);

    const errors = results.reduce((sum, r) => sum + (STEPS.includes(r.id as Step) ? 0 : r.errors), 0);
    if (errors > 0) console.error(`${errors} requests or lifecycles answered wrongly; the figures above are not trustworthy`);
    if (verification.problems.length > 0) console.error(`the database does not hold the sessions as ended: ${verification.problems.slice(0, 10).join('; ')}`);
    return errors > 0 || verification.problems.length > 0 ? 1 : 0;
  } finally {
    await bench.close();
  }
}

type JsonClient = ReturnType<typeof jsonClient>;

/** What the lifecycle reads of a session reply (an error body has none of it). */
interface Answer {
  status: number;
  body: { id: string; version: number; state: string; participants: { id: string; version: number }[] };
}

/** JSON requests over Node's own keep-alive agent (as load.ts's GETs): one pooled connection per caller. */
function jsonClient(port: number, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  return {
    call: (method: string, path: string, token: string, body?: unknown) =>
      new Promise<Answer>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
        if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        const outgoing = request({ host: '127.0.0.1', port, path, method, agent, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null });
            } catch (error) {
              reject(error);
            }
          });
        });
        outgoing.on('error', reject);
        outgoing.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * The measured operation. Times are an hour ago to now, so the end is never
 * in the future. A lifecycle that fails after its start deletes its session,
 * so its provider can start the next one; it counts as an error.
 */
async function runLifecycle(client: JsonClient, provider: Provider, steps: Record<Step, number[]> | null, started: Set<string>): Promise<boolean> {
  const timed = async (step: Step, method: string, path: string, body: unknown) => {
    const sent = performance.now();
    const answer = await client.call(method, path, provider.token, body);
    steps?.[step].push(performance.now() - sent);
    return answer;
  };
  const start = await timed('start', 'POST', '/api/sessions', {
    service: 'tutoring',
    groupId: provider.groupId,
    workOrderId: provider.workOrderId,
    startedAt: new Date(Date.now() - 61 * 60_000).toISOString(),
    description: 'Fractions: comparing and ordering',
  });
  if (start.status !== 201) return unexpected('start', start);
  const session = start.body;
  try {
    if (session.participants.length !== STUDENTS_PER_GROUP) throw new Error(`started with ${session.participants.length} participants`);
    let version = session.version;
    for (const participant of session.participants) {
      const change = await timed('participant', 'PATCH', `/api/sessions/${session.id}/participants/${participant.id}`, {
        version: participant.version,
        ...PARTICIPANT_CHANGE,
      });
      if (change.status !== 200) return await abandon(client, provider, session.id, unexpected('participant update', change));
      version = change.body.version;
    }
    const end = await timed('end', 'POST', `/api/sessions/${session.id}/end`, { version, endedAt: new Date().toISOString() });
    if (end.status !== 200 || end.body.state !== 'ended') return await abandon(client, provider, session.id, unexpected('end', end));
    started.add(session.id);
    return true;
  } catch (error) {
    return abandon(client, provider, session.id, unexpected('lifecycle', { status: 0, body: (error as Error).message }));
  }
}

let reportedFailures = 0;
function unexpected(step: string, answer: { status: number; body: unknown }): false {
  if (reportedFailures++ < 5) console.error(`  ${step} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return false;
}

async function abandon(client: JsonClient, provider: Provider, sessionId: string, result: false): Promise<false> {
  const deleted = await client.call('DELETE', `/api/sessions/${sessionId}`, provider.token).catch(() => ({ status: 0, body: null }));
  if (deleted.status !== 200) unexpected('delete of a failed session', deleted);
  return result;
}

/** The same lifecycle once through supertest, so a broken setup says what the API answered. */
async function checkOneLifecycle(gateway: Parameters<typeof as>[0], provider: Provider): Promise<void> {
  const session = { accessToken: provider.token, refreshToken: '' };
  const started = await as(gateway, session)
    .post('/api/sessions')
    .send({ service: 'tutoring', groupId: provider.groupId, workOrderId: provider.workOrderId, startedAt: new Date(Date.now() - 61 * 60_000).toISOString() });
  if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
  let version = started.body.version;
  for (const participant of started.body.participants) {
    const changed = await as(gateway, session)
      .patch(`/api/sessions/${started.body.id}/participants/${participant.id}`)
      .send({ version: participant.version, ...PARTICIPANT_CHANGE });
    if (changed.status !== 200) throw new Error(`participant update answered ${changed.status}: ${JSON.stringify(changed.body)}`);
    version = changed.body.version;
  }
  const ended = await as(gateway, session).post(`/api/sessions/${started.body.id}/end`).send({ version, endedAt: new Date().toISOString() });
  if (ended.status !== 200) throw new Error(`end answered ${ended.status}: ${JSON.stringify(ended.body)}`);
}

function stepSample(latencies: number[], seconds: number): Sample {
  return { completed: latencies.length, errors: 0, seconds, latencies: Float64Array.from(latencies) };
}

/**
 * Wall time spent inside spans while lifecycles are timed: the gateway's
 * BullMQ requests by pattern, session-log's handlers, and session-log's SQL
 * statements. Spans nest (SQL inside the handler inside the BullMQ request
 * inside the HTTP request), so each level is read against the one around it.
 */
class Tracer {
  enabled = false;
  /**
   * The session-log handler call a statement runs in, with its spans still
   * open: statements sent together in one transaction (catalog and district
   * reads) queue on its one connection, so a handler's SQL time is the union
   * of its statements' intervals, not their sum.
   */
  readonly handler = new AsyncLocalStorage<{ name: string; open: Map<string, { active: number; since: number }> }>();
  /** When set, every traced SQL statement is kept here, enabled or not. */
  statements: { service: string; handler: string; sql: string }[] | null = null;
  private spans = new Map<string, { calls: number; ms: number }>();

  cpuMs = 0;
  wallMs = 0;

  reset(): void {
    this.spans.clear();
    this.cpuMs = this.wallMs = 0;
  }

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (!this.enabled) return work();
    const span = this.spans.get(name) ?? this.spans.set(name, { calls: 0, ms: 0 }).get(name)!;
    const open = this.handler.getStore()?.open;
    const interval = open ? (open.get(name) ?? open.set(name, { active: 0, since: 0 }).get(name)!) : { active: 0, since: 0 };
    if (interval.active++ === 0) interval.since = performance.now();
    try {
      return await work();
    } finally {
      span.calls += 1;
      if (--interval.active === 0) span.ms += performance.now() - interval.since;
    }
  }

  breakdown(concurrency: number, lifecycles: number): Breakdown {
    const spans: Breakdown['spans'] = {};
    for (const [name, span] of [...this.spans.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      spans[name] = { calls: span.calls, msPerLifecycle: span.ms / lifecycles, msPerCall: span.ms / span.calls };
    }
    return { concurrency, lifecycles, cpuMsPerLifecycle: this.cpuMs / lifecycles, cpuShareOfOneCore: this.cpuMs / this.wallMs, spans };
  }
}

function traceBus(tracer: Tracer, bus: ServiceBus): void {
  const send = bus.send.bind(bus);
  bus.send = <P, R>(contract: CommandContract<P, R>, payload: P) => tracer.time(`gateway BullMQ request ${contract.pattern}`, () => send(contract, payload));
}

function traceService<T extends object>(tracer: Tracer, service: T, label: string, methods: (keyof T & string)[]): void {
  for (const method of methods) {
    const original = (service[method] as (...args: unknown[]) => Promise<unknown>).bind(service);
    const name = `${label} ${method}`;
    (service as Record<string, unknown>)[method] = (...args: unknown[]) =>
      tracer.time(name, () => tracer.handler.run({ name, open: new Map() }, () => original(...args)));
  }
}

/**
 * Statements through the ORM's connection (queries, flushes, set_config), and
 * apart from them BEGIN (with the wait for a pooled connection) and COMMIT.
 */
function traceSql(tracer: Tracer, orm: MikroORM, service: string): void {
  type Traced = (...args: unknown[]) => Promise<unknown>;
  const connection = orm.em.getConnection() as unknown as Record<'execute' | 'begin' | 'commit', Traced>;
  const within = () => tracer.handler.getStore()?.name.replace('session-log handler ', '');
  const spanName = (what: string) => `${service} SQL ${what}${within() ? ` in ${within()}` : ''}`;
  const execute = connection.execute.bind(connection);
  connection.execute = (...args: unknown[]) => {
    tracer.statements?.push({ service, handler: within() ?? '', sql: String(args[0]).replace(/\s+/g, ' ') });
    return tracer.time(spanName('statements'), () => execute(...args));
  };
  for (const method of ['begin', 'commit'] as const) {
    const original = connection[method].bind(connection);
    connection[method] = (...args: unknown[]) => tracer.time(spanName('BEGIN + COMMIT'), () => original(...args));
  }
}

interface Verification {
  measuredSessions: number;
  sessionsInDatabase: number;
  endedWithFourAttended: number;
  tasksCompleted: number;
  problems: string[];
}

/**
 * Every lifecycle that answered well left its session ended, its 4 students
 * timed out at the end, present and attended, remedial in Mathematics, with
 * a note; and both post-session tasks done. Read as session-log stores them.
 */
async function verify(sessionLog: Parameters<typeof sessionLogRows>[0], districtId: string, started: Set<string>): Promise<Verification> {
  const rows = await sessionLogRows<{ id: string; state: string; participants: number; complete: number; tasks_done: number }>(
    sessionLog,
    districtId,
    `select s.id, s.state,
            (select count(*)::int from session_log.participant p where p.session_id = s.id) as participants,
            (select count(*)::int from session_log.participant p
              where p.session_id = s.id and p.time_out = s.ended_at and p.time_in = s.started_at and p.present
                and p.attendance_status = 'attended' and p.remedial and p.subject = 'Mathematics' and p.student_note is not null) as complete,
            (select count(*)::int from session_log.post_session_task t where t.session_id = s.id and t.completed_at is not null) as tasks_done
       from session_log.session s`,
  );
  const problems: string[] = [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of started) {
    const row = byId.get(id);
    if (!row) problems.push(`${id} is missing`);
    else if (row.state !== 'ended') problems.push(`${id} is ${row.state}`);
    else if (row.participants !== STUDENTS_PER_GROUP || row.complete !== STUDENTS_PER_GROUP) {
      problems.push(`${id} has ${row.participants} participants, ${row.complete} timed out and attended as recorded`);
    }
  }
  if (started.size === 0) problems.push('no lifecycle completed');
  const active = rows.filter((row) => row.state === 'active');
  if (active.length > 0) problems.push(`${active.length} sessions are still active`);
  const measured = rows.filter((row) => started.has(row.id));
  return {
    measuredSessions: started.size,
    sessionsInDatabase: rows.length,
    endedWithFourAttended: measured.filter((row) => row.state === 'ended' && row.complete === STUDENTS_PER_GROUP).length,
    tasksCompleted: measured.filter((row) => row.tasks_done === 2).length,
    problems,
  };
}

/**
 * The statements of the checked lifecycle, counted per session-log handler
 * (BENCH_SHOW_SQL=1 prints them), to read the SQL spans below against.
 */
function printStatements(statements: { service: string; handler: string; sql: string }[]): void {
  const counts = new Map<string, number>();
  for (const s of statements) {
    const key = s.service === 'session-log' ? `session-log ${s.handler || '(outside handlers)'}` : `${s.service} (all requests)`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log(`SQL statements through the ORM in one lifecycle: ${[...counts.entries()].map(([key, n]) => `${key} ${n}`).join(', ')}`);
  if (process.env.BENCH_SHOW_SQL === '1') for (const s of statements) console.log(`  [${s.service} ${s.handler}] ${s.sql.slice(0, 240)}`);
}

function printReport(rows: MeasuredRow[], breakdowns: Breakdown[], verification: Verification): void {
  const ms = (value: number) => value.toFixed(2);
  const spread = (row: LoadResult) => pct(Math.max(...row.slicesPerSecond) - Math.min(...row.slicesPerSecond), row.perSecond);
  console.log(
    `\nOver 127.0.0.1, keep-alive, ${ROUNDS} interleaved slices each (spread: fastest - slowest slice, of the rate). ` +
      `A lifecycle is ${REQUESTS_PER_LIFECYCLE} requests; its req/s is ${REQUESTS_PER_LIFECYCLE} x lifecycles/s, ` +
      `"vs baseline" compares requests/s, "in RTTs" is p50 in GET /health/live p50s\n`,
  );
  console.log(
    table(
      ['', 'measurement', 'conc', 'ops', 'ops/s', 'req/s', 'spread', 'p50 ms', 'p99 ms', 'vs baseline', 'in RTTs', 'errors'],
      rows.map((row): Cell[] => [
        row.id,
        row.name,
        row.concurrency,
        row.completed,
        row.perSecond,
        row.requestsPerOp > 0 ? row.perSecond * row.requestsPerOp : '',
        spread(row),
        ms(row.p50Ms),
        ms(row.p99Ms),
        row.requestsPerOp > 0 ? ratio(row.ratioToBaseline, 1) : '',
        row.p50InBaselineRoundTrips.toFixed(1),
        STEPS.includes(row.id as Step) ? '' : row.errors,
      ]),
    ),
  );

  console.log('\nWhere a lifecycle\'s time goes: mean wall ms per lifecycle inside each span, while lifecycles were timed (spans nest)\n');
  const names = [...new Set(breakdowns.flatMap((b) => Object.keys(b.spans)))];
  const at = (concurrency: number) => rows.find((r) => r.id === 'c' && r.concurrency === concurrency)!;
  console.log(
    table(
      ['span', ...breakdowns.flatMap((b) => [`c${b.concurrency} ms/lifecycle`, `c${b.concurrency} calls/lc`, `c${b.concurrency} ms/call`])],
      [
        ['whole lifecycle, client side (mean)', ...breakdowns.flatMap((b) => [(1000 * b.concurrency) / at(b.concurrency).perSecond, REQUESTS_PER_LIFECYCLE, Number.NaN])],
        ...names.map((name): Cell[] => [
          name,
          ...breakdowns.flatMap((b) => {
            const span = b.spans[name];
            return span ? [span.msPerLifecycle, span.calls / b.lifecycles, span.msPerCall] : [Number.NaN, Number.NaN, Number.NaN];
          }),
        ]),
      ],
    ),
  );

  for (const b of breakdowns) {
    const span = (prefix: string) => Object.entries(b.spans).filter(([name]) => name.startsWith(prefix)).reduce((sum, [, s]) => sum + s.msPerLifecycle, 0);
    const whole = (1000 * b.concurrency) / at(b.concurrency).perSecond;
    const bus = span('gateway BullMQ request');
    const handlers = span('session-log handler');
    const sql = span('session-log SQL');
    const transactions = span('session-log SQL BEGIN');
    const payroll = span('gateway BullMQ request payroll');
    console.log(
      `  c${b.concurrency}: ${ms(whole)} ms per lifecycle = gateway's own ${ms(whole - bus)} ms (${pct(whole - bus, whole)}; its SQL, auth and directory, ${ms(span('gateway SQL'))} ms) ` +
        `+ BullMQ requests ${ms(bus)} ms (${pct(bus, whole)}; payroll's work-order lookup ${ms(payroll)} ms), of which session-log handlers ` +
        `${ms(handlers)} ms (${pct(handlers, whole)}), of which SQL ${ms(sql)} ms (${pct(sql, whole)}; BEGIN + COMMIT ${ms(transactions)} ms) and the rest (ORM, rules, reply) ${ms(handlers - sql)} ms; ` +
        `BullMQ transit to session-log and back ~${ms(bus - payroll - handlers)} ms (${pct(bus - payroll - handlers, whole)}). ` +
        `This Node process used ${ms(b.cpuMsPerLifecycle)} ms of CPU per lifecycle, ${pct(b.cpuShareOfOneCore, 1)} of one core`,
    );
  }

  console.log(
    `\nDatabase check: ${verification.measuredSessions} sessions answered as ended, ${verification.endedWithFourAttended} of them ended in session_log with ` +
      `${STUDENTS_PER_GROUP} participants timed out at the end and attended, ${verification.tasksCompleted} with both post-session tasks done; ` +
      `${verification.sessionsInDatabase} sessions in the district in all; ${verification.problems.length ? `PROBLEMS: ${verification.problems.slice(0, 5).join('; ')}` : 'no problems'}`,
  );

  console.log('');
  for (const id of ['a', 'c', ...STEPS]) {
    const measured = rows.filter((r) => r.id === id);
    const figures = measured.map((r) => {
      const rate = id === 'c' ? `${formatNumber(r.perSecond)} sessions/s (${formatNumber(r.perSecond * REQUESTS_PER_LIFECYCLE)} req/s, ${ratio(r.ratioToBaseline, 1)})` : `${formatNumber(r.perSecond)} /s`;
      const rtts = id === 'a' ? '' : ` = ${r.p50InBaselineRoundTrips.toFixed(1)} RTTs`;
      return `c${r.concurrency} ${rate} p50 ${ms(r.p50Ms)}${rtts} p99 ${ms(r.p99Ms)} ms`;
    });
    console.log(`SUMMARY ${id}) ${measured[0].name.trim()}: ${figures.join(' | ')}`);
  }
}

function progress(row: MeasuredRow): void {
  // A step's errors are counted once, on its lifecycle row.
  printProgress(row.name, { ...row, errors: STEPS.includes(row.id as Step) ? 0 : row.errors });
}




main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
