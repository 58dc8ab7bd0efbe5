import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import type { components } from '@sessionledger/api-client';
import { machine, table, writeResult } from './support/report';

/**
 * Scale-out under faults: the whole platform from the compiled build
 * (`dist/apps/<app>/…/main.js serve`), as child processes against a
 * PostgreSQL cluster and a Redis (AOF, fsync always) of the bench's own, so
 * it can kill and restart them without touching the shared ones.
 *
 * The same deterministic money workload runs three times, each phase on its
 * own days: providers start sessions, record their students, end them; a
 * third are posted one by one, the rest by bulk post; a quarter are then
 * amended to fewer minutes. A: one replica of each app. B: two replicas of
 * each, the load spread round-robin over both gateways. C: two replicas while
 * one replica of each app in turn is SIGKILLed and restarted, PostgreSQL is
 * restarted once (fast) and Redis once (SHUTDOWN, AOF), the client retrying
 * with the same Idempotency-Key. After each phase the bench waits for payroll
 * to hold exactly the lines the workload implies (the reconciler republishing
 * what a fault lost) and compares pay and billing — per session, per
 * provider, per period — with the values it computes itself.
 *
 * Options (environment): FAULTS_SESSIONS (sessions per phase, default 40),
 * FAULTS_PROVIDERS (concurrent providers, default 8), FAULTS_KEEP=1 keeps the
 * temp dir (logs, data) even on PASS.
 */
const ROOT = join(__dirname, '..');
const APPS = ['gateway', 'scheduling', 'session-log', 'payroll', 'state-reporting'] as const;
type App = (typeof APPS)[number];
const SESSIONS = Number(process.env.FAULTS_SESSIONS ?? 40);
const PROVIDERS = Number(process.env.FAULTS_PROVIDERS ?? 8);
/** Tutoring pays a session of at least 4 qualifying students. */
const STUDENTS_PER_GROUP = 4;
const RATE_CENTS = 3250;
const TIME_ZONE = 'America/Chicago';
const PASSWORD = `faults-${randomBytes(6).toString('hex')}`;
/** Local start hours of a provider's sessions on one day (2 h apart: the longest runs 55 min). */
const SLOTS = [8, 10, 12, 14];
/** How long a phase may take to converge after its last request answered. */
const CONVERGE_MS = Number(process.env.FAULTS_CONVERGE_MS ?? 240_000);
/** The reconciler's pass interval and grace period in the apps (production: 60 s and 30 s). */
const RECONCILE_INTERVAL_MS = 2_000;
const RECONCILE_GRACE_MS = 5_000;
/** A request is given up after this long of retrying. */
const REQUEST_DEADLINE_MS = 120_000;
/**
 * How long a key may answer "in progress" before it counts as stuck: the
 * gateway's claim on a key is a 30 s lease its process renews while the
 * request runs, so a key held by a killed gateway frees itself within this.
 */
const STUCK_KEY_MS = 45_000;
const NOTE =
  'You compared fractions with unlike denominators and explained each step in your own words. ' +
  'Next time, estimate first and check the answer against the estimate.';

type SessionReply = components['schemas']['SessionReply'];

interface Plan {
  /** Index in the phase, 0…SESSIONS-1. */
  index: number;
  provider: number;
  startedAt: Date;
  endedAt: Date;
  day: string;
  minutes: number;
  post: 'single' | 'bulk';
  /** Minutes after the amendment, or null when not amended. */
  amendTo: number | null;
  id?: string;
}

interface Provider {
  index: number;
  email: string;
  id: string;
  token: string;
  groupId: string;
  workOrderId: string;
}

interface Counters {
  requests: number;
  retries: number;
  /** Retries that had to give up a key left pending by a killed gateway and go on with a new one after checking the state. */
  newKeys: number;
  connectionErrors: number;
  serverErrors: number;
  alreadyDone: number;
  duplicateStartsRemoved: number;
}

interface Totals {
  sessions: number;
  posted: number;
  single: number;
  bulk: number;
  bulkRequests: number;
  amended: number;
  payLines: number;
  payPayments: number;
  payReversals: number;
  payNetMinutes: number;
  payNetCents: number;
  decisions: number;
  billLines: number;
  billCharges: number;
  billReversals: number;
  billAdjustments: number;
  billNetMinutes: number;
  billNetUnits: number;
}

interface PhaseResult {
  phase: string;
  replicas: number;
  workloadSeconds: number;
  convergeSeconds: number;
  /** Versions the reconciler republished during the phase, by the session-log replicas' counters (a killed one's read just before the kill). */
  republished: number;
  counters: Counters;
  expected: Totals;
  actual: Totals;
  perProvider: { provider: number; expectedCents: number; actualCents: number; expectedMinutes: number; actualMinutes: number; lines: number }[];
  perPeriod: { period: string; lines: number; netCents: number; netMinutes: number }[];
  faults: string[];
  problems: string[];
}

// ---------------------------------------------------------------------------
// Infrastructure of the bench's own: a PostgreSQL cluster and a Redis.

class Infrastructure {
  readonly dir = mkdtempSync(join(tmpdir(), 'sl-faults-'));
  readonly pgData = join(this.dir, 'pg');
  readonly pgSocket = join(this.dir, 'sock');
  readonly redisDir = join(this.dir, 'redis');
  readonly logs = join(this.dir, 'logs');
  pgPort = 0;
  redisPort = 0;
  private redis?: ChildProcess;
  private pgBin = '';

  async start(): Promise<void> {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    this.pgBin = join('/usr/lib/postgresql', versions[0], 'bin');
    this.pgPort = await freePort();
    this.redisPort = await freePort();
    for (const dir of [this.pgData, this.pgSocket, this.redisDir, this.logs]) mkdirSync(dir, { recursive: true });
    chmodSync(this.dir, 0o755);
    // initdb refuses to run as root: the cluster belongs to the postgres account, as a packaged one does.
    const asPostgres = process.getuid?.() === 0;
    if (asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(this.pgData, uid, gid);
      chownSync(this.pgSocket, uid, gid);
    }
    this.pg(['initdb', '-D', this.pgData, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    this.pgStart();
    execFileSync('psql', ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres', '-d', 'postgres', '-qc', 'create database sessionledger'], { stdio: 'pipe' });
    await this.redisStart();
  }

  private pg(args: string[]): string {
    const [tool, ...rest] = args;
    const command = join(this.pgBin, tool);
    const asRoot = process.getuid?.() === 0;
    return execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...rest] : rest, { stdio: 'pipe', cwd: '/tmp' }).toString();
  }

  private pgOptions(): string {
    return `-p ${this.pgPort} -k ${this.pgSocket} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=on -c synchronous_commit=on`;
  }

  pgStart(): void {
    this.pg(['pg_ctl', '-D', this.pgData, '-o', this.pgOptions(), '-l', join(this.pgSocket, 'postgres.log'), '-w', '-t', '60', 'start']);
  }

  pgRestart(): void {
    this.pg(['pg_ctl', '-D', this.pgData, '-o', this.pgOptions(), '-l', join(this.pgSocket, 'postgres.log'), '-m', 'fast', '-w', '-t', '60', 'restart']);
  }

  async redisStart(): Promise<void> {
    const log = openSync(join(this.logs, 'redis.log'), 'a');
    this.redis = spawn(
      'redis-server',
      ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', this.redisDir],
      { stdio: ['ignore', log, log] },
    );
    await waitUntil(async () => this.redisCli(['PING']).trim() === 'PONG', 20_000, 'Redis did not answer PING');
  }

  redisCli(args: string[]): string {
    try {
      return execFileSync('redis-cli', ['-p', String(this.redisPort), ...args], { stdio: 'pipe', timeout: 10_000 }).toString();
    } catch {
      return '';
    }
  }

  /** SHUTDOWN flushes the append-only file; the new server replays it. */
  async redisRestart(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.redis!.once('exit', () => resolve()));
    this.redisCli(['SHUTDOWN']);
    await exited;
    await this.redisStart();
  }

  stopPostgresNow(): void {
    try {
      if (this.pgBin) this.pg(['pg_ctl', '-D', this.pgData, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
  }

  async stop(keep: boolean): Promise<void> {
    if (this.redis && this.redis.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.redis!.once('exit', () => resolve()));
      this.redis.kill('SIGKILL');
      await exited;
    }
    try {
      this.pg(['pg_ctl', '-D', this.pgData, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }

  get migrationUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.pgPort}/sessionledger`;
  }

  appUrl(app: App): string {
    return `postgres://sl_${app.replace('-', '_')}@127.0.0.1:${this.pgPort}/sessionledger`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }
}

// ---------------------------------------------------------------------------
// The apps, each replica its own process on its own ports.

class Replica {
  child?: ChildProcess;
  starts = 0;
  constructor(
    readonly app: App,
    readonly index: number,
    readonly httpPort: number,
    readonly metricsPort: number,
    readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {}

  get name(): string {
    return `${this.app}#${this.index + 1}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const log = openSync(join(this.logDir, `${this.app}-${this.index + 1}.log`), 'a');
    this.child = spawn(process.execPath, [entry(this.app), 'serve'], { env: this.env, stdio: ['ignore', log, log], cwd: ROOT });
    this.starts += 1;
  }

  async ready(timeoutMs = 120_000): Promise<void> {
    await waitUntil(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited (${this.child?.exitCode ?? this.child?.signalCode}); see ${this.logDir}`);
        try {
          const response = await fetch(`http://127.0.0.1:${this.httpPort}/health/ready`, { signal: AbortSignal.timeout(2_000) });
          return response.status === 200;
        } catch {
          return false;
        }
      },
      timeoutMs,
      `${this.name} was not ready within ${timeoutMs / 1000} s`,
    );
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child!.once('exit', () => resolve()));
    this.child!.kill(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** session_versions_republished_total of the running session-log replicas (a counter since each one's last start). */
async function republished(replicas: Map<App, Replica[]>, only?: Replica): Promise<number> {
  let total = 0;
  for (const replica of replicas.get('session-log')!.filter((r) => r.running && (!only || r === only))) {
    try {
      const text = await (await fetch(`http://127.0.0.1:${replica.metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      for (const line of text.split('\n')) if (line.startsWith('session_versions_republished_total')) total += Number(line.split(' ').pop());
    } catch {
      // not answering: counted as none
    }
  }
  return total;
}

function entry(app: App): string {
  return join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
}

async function makeReplicas(infra: Infrastructure): Promise<Map<App, Replica[]>> {
  const shared = {
    ...process.env,
    NODE_ENV: 'production',
    HTTP_HOST: '127.0.0.1',
    METRICS_HOST: '127.0.0.1',
    OPS_DASHBOARD_HOST: '127.0.0.1',
    MIGRATION_DATABASE_URL: infra.migrationUrl,
    REDIS_URL: infra.redisUrl,
    REDIS_PREFIX: 'sl',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SSO_SECRET_KEY: randomBytes(32).toString('base64'),
    RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
    RECONCILE_GRACE_MS: String(RECONCILE_GRACE_MS),
    // Every request comes from 127.0.0.1.
    LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    DATABASE_POOL_MAX: '6',
    SHUTDOWN_GRACE_MS: '5000',
    LOG_LEVEL: 'warn',
    MAIL_DIR: join(infra.dir, 'mail'),
    API_DOCS_ENABLED: 'false',
  };
  mkdirSync(join(infra.dir, 'mail'), { recursive: true });
  const replicas = new Map<App, Replica[]>();
  for (const app of APPS) {
    const list: Replica[] = [];
    for (let index = 0; index < 2; index += 1) {
      const [http, metrics, ops] = [await freePort(), await freePort(), await freePort()];
      const env = { ...shared, DATABASE_URL: infra.appUrl(app), HTTP_PORT: String(http), METRICS_PORT: String(metrics), OPS_DASHBOARD_PORT: String(ops), PUBLIC_BASE_URL: `http://127.0.0.1:${http}` };
      list.push(new Replica(app, index, http, metrics, env, infra.logs));
    }
    replicas.set(app, list);
  }
  return replicas;
}

function runCommand(app: App, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [entry(app), ...args], { env, stdio: 'pipe', cwd: ROOT, timeout: 300_000 }).toString();
}

// ---------------------------------------------------------------------------
// The client: JSON over fetch, round-robin over the gateways, retrying with the same Idempotency-Key.

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- replies of several shapes, checked where read
}

class Client {
  private next = 0;
  counters: Counters = { requests: 0, retries: 0, newKeys: 0, connectionErrors: 0, serverErrors: 0, alreadyDone: 0, duplicateStartsRemoved: 0 };
  constructor(private readonly gateways: () => number[]) {}

  private port(): number {
    const ports = this.gateways();
    this.next = (this.next + 1) % ports.length;
    return ports[this.next];
  }

  async once(method: string, path: string, token: string | null, body?: unknown, key?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    this.counters.requests += 1;
    try {
      const response = await fetch(`http://127.0.0.1:${this.port()}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      return { status: 0, body: (error as Error).message };
    }
  }

  /**
   * A write, retried on a connection error, a 5xx or 409 IDEMPOTENCY.IN_PROGRESS
   * with the same key. A key still "in progress" after `STUCK_KEY_MS` would be
   * a claim that outlived its gateway: counted as given up ("keys given up",
   * expected 0), then `settled` tells from the session's state whether the
   * write took effect, and if not it is sent again under a new key.
   */
  async write(method: string, path: string, token: string, body: unknown, settled?: () => Promise<Answer | null>): Promise<Answer> {
    let key = randomBytes(12).toString('hex');
    const deadline = Date.now() + REQUEST_DEADLINE_MS;
    let pendingSince: number | null = null;
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.once(method, path, token, body, key);
      const inProgress = answer.status === 409 && answer.body?.code === 'IDEMPOTENCY.IN_PROGRESS';
      const transient = answer.status === 0 || answer.status >= 500 || inProgress;
      if (!transient) return answer;
      if (answer.status === 0) this.counters.connectionErrors += 1;
      else if (answer.status >= 500) this.counters.serverErrors += 1;
      if (Date.now() > deadline) return answer;
      this.counters.retries += 1;
      pendingSince = inProgress ? (pendingSince ?? Date.now()) : null;
      if (pendingSince !== null && Date.now() - pendingSince >= STUCK_KEY_MS) {
        const done = settled ? await settled() : null;
        if (done) return done;
        key = randomBytes(12).toString('hex');
        this.counters.newKeys += 1;
        pendingSince = null;
      }
      await sleep(Math.min(4_000, 250 * 2 ** Math.min(attempt, 4)));
    }
  }

  async read(path: string, token: string): Promise<Answer> {
    const deadline = Date.now() + REQUEST_DEADLINE_MS;
    for (;;) {
      const answer = await this.once('GET', path, token);
      if ((answer.status !== 0 && answer.status < 500) || Date.now() > deadline) return answer;
      this.counters.retries += 1;
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------------------
// The workload.

function localTime(day: string, hour: number, minute = 0): Date {
  // America/Chicago is UTC−6 from November to March, where every day of the workload falls (asserted in plan()).
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hour + 6, minute));
}

function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The same workload for every phase, on the phase's own days (phase 0 earliest, phase 2 ending the day before yesterday). */
function plan(phase: number): Plan[] {
  const perProvider = Math.ceil(SESSIONS / PROVIDERS);
  const daysPerPhase = Math.ceil(perProvider / SLOTS.length);
  // Three phases of days back from the day before yesterday; the district accepts entries up to 14 days back.
  const firstDay = addDays(localToday(), -2 - (3 - phase) * daysPerPhase + 1);
  if (daysPerPhase * 3 + 2 > 14) throw new Error(`FAULTS_SESSIONS / FAULTS_PROVIDERS too large: ${daysPerPhase} days per phase exceeds the 14-day entry window`);
  const plans: Plan[] = [];
  for (let index = 0; index < SESSIONS; index += 1) {
    const provider = index % PROVIDERS;
    const k = Math.floor(index / PROVIDERS);
    const day = addDays(firstDay, Math.floor(k / SLOTS.length));
    const offset = new Date(localTime(day, 12)).toLocaleString('en-US', { timeZone: TIME_ZONE, hour: 'numeric', hour12: false });
    if (offset !== '12') throw new Error(`${day} is not UTC−6 in ${TIME_ZONE}; the workload's clock arithmetic assumes winter time`);
    // Whole 5-minute steps: the adjusted duration is the clock's rounded to 5 minutes.
    const minutes = 30 + 5 * ((index * 7) % 6);
    const startedAt = localTime(day, SLOTS[k % SLOTS.length], (index * 3) % 10);
    plans.push({
      index,
      provider,
      startedAt,
      endedAt: new Date(startedAt.getTime() + minutes * 60_000),
      day,
      minutes,
      post: index % 3 === 0 ? 'single' : 'bulk',
      amendTo: index % 4 === 1 ? minutes - (index % 8 === 1 ? 10 : 5) : null,
    });
  }
  return plans;
}

async function runSession(client: Client, provider: Provider, p: Plan): Promise<void> {
  const token = provider.token;
  const startBody = {
    service: 'tutoring',
    groupId: provider.groupId,
    workOrderId: provider.workOrderId,
    startedAt: p.startedAt.toISOString(),
    description: `Fractions, session ${p.index}`,
  };
  let session: SessionReply | null = null;
  while (!session) {
    const started = await client.write('POST', '/api/sessions', token, startBody, async () => null);
    if (started.status === 201) session = started.body as SessionReply;
    else if (started.status === 409 && started.body?.code === 'SESSION.ALREADY_ACTIVE') {
      // A start retried after its first attempt took effect, or a start run twice by the bus.
      const activeId = started.body?.details?.activeSessionId as string;
      const active = await client.read(`/api/sessions/${activeId}`, token);
      if (active.status !== 200) throw new Error(`active session ${activeId} answered ${active.status}`);
      if (new Date(active.body.startedAt).getTime() === p.startedAt.getTime()) {
        session = active.body as SessionReply;
        client.counters.alreadyDone += 1;
      } else {
        const removed = await client.write('DELETE', `/api/sessions/${activeId}`, token, undefined);
        if (removed.status !== 200 && removed.status !== 204 && removed.status !== 404) throw new Error(`deleting stray active session answered ${removed.status}`);
        client.counters.duplicateStartsRemoved += 1;
      }
    } else throw new Error(`start of session ${p.index} answered ${started.status}: ${JSON.stringify(started.body).slice(0, 300)}`);
  }
  p.id = session.id;
  const reread = async (): Promise<SessionReply> => {
    const answer = await client.read(`/api/sessions/${session!.id}`, token);
    if (answer.status !== 200) throw new Error(`GET session ${session!.id} answered ${answer.status}`);
    return answer.body as SessionReply;
  };

  for (const participant of session.participants) {
    if (participant.attendanceStatus === 'attended') continue;
    const path = `/api/sessions/${session.id}/participants/${participant.id}`;
    const change = { present: true, attendanceStatus: 'attended', qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] }, studentNote: NOTE };
    const settled = async (): Promise<Answer | null> => {
      const now = (await reread()).participants.find((x) => x.id === participant.id);
      return now?.attendanceStatus === 'attended' ? { status: 200, body: now } : null;
    };
    let answer = await client.write('PATCH', path, token, { version: participant.version, ...change }, settled);
    if (answer.status === 409) {
      // Applied by an attempt whose answer was lost, or by a bus command run twice: the participant shows it.
      const done = await settled();
      if (!done) {
        const fresh = (await reread()).participants.find((x) => x.id === participant.id)!;
        answer = await client.write('PATCH', path, token, { version: fresh.version, ...change }, settled);
      } else {
        client.counters.alreadyDone += 1;
        answer = done;
      }
    }
    if (answer.status !== 200) throw new Error(`participant of session ${p.index} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }

  const endSettled = async (): Promise<Answer | null> => {
    const now = await reread();
    return now.state === 'ended' ? { status: 200, body: now } : null;
  };
  let current = await reread();
  if (current.state !== 'ended') {
    const ended = await client.write('POST', `/api/sessions/${session.id}/end`, token, { version: current.version, endedAt: p.endedAt.toISOString() }, endSettled);
    if (ended.status === 409) {
      if (!(await endSettled())) throw new Error(`end of session ${p.index} answered 409: ${JSON.stringify(ended.body).slice(0, 300)}`);
      client.counters.alreadyDone += 1;
    } else if (ended.status !== 200) throw new Error(`end of session ${p.index} answered ${ended.status}: ${JSON.stringify(ended.body).slice(0, 300)}`);
    current = await reread();
  }
  if (current.adjustedMinutes !== p.minutes) throw new Error(`session ${p.index} ended with ${current.adjustedMinutes} adjusted minutes, planned ${p.minutes}`);

  if (p.post === 'single') await postOne(client, provider, p, reread);
}

async function postOne(client: Client, provider: Provider, p: Plan, reread: () => Promise<SessionReply>): Promise<void> {
  const settled = async (): Promise<Answer | null> => ((await reread()).posted ? { status: 200, body: null } : null);
  const posted = await client.write('POST', `/api/sessions/${p.id}/post`, provider.token, { password: PASSWORD }, settled);
  if (posted.status === 409 && posted.body?.code === 'SESSION.ALREADY_POSTED') client.counters.alreadyDone += 1;
  else if (posted.status !== 200) throw new Error(`post of session ${p.index} answered ${posted.status}: ${JSON.stringify(posted.body).slice(0, 300)}`);
}

async function runProvider(client: Client, provider: Provider, plans: Plan[], tally: { bulkRequests: number }): Promise<void> {
  const mine = plans.filter((p) => p.provider === provider.index);
  for (const p of mine) await runSession(client, provider, p);
  const bulk = mine.filter((p) => p.post === 'bulk');
  if (bulk.length > 0) {
    const from = bulk[0].day;
    const to = bulk[bulk.length - 1].day;
    // A bulk post interrupted by a fault posted some of the range: sent again, it posts the rest.
    for (let round = 0; ; round += 1) {
      const answer = await client.write('POST', '/api/sessions/bulk-post', provider.token, { password: PASSWORD, from, to });
      tally.bulkRequests += 1;
      if (answer.status !== 200) throw new Error(`bulk post answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      const unposted: string[] = [];
      for (const p of bulk) {
        const now = await client.read(`/api/sessions/${p.id}`, provider.token);
        if (!now.body?.posted) unposted.push(p.id!);
      }
      if (unposted.length === 0) break;
      if (round >= 5) throw new Error(`bulk post left ${unposted.length} sessions unposted after ${round + 1} requests`);
      await sleep(2_000);
    }
  }
  for (const p of mine.filter((x) => x.amendTo !== null)) {
    const reread = async (): Promise<SessionReply> => (await client.read(`/api/sessions/${p.id}`, provider.token)).body as SessionReply;
    const settled = async (): Promise<Answer | null> => (((await reread()).posted?.version ?? 0) >= 2 ? { status: 200, body: null } : null);
    const body = { password: PASSWORD, basedOnVersion: 1, reason: 'Left early: minutes corrected', changes: { adjustedMinutes: p.amendTo } };
    const answer = await client.write('POST', `/api/sessions/${p.id}/amendments`, provider.token, body, settled);
    if (answer.status === 409 && (await settled())) client.counters.alreadyDone += 1;
    else if (answer.status !== 200) throw new Error(`amendment of session ${p.index} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}

async function runWorkload(client: Client, providers: Provider[], plans: Plan[]): Promise<{ bulkRequests: number }> {
  const tally = { bulkRequests: 0 };
  await Promise.all(providers.map((provider) => runProvider(client, provider, plans, tally)));
  return tally;
}

// ---------------------------------------------------------------------------
// Expected values and the check against payroll's rows.

const halfUp = (minutes: number) => Math.floor((2 * RATE_CENTS * minutes + 60) / 120);
const cms8Units = (minutes: number) => (minutes < 8 ? 0 : Math.floor((minutes + 7) / 15));

function expectedTotals(plans: Plan[]): Totals {
  const amended = plans.filter((p) => p.amendTo !== null).length;
  const final = (p: Plan) => p.amendTo ?? p.minutes;
  const dayMinutes = new Map<string, number>();
  for (const p of plans) dayMinutes.set(`${p.provider} ${p.day}`, (dayMinutes.get(`${p.provider} ${p.day}`) ?? 0) + final(p));
  return {
    sessions: plans.length,
    posted: plans.length,
    single: plans.filter((p) => p.post === 'single').length,
    bulk: plans.filter((p) => p.post === 'bulk').length,
    bulkRequests: 0,
    amended,
    payLines: plans.length + 2 * amended,
    payPayments: plans.length + amended,
    payReversals: amended,
    payNetMinutes: plans.reduce((sum, p) => sum + final(p), 0),
    payNetCents: plans.reduce((sum, p) => sum + halfUp(final(p)), 0),
    decisions: plans.length + amended,
    billLines: -1,
    billCharges: STUDENTS_PER_GROUP * (plans.length + amended),
    billReversals: STUDENTS_PER_GROUP * amended,
    billAdjustments: -1,
    billNetMinutes: STUDENTS_PER_GROUP * plans.reduce((sum, p) => sum + final(p), 0),
    billNetUnits: STUDENTS_PER_GROUP * [...dayMinutes.values()].reduce((sum, m) => sum + cms8Units(m), 0),
  };
}

async function check(db: Pool, plans: Plan[], providers: Provider[], tally: { bulkRequests: number }): Promise<Omit<PhaseResult, 'phase' | 'replicas' | 'workloadSeconds' | 'convergeSeconds' | 'republished' | 'counters' | 'faults'>> {
  const ids = plans.map((p) => p.id!);
  const expected = { ...expectedTotals(plans), bulkRequests: tally.bulkRequests };
  const problems: string[] = [];
  const q = async <T extends object>(sql: string): Promise<T[]> => (await db.query<T>(sql, [ids])).rows;
  const posted = await q<{ id: string; posted_version: number | null }>(`select id, posted_version from session_log.session where id = any($1::uuid[])`);
  const postedById = new Map(posted.map((r) => [r.id, r.posted_version]));
  const pay = await q<{ session_id: string; payments: number; reversals: number; lines: number; net_minutes: number; net_cents: number; max_version: number }>(
    `select session_id, count(*) filter (where kind = 'payment')::int as payments, count(*) filter (where kind = 'reversal')::int as reversals, count(*)::int as lines,
            coalesce(sum(minutes), 0)::int as net_minutes, coalesce(sum(amount_cents), 0)::int as net_cents,
            max(session_version)::int as max_version
       from payroll.pay_line where session_id = any($1::uuid[]) group by session_id`,
  );
  const payById = new Map(pay.map((r) => [r.session_id, r]));
  const decisions = await q<{ session_id: string; decisions: number; distinct_versions: number }>(
    `select session_id, count(*)::int as decisions, count(distinct session_version)::int as distinct_versions from payroll.pay_decision where session_id = any($1::uuid[]) group by session_id`,
  );
  const decisionsById = new Map(decisions.map((r) => [r.session_id, r]));
  const bill = await q<{ kind: string; lines: number; minutes: number; units: number }>(
    `select kind, count(*)::int as lines, coalesce(sum(minutes), 0)::int as minutes, coalesce(sum(units), 0)::int as units
       from payroll.billable_line where session_id = any($1::uuid[]) group by kind`,
  );
  const billKind = (kind: string) => bill.find((b) => b.kind === kind) ?? { lines: 0, minutes: 0, units: 0 };
  const perProvider = await q<{ provider_id: string; cents: number; minutes: number; lines: number }>(
    `select provider_id, coalesce(sum(amount_cents), 0)::int as cents, coalesce(sum(minutes), 0)::int as minutes, count(*)::int as lines
       from payroll.pay_line where session_id = any($1::uuid[]) group by provider_id`,
  );
  const perPeriod = await q<{ period: string; lines: number; net_cents: number; net_minutes: number }>(
    `select p.starts_on::text || '…' || p.ends_on::text as period, count(*)::int as lines, coalesce(sum(l.amount_cents), 0)::int as net_cents,
            coalesce(sum(l.minutes), 0)::int as net_minutes
       from payroll.pay_line l join payroll.pay_period p on p.id = l.period_id where l.session_id = any($1::uuid[]) group by p.starts_on, p.ends_on order by p.starts_on`,
  );

  for (const p of plans) {
    const versions = p.amendTo === null ? 1 : 2;
    const final = p.amendTo ?? p.minutes;
    const version = postedById.get(p.id!);
    if (version == null) problems.push(`session ${p.index} (${p.id}) is not posted in session-log (lost post)`);
    else if (version !== versions) problems.push(`session ${p.index} (${p.id}) is at posted version ${version}, expected ${versions}`);
    const line = payById.get(p.id!);
    if (!line) problems.push(`session ${p.index} (${p.id}) has no pay line`);
    else if (line.payments !== versions || line.reversals !== versions - 1) problems.push(`session ${p.index} (${p.id}) has ${line.payments} payments and ${line.reversals} reversals, expected ${versions} and ${versions - 1}`);
    else if (line.net_cents !== halfUp(final) || line.net_minutes !== final) problems.push(`session ${p.index} (${p.id}) nets ${line.net_cents} c for ${line.net_minutes} min, expected ${halfUp(final)} c for ${final} min`);
    const decision = decisionsById.get(p.id!);
    if (!decision || decision.decisions !== versions || decision.distinct_versions !== versions) problems.push(`session ${p.index} (${p.id}) has ${decision?.decisions ?? 0} pay decisions, expected ${versions}`);
  }
  // A start run twice (a retried request, a bus command redelivered) would leave a second session at the same time.
  const starts = plans.map((p) => p.startedAt.toISOString());
  const [{ extra }] = (
    await db.query<{ extra: number }>(`select count(*)::int as extra from session_log.session where not (id = any($1::uuid[])) and started_at = any($2::timestamptz[])`, [ids, starts])
  ).rows;
  if (extra > 0) problems.push(`${extra} sessions besides the workload's were started at the workload's times (a start applied twice)`);
  // Units per student and day, not only in total: a day given a unit too many and another one too few would net to the same total.
  const byDay = await q<{ session_id: string; student_id: string; session_date: string; units: number }>(
    `select session_id, student_id, session_date::text, coalesce(sum(units), 0)::int as units from payroll.billable_line where session_id = any($1::uuid[]) group by 1, 2, 3`,
  );
  const planById = new Map(plans.map((p) => [p.id!, p]));
  const dayMinutes = new Map<string, number>();
  for (const p of plans) dayMinutes.set(`${p.provider} ${p.day}`, (dayMinutes.get(`${p.provider} ${p.day}`) ?? 0) + (p.amendTo ?? p.minutes));
  const studentDays = new Map<string, { units: number; expected: number }>();
  for (const row of byDay) {
    const p = planById.get(row.session_id)!;
    const key = `${row.student_id} ${row.session_date}`;
    const entry = studentDays.get(key) ?? { units: 0, expected: cms8Units(dayMinutes.get(`${p.provider} ${row.session_date}`) ?? 0) };
    entry.units += row.units;
    studentDays.set(key, entry);
  }
  for (const [key, entry] of studentDays) {
    if (entry.units !== entry.expected) problems.push(`student and day ${key}: ${entry.units} units billed net, expected ${entry.expected}`);
  }
  if (studentDays.size !== dayMinutes.size * STUDENTS_PER_GROUP) problems.push(`${studentDays.size} student-days billed, expected ${dayMinutes.size * STUDENTS_PER_GROUP}`);
  const charges = billKind('charge');
  const reversals = billKind('reversal');
  const adjustments = billKind('adjustment');
  const actual: Totals = {
    sessions: plans.filter((p) => p.id).length,
    posted: posted.filter((r) => r.posted_version != null).length,
    single: expected.single,
    bulk: expected.bulk,
    bulkRequests: tally.bulkRequests,
    amended: posted.filter((r) => (r.posted_version ?? 0) >= 2).length,
    payLines: pay.reduce((s, r) => s + r.lines, 0),
    payPayments: pay.reduce((s, r) => s + r.payments, 0),
    payReversals: pay.reduce((s, r) => s + r.reversals, 0),
    payNetMinutes: pay.reduce((s, r) => s + r.net_minutes, 0),
    payNetCents: pay.reduce((s, r) => s + r.net_cents, 0),
    decisions: decisions.reduce((s, r) => s + r.decisions, 0),
    billLines: charges.lines + reversals.lines + adjustments.lines,
    billCharges: charges.lines,
    billReversals: reversals.lines,
    billAdjustments: adjustments.lines,
    billNetMinutes: charges.minutes + reversals.minutes,
    billNetUnits: charges.units + reversals.units + adjustments.units,
  };
  for (const key of Object.keys(expected) as (keyof Totals)[]) {
    if (expected[key] >= 0 && expected[key] !== actual[key]) problems.push(`${key}: ${actual[key]}, expected ${expected[key]}`);
  }
  const rows = providers.map((provider) => {
    const mine = plans.filter((p) => p.provider === provider.index);
    const got = perProvider.find((r) => r.provider_id === provider.id);
    return {
      provider: provider.index,
      expectedCents: mine.reduce((s, p) => s + halfUp(p.amendTo ?? p.minutes), 0),
      actualCents: got?.cents ?? 0,
      expectedMinutes: mine.reduce((s, p) => s + (p.amendTo ?? p.minutes), 0),
      actualMinutes: got?.minutes ?? 0,
      lines: got?.lines ?? 0,
    };
  });
  for (const row of rows) {
    if (row.expectedCents !== row.actualCents || row.expectedMinutes !== row.actualMinutes) {
      problems.push(`provider ${row.provider}: ${row.actualCents} c / ${row.actualMinutes} min, expected ${row.expectedCents} c / ${row.expectedMinutes} min`);
    }
  }
  return {
    expected,
    actual,
    perProvider: rows,
    perPeriod: perPeriod.map((r) => ({ period: r.period, lines: r.lines, netCents: r.net_cents, netMinutes: r.net_minutes })),
    problems,
  };
}

/** Waits until the check passes (or the time is up), then checks a last time after a few reconciler passes, so a late duplicate would show. */
async function converge(db: Pool, plans: Plan[], providers: Provider[], tally: { bulkRequests: number }): Promise<{ seconds: number; result: Awaited<ReturnType<typeof check>> }> {
  const started = performance.now();
  let result = await check(db, plans, providers, tally);
  while (result.problems.length > 0 && performance.now() - started < CONVERGE_MS) {
    await sleep(1_000);
    result = await check(db, plans, providers, tally).catch((error: unknown) => ({ ...result, problems: [`check failed: ${(error as Error).message}`] }));
  }
  const seconds = (performance.now() - started) / 1000;
  if (result.problems.length === 0) {
    await sleep(3 * RECONCILE_INTERVAL_MS + RECONCILE_GRACE_MS);
    result = await check(db, plans, providers, tally);
  }
  return { seconds, result };
}

// ---------------------------------------------------------------------------

async function main(): Promise<number> {
  const began = performance.now();
  // A fresh clone has no build: the five apps are compiled (as `npm run build` does, less the web app). An existing build is used as it is.
  for (const app of APPS) {
    if (!existsSync(entry(app))) {
      console.log(`building ${app} (dist/apps/${app} is missing)`);
      execFileSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'inherit' });
    }
  }
  if (SESSIONS < PROVIDERS || PROVIDERS < 1) throw new Error('FAULTS_SESSIONS must be at least FAULTS_PROVIDERS (≥ 1)');
  const infra = new Infrastructure();
  const keep = process.env.FAULTS_KEEP === '1';
  let replicas = new Map<App, Replica[]>();
  let db: Pool | undefined;
  let passed = false;
  const stopAll = async () => {
    await Promise.all([...replicas.values()].flat().map((r) => r.kill('SIGTERM')));
    await db?.end().catch(() => undefined);
    await infra.stop(keep || !passed);
  };
  // Whatever ends the bench, its PostgreSQL must not outlive it (the apps and Redis are its children).
  process.once('exit', () => infra.stopPostgresNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the apps, PostgreSQL and Redis of ${infra.dir}`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  try {
    await infra.start();
    console.log(`PostgreSQL on ${infra.pgPort} and Redis (appendonly, fsync always) on ${infra.redisPort}, data and logs in ${infra.dir}`);
    replicas = await makeReplicas(infra);
    const envOf = (app: App) => replicas.get(app)![0].env;
    for (const app of APPS) runCommand(app, ['migrate'], envOf(app));
    const adminEmail = 'admin@faults.sessionledger.test';
    runCommand('gateway', ['create-district', '--name', 'Faults District', '--time-zone', TIME_ZONE, '--admin-email', adminEmail], { ...envOf('gateway'), ADMIN_PASSWORD: PASSWORD });
    db = new Pool({ connectionString: infra.migrationUrl, max: 2 });
    db.on('error', () => undefined);

    const up = async (index: number) => {
      for (const app of APPS) replicas.get(app)![index].start();
      for (const app of APPS) await replicas.get(app)![index].ready();
    };
    await up(0);
    const gatewayPorts = () => {
      const running = replicas.get('gateway')!.filter((r) => r.running).map((r) => r.httpPort);
      return running.length > 0 ? running : replicas.get('gateway')!.map((r) => r.httpPort);
    };
    const client = new Client(gatewayPorts);
    const providers = await setUp(client, db, adminEmail);
    console.log(`setup ${((performance.now() - began) / 1000).toFixed(0)} s: migrated, district by create-district, ${PROVIDERS} providers with ${STUDENTS_PER_GROUP} students each; ${SESSIONS} sessions per phase\n`);

    const results: PhaseResult[] = [];
    const counted = { republishedByKilled: 0 };
    const phase = async (name: string, index: number, replicaCount: number, faults?: (workload: Promise<unknown>) => Promise<string[]>): Promise<PhaseResult> => {
      counted.republishedByKilled = 0;
      client.counters = { requests: 0, retries: 0, newKeys: 0, connectionErrors: 0, serverErrors: 0, alreadyDone: 0, duplicateStartsRemoved: 0 };
      const plans = plan(index);
      const republishedBefore = await republished(replicas);
      // Access tokens live 15 minutes at most: each phase signs its providers in afresh.
      for (const provider of providers) provider.token = await signInAs(client, provider.email);
      const started = performance.now();
      const workload = runWorkload(client, providers, plans);
      const faultLog = faults ? await faults(workload) : [];
      const tally = await workload;
      const workloadSeconds = (performance.now() - started) / 1000;
      const { seconds, result } = await converge(db!, plans, providers, tally);
      const republishedNow = await republished(replicas);
      // A restarted replica starts its counter again from 0: the count it had when killed is added back.
      const phaseResult: PhaseResult = {
        phase: name,
        replicas: replicaCount,
        workloadSeconds,
        convergeSeconds: seconds,
        republished: republishedNow + counted.republishedByKilled - republishedBefore,
        counters: { ...client.counters },
        faults: faultLog,
        ...result,
      };
      printPhase(phaseResult);
      results.push(phaseResult);
      return phaseResult;
    };

    await phase('A', 0, 1);
    await up(1);
    const b = await phase('B', 1, 2);
    await phase('C', 2, 2, (workload) => injectFaults(infra, replicas, workload, b.workloadSeconds, counted));

    const problems = results.flatMap((r) => r.problems.map((p) => `${r.phase}: ${p}`));
    // Same workload, same money: A, B and C against each other as well as against the expectation.
    for (const key of ['payLines', 'payNetCents', 'payNetMinutes', 'billCharges', 'billReversals', 'billNetMinutes', 'billNetUnits', 'decisions'] as const) {
      const values = results.map((r) => r.actual[key]);
      if (new Set(values).size !== 1) problems.push(`${key} differs between phases: ${results.map((r) => `${r.phase} ${r.actual[key]}`).join(', ')}`);
    }
    printSummary(results);
    passed = problems.length === 0;
    writeResult(ROOT, 'faults', { machine: machine(ROOT), sessionsPerPhase: SESSIONS, providers: PROVIDERS, results, problems, passed, seconds: (performance.now() - began) / 1000 });
    if (!passed) for (const problem of problems.slice(0, 40)) console.log(`PROBLEM ${problem}`);
    console.log(`\n${passed ? 'PASS' : 'FAIL'}: ${results.length} phases, ${SESSIONS} sessions each, ${((performance.now() - began) / 1000).toFixed(0)} s in all${passed ? '' : `; logs and data kept in ${infra.dir}`}`);
    return passed ? 0 : 1;
  } finally {
    await stopAll();
  }
}

async function signInAs(client: Client, email: string): Promise<string> {
  const answer = await client.write('POST', '/api/auth/login', '', { email, password: PASSWORD });
  if (answer.status !== 200) throw new Error(`sign-in of ${email} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.accessToken as string;
}

async function setUp(client: Client, db: Pool, adminEmail: string): Promise<Provider[]> {
  const signIn = (email: string) => signInAs(client, email);
  const admin = await signIn(adminEmail);
  const created = async (path: string, body: unknown) => {
    const answer = await client.write('POST', path, admin, body);
    if (answer.status !== 201) throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body as { id: string };
  };
  const school = await created('/api/schools', { name: 'Faults Elementary', stateSchoolCode: '0042-1001' });
  const providers: Provider[] = [];
  for (let index = 0; index < PROVIDERS; index += 1) {
    const email = `tutor-${index + 1}@faults.sessionledger.test`;
    const user = await created('/api/staff', { email, firstName: 'Terry', lastName: `Tutor ${index + 1}`, roles: ['provider'], providerKind: 'tutor', schoolIds: [school.id], password: PASSWORD });
    const students: string[] = [];
    for (let s = 0; s < STUDENTS_PER_GROUP; s += 1) {
      students.push((await created('/api/students', { localId: `F${index}-${s}`, firstName: 'Stu', lastName: `Dent ${index}-${s}`, grade: '05', schoolId: school.id })).id);
    }
    const group = await created('/api/groups', { name: `Group ${index + 1}`, schoolId: school.id, providerId: user.id, studentIds: students });
    const workOrder = await created('/api/work-orders', { type: 'tutoring', providerId: user.id, schoolId: school.id, payRateCents: RATE_CENTS, validFrom: '2020-01-01', validTo: '2099-12-31' });
    providers.push({ index, email, id: user.id, token: await signIn(email), groupId: group.id, workOrderId: workOrder.id });
  }
  // Payroll must know every work order (and session-log the school) before the first post, or the first decisions would say "unknown work order".
  await waitUntil(
    async () => {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from payroll.work_order`);
      return rows[0].n >= PROVIDERS;
    },
    60_000,
    'payroll did not receive the work orders',
  );
  return providers;
}

/**
 * One replica of each app SIGKILLed and restarted in turn, then PostgreSQL
 * restarted (fast) and Redis (SHUTDOWN, AOF), spread over the time phase B's
 * workload took, while phase C's runs.
 */
async function injectFaults(
  infra: Infrastructure,
  replicas: Map<App, Replica[]>,
  workload: Promise<unknown>,
  expectedSeconds: number,
  counted: { republishedByKilled: number },
): Promise<string[]> {
  let finished = false;
  void workload.finally(() => (finished = true)).catch(() => undefined);
  const faults: string[] = [];
  const steps = APPS.length + 2;
  const spacing = Math.max(2_000, (expectedSeconds * 1000 * 0.8) / (steps + 1));
  const started = performance.now();
  const at = () => `${((performance.now() - started) / 1000).toFixed(1)} s${finished ? ' (after the load)' : ''}`;
  const restarting: Promise<void>[] = [];
  for (const [i, app] of APPS.entries()) {
    await sleep(spacing);
    const victim = replicas.get(app)![i % 2];
    // Its counter dies with it: read just before, so the phase's count keeps what it had republished.
    if (app === 'session-log') counted.republishedByKilled += await republished(replicas, victim);
    await victim.kill('SIGKILL');
    faults.push(`${at()}: SIGKILL ${victim.name}`);
    victim.start();
    restarting.push(victim.ready());
  }
  await sleep(spacing);
  infra.pgRestart();
  faults.push(`${at()}: PostgreSQL restarted (pg_ctl restart -m fast)`);
  await sleep(spacing);
  await infra.redisRestart();
  faults.push(`${at()}: Redis restarted (SHUTDOWN, AOF replayed)`);
  await Promise.all(restarting);
  faults.push(`${at()}: every killed replica ready again`);
  return faults;
}

function printPhase(r: PhaseResult): void {
  console.log(
    `phase ${r.phase} (${r.replicas} replica${r.replicas > 1 ? 's' : ''} of each app): workload ${r.workloadSeconds.toFixed(1)} s, converged in ${r.convergeSeconds.toFixed(1)} s; ` +
      `${r.counters.requests} requests, ${r.counters.retries} retries (${r.counters.connectionErrors} connection errors, ${r.counters.serverErrors} 5xx, ${r.counters.newKeys} keys given up), ` +
      `${r.counters.alreadyDone} writes found already applied, ${r.counters.duplicateStartsRemoved} duplicate starts removed; ${r.problems.length} problems`,
  );
  for (const fault of r.faults) console.log(`  fault ${fault}`);
  for (const problem of r.problems.slice(0, 10)) console.log(`  problem: ${problem}`);
  console.log(table(['period', 'pay lines', 'net minutes', 'net cents'], r.perPeriod.map((p) => [p.period, p.lines, p.netMinutes, p.netCents])));
  console.log('');
}

function printSummary(results: PhaseResult[]): void {
  const rows: [string, keyof Totals][] = [
    ['sessions', 'sessions'],
    ['posted', 'posted'],
    ['  posted one by one', 'single'],
    ['  posted by bulk post', 'bulk'],
    ['bulk-post requests', 'bulkRequests'],
    ['amended', 'amended'],
    ['pay decisions', 'decisions'],
    ['pay lines', 'payLines'],
    ['  payments', 'payPayments'],
    ['  reversals', 'payReversals'],
    ['pay net minutes', 'payNetMinutes'],
    ['pay net cents', 'payNetCents'],
    ['billable lines', 'billLines'],
    ['  charges', 'billCharges'],
    ['  reversals', 'billReversals'],
    ['  adjustments', 'billAdjustments'],
    ['billed net minutes', 'billNetMinutes'],
    ['billed net units', 'billNetUnits'],
  ];
  console.log('Totals per phase (expected: computed from the workload; -1: not predicted)\n');
  console.log(table(['', 'expected', ...results.map((r) => `${r.phase} (${r.replicas}x)`)], rows.map(([name, key]) => [name, results[0].expected[key], ...results.map((r) => r.actual[key])])));
  console.log('');
  console.log(
    table(
      ['', ...results.map((r) => r.phase)],
      [
        ['workload s', ...results.map((r) => r.workloadSeconds.toFixed(1))],
        ['converge s', ...results.map((r) => r.convergeSeconds.toFixed(1))],
        ['republished by reconciler', ...results.map((r) => r.republished)],
        ['requests', ...results.map((r) => r.counters.requests)],
        ['retries', ...results.map((r) => r.counters.retries)],
        ['connection errors', ...results.map((r) => r.counters.connectionErrors)],
        ['5xx', ...results.map((r) => r.counters.serverErrors)],
        ['keys given up', ...results.map((r) => r.counters.newKeys)],
        ['writes already applied', ...results.map((r) => r.counters.alreadyDone)],
        ['kills + restarts', ...results.map((r) => r.faults.filter((f) => !f.includes('ready again')).length)],
        ['problems', ...results.map((r) => r.problems.length)],
      ],
    ),
  );
  console.log('\nPay per provider (net cents), expected / A / B / C\n');
  console.log(
    table(
      ['provider', 'expected', ...results.map((r) => r.phase)],
      results[0].perProvider.map((row, i) => [row.provider, row.expectedCents, ...results.map((r) => r.perProvider[i].actualCents)]),
    ),
  );
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(250);
  }
  throw new Error(message);
}

/** A free TCP port on loopback (the testing library's, without loading the apps' code into the bench). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
