import 'reflect-metadata';

import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Worker } from 'bullmq';
import type Redis from 'ioredis';
import { Environment } from '@sessionledger/config';
import { DIRECTORY_RECORD_CHANGED } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { REDIS } from '@sessionledger/platform';
import { waitFor } from '@sessionledger/testing';
import { AccessTokens } from '../apps/gateway/src/auth/access-tokens';
import { ActorLoader } from '../apps/gateway/src/auth/actor.loader';
import { LoginThrottle } from '../apps/gateway/src/auth/login-throttle';
import { ARGON2_OPTIONS, Passwords } from '../apps/gateway/src/auth/passwords';
import { MfaChallenges } from '../apps/gateway/src/auth/second-factor/mfa-challenges';
import { SecondFactors } from '../apps/gateway/src/auth/second-factor/second-factors';
import { SignInUseCase } from '../apps/gateway/src/auth/use-cases/sign-in.use-case';
import { WebhookDeliveries } from '../apps/gateway/src/webhooks/webhook-deliveries';
import { signWebhook } from '../apps/gateway/src/webhooks/webhook-signature';
import { as, createDistrict, Session, signIn, startGateway, TEST_PASSWORD } from '../apps/gateway/test/support/gateway-harness';
import { openBenchRun } from './support/bench-run';
import { httpClient, LoadLimits, LoadResult, Operation, portOf, Sample, sample, summarize } from './support/load';
import { Cell, formatNumber, machine, pct, printProgress, ratio, seconds, table, writeResult } from './support/report';

/**
 * The API's edges against the gateway's trivial round trip (`/health/live`,
 * exempt from the rate limit) measured in the same run:
 *
 * 1. what every authenticated request pays — the rate limit (a JWT verify and
 *    one Redis script), the guard (a second JWT verify, the actor's one
 *    statement with the sign-in `sid` check and the second-factor state) —
 *    as a person and as an API client; and the limiter
 *    refusing a burst at its default limit;
 * 2. issuing tokens: client credentials (SHA-256 secret) and password sign-in
 *    (argon2id), beside one argon2 verify alone;
 * 3. webhook delivery: N directory changes (one UPDATE, announced by the
 *    table's trigger) through outbox → relay → gateway consumer → BullMQ →
 *    signed POST to a receiver in this process that checks every signature,
 *    beside the same N signed POSTs sent by a plain loop.
 *
 * Everything shares one Node process and the machine's cores with PostgreSQL
 * and Redis: the ratios travel, the absolute figures do not.
 */
const ROOT = join(__dirname, '..');
const EDGE_CONCURRENCIES = [1, 8];
const EDGE_LIMITS: LoadLimits = { count: 10_000, maxMs: 2_400, warmup: 100 };
const PART_LIMITS: LoadLimits = { count: 4_000, maxMs: 600, warmup: 50 };
const TOKEN_CONCURRENCIES = [1, 4];
const TOKEN_LIMITS: LoadLimits = { count: 2_000, maxMs: 2_400, warmup: 8 };
/** Each measurement at a concurrency is taken in this many slices, interleaved with the others. */
const ROUNDS = 6;
const WEBHOOK_EVENTS = 500;
/** WebhookDeliveries' worker concurrency (WORKER_CONCURRENCY in webhook-deliveries.ts): the baseline sends as many at once. */
const WEBHOOK_CONCURRENCY = 16;
const WEBHOOK_CAP_MS = 90_000;
const CORS_ORIGIN = 'https://app.district.example';
/** The rate limit's Redis script (rate-limit.ts), run alone to price its round trip. */
const RATE_LIMIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

interface Measurement {
  id: string;
  kind: 'http' | 'part';
  name: string;
  limits: LoadLimits;
  operation: (concurrency: number) => Operation;
  /** Parts run at the first concurrency only (one caller), unless this is set: then at each, with as many callers. */
  everyConcurrency?: boolean;
}

interface Row extends LoadResult {
  id: string;
  kind: 'http' | 'part';
  name: string;
  ratioToBaseline: number;
}

interface BurstResult {
  limit: number;
  sent: number;
  concurrency: number;
  ok: number;
  refused: number;
  other: number;
  seconds: number;
  perSecond: number;
  refusedWithRetryAfter: number;
  refusedWithCorsHeader: number;
  windowTurned: boolean;
}

interface WebhookResult {
  events: number;
  concurrency: number;
  baseline: { seconds: number; perSecond: number; invalid: number };
  pipeline: {
    updateSeconds: number;
    firstArrivalSeconds: number;
    allVerifiedSeconds: number;
    allRecordedSeconds: number;
    /** The last event claimed by the relay (outbox_event.published_at), after the UPDATE began. */
    lastRelayedSeconds: number;
    /** The last delivery row written by the consumer's fan-out (webhook_delivery.created_at). */
    lastFannedOutSeconds: number;
    /** The sender's own measure of one POST (webhook_attempt.duration_ms), mean. */
    meanPostMs: number;
    perSecond: number;
    /** Both passes. */
    invalid: number;
    duplicates: number;
    deliveredRows: number;
    attempts: number;
  };
  /** A second batch with the delivery worker paused until the fan-out was done. */
  split: { fanOutAloneSeconds: number; fanOutPerSecond: number; sendAloneSeconds: number; sendPerSecond: number };
  ratioToBaseline: number;
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  try {
    const setupStarted = performance.now();
    const defaults = new Environment();
    // The test environment's rate limits (1,000,000 a minute) so the figures are cost, not refusals; the relay on, as in service.
    const gateway = await startGateway({ OUTBOX_RELAY_ENABLED: 'true', WEBHOOK_ALLOW_LOOPBACK: 'true', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000000' });
    bench.onClose(() => gateway.close());
    await gateway.listen(0, '127.0.0.1');
    const port = portOf(gateway.getHttpServer().address());

    const district = await createDistrict(gateway, WEBHOOK_EVENTS);
    const admin = await signIn(gateway, district.admin.email);
    const provider = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const providerSession = await signIn(gateway, provider.email);
    const signers = await Promise.all([0, 1, 2, 3].map(() => district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' })));
    const created = await as(gateway, admin).post('/api/api-clients').send({ name: 'Warehouse', scopes: ['read'] });
    if (created.status !== 201) throw new Error(`creating the API client answered ${created.status}: ${JSON.stringify(created.body)}`);
    const apiClient = created.body as { id: string; clientId: string; clientSecret: string };
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(apiClient.clientId)}:${encodeURIComponent(apiClient.clientSecret)}`).toString('base64')}`;
    const tokenBody = 'grant_type=client_credentials';
    const formHeaders = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };
    const firstToken = await fetchJson(port, '/api/oauth/token', tokenBody, formHeaders);
    if (firstToken.status !== 200) throw new Error(`token request answered ${firstToken.status}: ${firstToken.text}`);
    const clientToken = (JSON.parse(firstToken.text) as { access_token: string; scope: string }).access_token;
    console.log(
      `setup ${seconds(setupStarted)} s: database ${run.database}, Redis prefix ${run.redisPrefix}*, gateway in this process ` +
        `(rate limits ${formatNumber(1_000_000)}/min; relay on), ${district.schools.length} schools, API client scope read`,
    );

    // ---- 1. the per-request cost of the edge
    const tokens = gateway.get(AccessTokens);
    const actors = gateway.get(ActorLoader);
    const factors = gateway.get(SecondFactors);
    const transactions = gateway.get(TenantTransactions);
    const redis = gateway.get<Redis>(REDIS, { strict: false });
    const env = gateway.get(Environment);
    const adminClaims = await tokens.verify(admin.accessToken);
    const clientClaims = await tokens.verify(clientToken);
    if (!adminClaims.signInId || !clientClaims.client) throw new Error('expected a sign-in id in the person token and a client in the machine token');
    const school = district.schools[0].id;
    const bearer = (session: Session | string) => ({ authorization: `Bearer ${typeof session === 'string' ? session : session.accessToken}` });
    const clients = new Map<number, ReturnType<typeof httpClient>>();
    const clientAt = (concurrency: number) => {
      let client = clients.get(concurrency);
      if (!client) clients.set(concurrency, (client = httpClient(port, concurrency)));
      return client;
    };
    const http = (id: string, name: string, operation: (client: ReturnType<typeof httpClient>) => Operation): Measurement => ({
      id,
      kind: 'http',
      name,
      limits: EDGE_LIMITS,
      operation: (concurrency) => operation(clientAt(concurrency)),
    });
    const part = (id: string, name: string, operation: Operation): Measurement => ({ id, kind: 'part', name, limits: PART_LIMITS, operation: () => operation });
    let rateKey = 0;
    const edge: Measurement[] = [
      http('a', 'baseline: gateway GET /health/live', (c) => c.get('/health/live')),
      http('b', 'GET /api/me, district admin', (c) => c.get('/api/me', bearer(admin))),
      http('c', 'GET /api/me, provider', (c) => c.get('/api/me', bearer(providerSession))),
      http('d', 'GET /api/schools/:id, district admin', (c) => c.get(`/api/schools/${school}`, bearer(admin))),
      http('e', 'GET /api/schools/:id, API client token (read)', (c) => c.get(`/api/schools/${school}`, bearer(clientToken))),
      http('f', 'GET /api/me, API client token → 403 SCOPE_MISSING', (c) => c.get('/api/me', bearer(clientToken), 403)),
      part('jwt', 'JWT verify (AccessTokens.verify; twice per request)', async () => (await tokens.verify(admin.accessToken)).userId === district.admin.id),
      part('limit', "rate limit's Redis script (EVAL, one key)", async () => {
        rateKey = (rateKey + 1) % 64;
        return Number(await redis.eval(RATE_LIMIT_SCRIPT, 1, `${env.REDIS_PREFIX}:bench-ratelimit:${rateKey}`, 60_000)) > 0;
      }),
      part('tx', 'empty tenant transaction (begin, set_config, commit)', () => transactions.run(district.id, async () => true)),
      part('actor', 'ActorLoader.load with sid (person)', async () => (await actors.load(district.id, district.admin.id, adminClaims.signInId)).userId === district.admin.id),
      part('mfa', 'SecondFactors.state alone (sign-in and enrolment; per request it is read with the actor)', async () => (await factors.state(district.id, district.admin.id)).required === false),
      part('client', 'ActorLoader.loadClient (machine)', async () => (await actors.loadClient(district.id, clientClaims.client!)).client !== undefined),
    ];
    const edgeRows = await measure(edge, EDGE_CONCURRENCIES, clients);

    // The limiter working: one user's burst of twice the default limit, on a gateway with the default limits (and CORS on).
    const burst = await measureBurst(gateway, district, defaults, bench.onClose);

    // ---- 2. token issuance
    const argonHash = await argon2Hash(TEST_PASSWORD, ARGON2_OPTIONS);
    const signInUseCase = gateway.get(SignInUseCase);
    let signer = 0;
    const loginBodies = signers.map((user) => JSON.stringify({ email: user.email, password: TEST_PASSWORD }));
    const issuance: Measurement[] = [
      { ...http('a', 'baseline: gateway GET /health/live', (c) => c.get('/health/live')), limits: TOKEN_LIMITS },
      { ...http('t', 'POST /api/oauth/token (client credentials, Basic)', (c) => c.post('/api/oauth/token', tokenBody, formHeaders)), limits: TOKEN_LIMITS },
      {
        ...http('l', 'POST /api/auth/login (password, argon2id)', (c) => () => c.post('/api/auth/login', loginBodies[signer++ % loginBodies.length])()),
        limits: TOKEN_LIMITS,
      },
      // argon2 verify alone runs at each concurrency, one per caller at a time, like the sign-ins.
      {
        ...part('argon2', `argon2id verify alone (${ARGON2_OPTIONS.memoryCost} KiB, ${ARGON2_OPTIONS.timeCost} passes)`, () => argon2Verify(argonHash, TEST_PASSWORD)),
        limits: TOKEN_LIMITS,
        everyConcurrency: true,
      },
      part('usecase', 'SignInUseCase.execute: a whole sign-in without HTTP', async () => {
        const answer = await signInUseCase.execute({ email: signers[1].email, password: TEST_PASSWORD }, { address: '127.0.0.9', userAgent: 'bench' });
        return 'refreshToken' in answer;
      }),
    ];
    const tokenRows = await measure(issuance, TOKEN_CONCURRENCIES, clients);
    const signInSteps = await signInBreakdown(gateway, signers[2].email);

    // ---- 3. webhook delivery
    const webhooks = await measureWebhooks(gateway, district.id, admin, bench.onClose);

    printReport(edgeRows, burst, tokenRows, signInSteps, webhooks);
    const file = writeResult(ROOT, 'api-edge', {
      bench: 'api-edge',
      measuredAt: new Date().toISOString(),
      machine: machine(ROOT),
      limits: { edge: EDGE_LIMITS, parts: PART_LIMITS, tokens: TOKEN_LIMITS, rounds: ROUNDS, webhookEvents: WEBHOOK_EVENTS, webhookConcurrency: WEBHOOK_CONCURRENCY },
      argon2: ARGON2_OPTIONS,
      edge: edgeRows,
      burst,
      tokens: tokenRows,
      signInSteps,
      webhooks,
    });
    console.log(`\nresult: ${file}`);

    const errors = [...edgeRows, ...tokenRows].reduce((sum, row) => sum + row.errors, 0);
    const problems: string[] = [];
    if (errors > 0) problems.push(`${errors} requests or operations answered wrongly`);
    if (burst.refused === 0 || burst.other > 0 || (!burst.windowTurned && burst.ok !== burst.limit)) {
      problems.push(`the burst at the default limit of ${burst.limit} got ${burst.ok} answers, ${burst.refused} refusals and ${burst.other} other answers`);
    }
    if (webhooks.pipeline.invalid > 0 || webhooks.baseline.invalid > 0) problems.push('a webhook signature did not verify');
    if (webhooks.pipeline.deliveredRows !== 2 * WEBHOOK_EVENTS) problems.push(`${webhooks.pipeline.deliveredRows} of ${2 * WEBHOOK_EVENTS} deliveries recorded delivered`);
    if (problems.length > 0) {
      console.error(`${problems.join('; ')}: the figures above are not trustworthy`);
      return 1;
    }
    return 0;
  } finally {
    await bench.close();
  }
}

/**
 * Each measurement at each concurrency in interleaved slices; the ratio is to the
 * first measurement (the baseline) at the same concurrency. In-process parts run
 * at the first concurrency with one caller, unless marked `everyConcurrency`.
 */
async function measure(all: Measurement[], concurrencies: number[], clients: Map<number, { close(): void }>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [index, concurrency] of concurrencies.entries()) {
    const measurements = all.filter((m) => m.kind === 'http' || m.everyConcurrency || index === 0);
    const callersOf = (m: Measurement) => (m.kind === 'part' && !m.everyConcurrency ? 1 : concurrency);
    const slices = new Map<string, Sample[]>(measurements.map((m) => [m.id, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const m of measurements) {
        const warmup = round === 0 ? m.limits.warmup : 2 * callersOf(m);
        const limits = { count: Math.ceil(m.limits.count / ROUNDS), maxMs: m.limits.maxMs / ROUNDS, warmup };
        slices.get(m.id)!.push(await sample(m.operation(concurrency), callersOf(m), limits));
      }
    }
    for (const client of clients.values()) client.close();
    clients.clear();
    const baseline = summarize(concurrency, slices.get(measurements[0].id)!).perSecond;
    for (const m of measurements) {
      const result = summarize(callersOf(m), slices.get(m.id)!);
      rows.push({ id: m.id, kind: m.kind, name: m.name, ...result, ratioToBaseline: result.perSecond / baseline });
      printProgress(m.name, result);
    }
  }
  return rows;
}

/**
 * A gateway with the default limits (and CORS on, so a refusal's headers can
 * be checked as a browser sees them): a user who has made no request this
 * minute sends twice its limit of GET /api/me at c8. The window is a minute of
 * the clock; a burst that straddles its turn is reported as such.
 */
async function measureBurst(
  main: NestFastifyApplication,
  district: Awaited<ReturnType<typeof createDistrict>>,
  defaults: Environment,
  onClose: (close: () => Promise<unknown>) => void,
): Promise<BurstResult> {
  const limited = await startGateway({
    OUTBOX_RELAY_ENABLED: 'false',
    RATE_LIMIT_USER_PER_MINUTE: String(defaults.RATE_LIMIT_USER_PER_MINUTE),
    RATE_LIMIT_CLIENT_PER_MINUTE: String(defaults.RATE_LIMIT_CLIENT_PER_MINUTE),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(defaults.RATE_LIMIT_ANONYMOUS_PER_MINUTE),
    CORS_ALLOWED_ORIGINS: CORS_ORIGIN,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await limited.close();
  };
  onClose(close);
  try {
    await limited.listen(0, '127.0.0.1');
    const port = portOf(limited.getHttpServer().address());
    // Signed in through the main gateway: the counters live in the shared Redis, and this user has spent none of its allowance.
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const session = await signIn(main, user.email);
    const limit = defaults.RATE_LIMIT_USER_PER_MINUTE;
    const sent = 2 * limit;
    const concurrency = 8;
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
    const windowBefore = Math.floor(Date.now() / 60_000);
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const counts = { ok: 0, refused: 0, other: 0, refusedWithRetryAfter: 0, refusedWithCorsHeader: 0 };
    const headers = { authorization: `Bearer ${session.accessToken}`, origin: CORS_ORIGIN };
    let issued = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < sent) {
          issued += 1;
          const answer = await get(port, '/api/me', headers, agent);
          if (answer.status === 200) counts.ok += 1;
          else if (answer.status === 429) {
            counts.refused += 1;
            if (answer.headers['retry-after']) counts.refusedWithRetryAfter += 1;
            if (answer.headers['access-control-allow-origin'] === CORS_ORIGIN) counts.refusedWithCorsHeader += 1;
          } else counts.other += 1;
        }
      }),
    );
    const spent = seconds(started);
    agent.destroy();
    const windowTurned = Math.floor(Date.now() / 60_000) !== windowBefore;
    const result = { limit, sent, concurrency, ...counts, seconds: spent, perSecond: sent / spent, windowTurned };
    console.log(
      `  burst of ${formatNumber(sent)} GET /api/me by one user at the default limit (${limit}/min), c${concurrency}: ` +
        `${formatNumber(counts.ok)} answered 200, ${formatNumber(counts.refused)} refused 429${windowTurned ? ' (the window turned mid-burst)' : ''}`,
    );
    return result;
  } finally {
    await close();
  }
}

interface SignInSteps {
  signIns: number;
  totalMs: number;
  /** Mean ms per sign-in in each step; `the rest` is the candidate lookup and the glue between steps. */
  steps: Record<string, number>;
}

/**
 * Where a sign-in's time goes: the steps of SignInUseCase.execute timed inside
 * real sign-ins (its collaborators' methods wrapped on their instances for the
 * pass, then restored), since parts measured apart do not add up on a loaded machine.
 */
async function signInBreakdown(gateway: NestFastifyApplication, email: string, signIns = 40): Promise<SignInSteps> {
  const useCase = gateway.get(SignInUseCase);
  const seams: [object, string, string][] = [
    [gateway.get(LoginThrottle), 'admit', 'throttle'],
    [gateway.get(LoginThrottle), 'recordSuccess', 'throttle'],
    [gateway.get(Passwords), 'verify', 'argon2 verify'],
    [gateway.get(MfaChallenges), 'challengeFor', 'second-factor look'],
    [useCase, 'issueTokens', 'issue tokens (sign-in + refresh token rows, JWT)'],
  ];
  const spent = new Map<string, number>();
  const restore: (() => void)[] = [];
  for (const [instance, method, step] of seams) {
    const seam = instance as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = seam[method];
    seam[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original.apply(instance, args);
      } finally {
        spent.set(step, (spent.get(step) ?? 0) + performance.now() - started);
      }
    };
    restore.push(() => (seam[method] = original));
  }
  try {
    const once = () => useCase.execute({ email, password: TEST_PASSWORD }, { address: '127.0.0.9', userAgent: 'bench' });
    for (let i = 0; i < 3; i++) await once();
    spent.clear();
    const started = performance.now();
    for (let i = 0; i < signIns; i++) await once();
    const totalMs = (performance.now() - started) / signIns;
    const steps = Object.fromEntries([...spent].map(([step, ms]) => [step, ms / signIns]));
    steps['the rest (candidate lookup, glue)'] = totalMs - Object.values(steps).reduce((sum, ms) => sum + ms, 0);
    return { signIns, totalMs, steps };
  } finally {
    for (const undo of restore) undo();
  }
}

/** Standard Webhooks verification as docs/api/webhooks.md shows a receiver doing it, written here independently of the platform's code. */
function verifyStandardWebhook(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = Buffer.from(`v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`);
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && header.split(' ').some((candidate) => candidate.length === expected.length && timingSafeEqual(Buffer.from(candidate), expected));
}

/** A district system's receiver on loopback: reads the body, checks the signature, answers 204 (or 401), counts distinct webhook-ids. */
class Receiver {
  secret = '';
  port = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  verified = new Set<string>();
  invalid = 0;
  duplicates = 0;
  firstAt = 0;
  lastAt = 0;
  private expected = 0;
  private done?: () => void;

  async start(): Promise<void> {
    this.server = createServer((incoming, response) => this.handle(incoming, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = portOf(this.server.address());
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = undefined;
  }

  /** Resets the counts; resolves when `count` distinct ids have arrived verified. */
  expect(count: number): Promise<void> {
    this.verified = new Set();
    this.invalid = 0;
    this.duplicates = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.expected = count;
    return new Promise((resolve) => (this.done = resolve));
  }

  private handle(incoming: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const now = performance.now();
      const id = String(incoming.headers['webhook-id'] ?? '');
      const valid = verifyStandardWebhook(
        this.secret,
        id,
        String(incoming.headers['webhook-timestamp'] ?? ''),
        Buffer.concat(chunks).toString('utf8'),
        String(incoming.headers['webhook-signature'] ?? ''),
      );
      if (!valid) {
        this.invalid += 1;
        response.writeHead(401).end();
        return;
      }
      if (this.firstAt === 0) this.firstAt = now;
      if (this.verified.has(id)) this.duplicates += 1;
      this.verified.add(id);
      this.lastAt = now;
      response.writeHead(204).end();
      if (this.verified.size >= this.expected) this.done?.();
    });
  }
}

/**
 * Baseline: N signed POSTs from a plain loop, WEBHOOK_CONCURRENCY at a time,
 * each on a new connection as the platform's sender makes them (agent: false).
 * Then the platform: one UPDATE of N schools (the table's trigger writes N
 * outbox events), relayed by the gateway's own relay (LISTEN/NOTIFY), fanned
 * out by its consumer into N deliveries, sent by its BullMQ worker; timed
 * from the UPDATE to the N-th verified arrival, and to all N recorded delivered.
 */
async function measureWebhooks(
  gateway: NestFastifyApplication,
  districtId: string,
  admin: Session,
  onClose: (close: () => Promise<unknown>) => void,
): Promise<WebhookResult> {
  const receiver = new Receiver();
  await receiver.start();
  onClose(() => receiver.stop());
  const transactions = gateway.get(TenantTransactions);
  const created = await as(gateway, admin)
    .post('/api/webhooks/endpoints')
    .send({ url: `http://127.0.0.1:${receiver.port}/hooks`, events: ['school.changed'], description: 'bench receiver' });
  if (created.status !== 201) throw new Error(`registering the endpoint answered ${created.status}: ${JSON.stringify(created.body)}`);
  const endpoint = created.body as { id: string; secret: string };
  receiver.secret = endpoint.secret;

  // Baseline, after a short untimed warm-up of the same loop.
  const sendDirect = async (count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: WEBHOOK_CONCURRENCY }, async () => {
        while (next < count) {
          const i = next++;
          const id = `msg_bench_${count}_${i}`;
          const body = JSON.stringify({
            type: 'school.changed',
            timestamp: new Date().toISOString(),
            data: { id: '00000000-0000-4000-8000-000000000000', sourcedId: null, change: 'updated', active: true, version: 2 },
          });
          const timestamp = Math.floor(Date.now() / 1000);
          const headers = {
            'user-agent': 'Sessionledger-Webhooks/1',
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(endpoint.secret, id, timestamp, body),
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          };
          const answer = await post(receiver.port, '/hooks', body, headers);
          if (answer !== 204) throw new Error(`the receiver answered ${answer} to the baseline`);
        }
      }),
    );
  };
  const warm = receiver.expect(50);
  await sendDirect(50);
  await warm;
  const arrivedDirect = receiver.expect(WEBHOOK_EVENTS);
  let started = performance.now();
  await sendDirect(WEBHOOK_EVENTS);
  await arrivedDirect;
  const baselineSeconds = (receiver.lastAt - started) / 1000;
  const baselineInvalid = receiver.invalid;
  console.log(`  webhooks baseline: ${WEBHOOK_EVENTS} signed POSTs by a plain loop, c${WEBHOOK_CONCURRENCY}: ${baselineSeconds.toFixed(3)} s`);

  // The platform's path.
  const arrived = receiver.expect(WEBHOOK_EVENTS);
  started = performance.now();
  const startedAtMs = Date.now();
  const updated = (await transactions.run(districtId, (em) =>
    em.execute(`UPDATE gateway.school SET name = name || ' (renamed)' WHERE district_id = ? RETURNING id`, [districtId]),
  )) as unknown[];
  const updateSeconds = seconds(started);
  if (updated.length !== WEBHOOK_EVENTS) throw new Error(`updated ${updated.length} schools, expected ${WEBHOOK_EVENTS}`);
  let cap: NodeJS.Timeout | undefined;
  await Promise.race([
    arrived,
    new Promise((_, reject) => {
      cap = setTimeout(() => reject(new Error(`only ${receiver.verified.size} of ${WEBHOOK_EVENTS} webhooks arrived within ${WEBHOOK_CAP_MS} ms`)), WEBHOOK_CAP_MS);
    }),
  ]).finally(() => clearTimeout(cap));
  const allVerifiedSeconds = (receiver.lastAt - started) / 1000;
  const firstArrivalSeconds = (receiver.firstAt - started) / 1000;
  const pipelineInvalid = receiver.invalid;
  const pipelineDuplicates = receiver.duplicates;
  const log = async () =>
    ((await transactions.run(districtId, (em) =>
      em.execute(
        `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, coalesce(sum(attempts), 0)::int AS attempts
          FROM gateway.webhook_delivery WHERE endpoint_id = ?`,
        [endpoint.id],
      ),
    )) as { delivered: number; attempts: number }[])[0];
  let recorded = await log();
  await waitFor(async () => (recorded = await log()).delivered >= WEBHOOK_EVENTS, 30_000, 20);
  const allRecordedSeconds = seconds(started);
  // Where the time went, from the rows' own timestamps (PostgreSQL's clock is this machine's).
  const [timeline] = (await transactions.run(districtId, (em) =>
    em.execute(
      `SELECT (SELECT extract(epoch FROM max(published_at)) * 1000 FROM gateway.outbox_event WHERE district_id = ? AND name = ?)::float AS relayed_ms,
              (SELECT extract(epoch FROM max(created_at)) * 1000 FROM gateway.webhook_delivery WHERE endpoint_id = ?)::float AS fanned_out_ms,
              (SELECT avg(a.duration_ms) FROM gateway.webhook_attempt a JOIN gateway.webhook_delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = ?)::float AS post_ms`,
      [districtId, DIRECTORY_RECORD_CHANGED.name, endpoint.id, endpoint.id],
    ),
  )) as { relayed_ms: number; fanned_out_ms: number; post_ms: number }[];
  const perSecond = WEBHOOK_EVENTS / allVerifiedSeconds;
  const baselinePerSecond = WEBHOOK_EVENTS / baselineSeconds;

  // The same again with the delivery worker paused (the seam: WebhookDeliveries' private worker): the fan-out alone, then the sending alone.
  const worker = (gateway.get(WebhookDeliveries) as unknown as { worker?: Worker }).worker;
  if (!worker) throw new Error('the webhook worker is not running');
  await worker.pause();
  const arrivedSplit = receiver.expect(WEBHOOK_EVENTS);
  started = performance.now();
  await transactions.run(districtId, (em) => em.execute(`UPDATE gateway.school SET name = name || ' (again)' WHERE district_id = ?`, [districtId]));
  const rows = async () =>
    ((await transactions.run(districtId, (em) =>
      em.execute(`SELECT count(*)::int AS count FROM gateway.webhook_delivery WHERE endpoint_id = ?`, [endpoint.id]),
    )) as { count: number }[])[0].count;
  await waitFor(async () => (await rows()) >= 2 * WEBHOOK_EVENTS, WEBHOOK_CAP_MS, 50);
  const fanOutAloneSeconds = seconds(started);
  started = performance.now();
  await worker.resume();
  await Promise.race([
    arrivedSplit,
    new Promise((_, reject) => {
      cap = setTimeout(() => reject(new Error(`only ${receiver.verified.size} of ${WEBHOOK_EVENTS} webhooks arrived after the worker resumed`)), WEBHOOK_CAP_MS);
    }),
  ]).finally(() => clearTimeout(cap));
  const sendAloneSeconds = (receiver.lastAt - started) / 1000;
  const splitInvalid = receiver.invalid;
  await waitFor(async () => (recorded = await log()).delivered >= 2 * WEBHOOK_EVENTS, 30_000, 20);
  console.log(`  webhooks split: fan-out alone ${fanOutAloneSeconds.toFixed(3)} s, sending alone ${sendAloneSeconds.toFixed(3)} s`);
  console.log(`  webhooks through the platform: ${WEBHOOK_EVENTS} school.changed, all verified after ${allVerifiedSeconds.toFixed(3)} s`);
  return {
    events: WEBHOOK_EVENTS,
    concurrency: WEBHOOK_CONCURRENCY,
    baseline: { seconds: Number(baselineSeconds.toFixed(3)), perSecond: baselinePerSecond, invalid: baselineInvalid },
    pipeline: {
      updateSeconds,
      firstArrivalSeconds: Number(firstArrivalSeconds.toFixed(3)),
      allVerifiedSeconds: Number(allVerifiedSeconds.toFixed(3)),
      allRecordedSeconds,
      lastRelayedSeconds: Number(((timeline.relayed_ms - startedAtMs) / 1000).toFixed(3)),
      lastFannedOutSeconds: Number(((timeline.fanned_out_ms - startedAtMs) / 1000).toFixed(3)),
      meanPostMs: Number(timeline.post_ms.toFixed(1)),
      perSecond,
      invalid: pipelineInvalid + splitInvalid,
      duplicates: pipelineDuplicates + receiver.duplicates,
      deliveredRows: recorded.delivered,
      attempts: recorded.attempts,
    },
    split: {
      fanOutAloneSeconds,
      fanOutPerSecond: WEBHOOK_EVENTS / fanOutAloneSeconds,
      sendAloneSeconds: Number(sendAloneSeconds.toFixed(3)),
      sendPerSecond: WEBHOOK_EVENTS / sendAloneSeconds,
    },
    ratioToBaseline: perSecond / baselinePerSecond,
  };
}

function get(port: number, path: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method: 'GET', agent, headers }, (response) => {
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      response.resume();
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** One POST on a new connection (agent: false), as the platform's webhook sender does. */
function post(port: number, path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers }, (response) => {
      response.on('error', reject);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.resume();
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function fetchJson(port: number, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function printReport(edge: Row[], burst: BurstResult, tokens: Row[], signInSteps: SignInSteps, webhooks: WebhookResult): void {
  const ms = (value: number) => value.toFixed(2);
  const spread = (row: LoadResult) => pct(Math.max(...row.slicesPerSecond) - Math.min(...row.slicesPerSecond), row.perSecond);
  const rowsOf = (rows: Row[], baselineLabel: string): Cell[][] =>
    rows.map((row) => [
      row.id,
      row.name,
      row.concurrency,
      row.completed,
      row.perSecond,
      spread(row),
      1e6 / row.perSecond,
      ms(row.p50Ms),
      ms(row.p99Ms),
      row.kind === 'http' ? ratio(row.ratioToBaseline, 1) : baselineLabel,
      row.errors,
    ]);
  const header = ['', 'measurement', 'conc', 'ops', 'per s', 'spread', 'us/op', 'p50 ms', 'p99 ms', 'vs baseline', 'errors'];

  console.log(`\n1. The edge per request: HTTP over 127.0.0.1, keep-alive, ${ROUNDS} interleaved slices each; parts in process at c1\n`);
  console.log(table(header, rowsOf(edge, '')));
  const at = (rows: Row[], id: string, concurrency: number) => rows.find((r) => r.id === id && r.concurrency === concurrency)!;
  const p50 = (id: string) => at(edge, id, 1).p50Ms;
  const us = (id: string, concurrency: number) => 1e6 / at(edge, id, concurrency).perSecond;
  console.log(
    `\nDerived (p50 at c1): /api/me as admin +${ms(p50('b') - p50('a'))} ms over /health/live, as provider +${ms(p50('c') - p50('a'))} ms; ` +
      `(the second-factor state is read in the actor's statement; alone, in a transaction of its own, it took ${ms(p50('mfa'))} ms). ` +
      `Parts: JWT verify ${ms(p50('jwt'))} ms (x2 per request), rate-limit script ${ms(p50('limit'))} ms, actor load ${ms(p50('actor'))} ms, ` +
      `client load ${ms(p50('client'))} ms, empty tenant transaction ${ms(p50('tx'))} ms.`,
  );
  console.log(
    `  at c8 (one Node thread saturated): /api/me admin +${formatNumber(us('b', 8) - us('a', 8))} us/req over /health/live, ` +
      `provider +${formatNumber(us('c', 8) - us('a', 8))} us/req; school by admin +${formatNumber(us('d', 8) - us('a', 8))}, ` +
      `by API client +${formatNumber(us('e', 8) - us('a', 8))} us/req.`,
  );
  console.log(
    `\nRate limit at its default (${burst.limit}/min per user), one user's burst of ${formatNumber(burst.sent)} GET /api/me at c${burst.concurrency}: ` +
      `${formatNumber(burst.ok)} × 200, ${formatNumber(burst.refused)} × 429 (${formatNumber(burst.refusedWithRetryAfter)} with Retry-After, ` +
      `${formatNumber(burst.refusedWithCorsHeader)} with Access-Control-Allow-Origin for the listed origin), ${burst.other} other; ` +
      `${formatNumber(burst.perSecond)} answers/s${burst.windowTurned ? '; the minute turned mid-burst, so up to twice the limit passed' : ''}.`,
  );

  console.log(`\n2. Token issuance: HTTP as above, ${ROUNDS} interleaved slices; argon2 verify in process at the same concurrency\n`);
  console.log(table(header, rowsOf(tokens, '')));
  const tok = (id: string, concurrency: number) => at(tokens, id, concurrency);
  for (const concurrency of TOKEN_CONCURRENCIES) {
    const login = tok('l', concurrency);
    const argon = tok('argon2', concurrency);
    // By time per operation (the mean): at c4 argon2 runs on the libuv pool, so it is the pool (not the event loop) that saturates.
    const share = pct(1e6 / argon.perSecond, 1e6 / login.perSecond);
    console.log(
      `  c${concurrency}: sign-in ${formatNumber(login.perSecond)}/s (${ratio(login.ratioToBaseline, 1)}), argon2 verify alone ${formatNumber(argon.perSecond)}/s ` +
        `→ argon2 alone is ≈${share} of a sign-in's time per op; client credentials ${formatNumber(tok('t', concurrency).perSecond)}/s ` +
        `(${ratio(tok('t', concurrency).ratioToBaseline, 1)}): its secret is SHA-256, no argon2.`,
    );
  }
  const stepsText = Object.entries(signInSteps.steps)
    .map(([step, spent]) => `${step} ${ms(spent)} ms (${pct(spent, signInSteps.totalMs)})`)
    .join(', ');
  console.log(
    `  inside ${signInSteps.signIns} sign-ins (SignInUseCase.execute, one at a time, each step timed where it runs): ${ms(signInSteps.totalMs)} ms each: ${stepsText}; ` +
      `SignInUseCase.execute alone is ${pct(1e6 / tok('usecase', 1).perSecond, 1e6 / tok('l', 1).perSecond)} of the HTTP sign-in's time per op at c1.`,
  );

  const { baseline, pipeline } = webhooks;
  console.log(`\n3. Webhooks: ${webhooks.events} deliveries to a receiver in this process that checks every signature\n`);
  console.log(
    table(
      ['path', 'seconds', 'deliveries/s', 'vs baseline'],
      [
        [`plain loop: signed POSTs, c${webhooks.concurrency}, new connection each (baseline)`, baseline.seconds, baseline.perSecond, '1.00x'],
        [
          'UPDATE → trigger → outbox → relay → consumer fan-out → BullMQ → POST, to all verified',
          pipeline.allVerifiedSeconds,
          pipeline.perSecond,
          ratio(webhooks.ratioToBaseline, 1),
        ],
        ['  the UPDATE of the schools (N outbox rows by trigger)', pipeline.updateSeconds, Number.NaN, ''],
        ['  first arrival', pipeline.firstArrivalSeconds, Number.NaN, ''],
        ['  last event claimed by the relay (published_at)', pipeline.lastRelayedSeconds, Number.NaN, ''],
        ['  last delivery row written by the fan-out (created_at)', pipeline.lastFannedOutSeconds, Number.NaN, ''],
        ['  all recorded delivered in webhook_delivery', pipeline.allRecordedSeconds, Number.NaN, ''],
        ['second batch, delivery worker paused: consumer fan-out alone (all N rows)', webhooks.split.fanOutAloneSeconds, webhooks.split.fanOutPerSecond, ratio(webhooks.split.fanOutPerSecond, baseline.perSecond)],
        ['  then the BullMQ worker sending alone (c16), to all verified', webhooks.split.sendAloneSeconds, webhooks.split.sendPerSecond, ratio(webhooks.split.sendPerSecond, baseline.perSecond)],
      ],
    ),
  );
  console.log(
    `  ${pipeline.deliveredRows} deliveries (both batches) recorded delivered in ${pipeline.attempts} attempts (a POST took ${pipeline.meanPostMs} ms on average as the sender timed it); ` +
      `${pipeline.duplicates} duplicate arrivals; ` +
      `${pipeline.invalid + baseline.invalid} invalid signatures`,
  );

  console.log('');
  for (const id of ['b', 'c', 'e']) {
    const rows = edge.filter((r) => r.id === id);
    console.log(
      `SUMMARY ${rows[0].name}: ${rows.map((r) => `c${r.concurrency} ${formatNumber(r.perSecond)}/s p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)} ms (${ratio(r.ratioToBaseline, 1)})`).join(' | ')}`,
    );
  }
  for (const id of ['t', 'l']) {
    const rows = tokens.filter((r) => r.id === id);
    console.log(`SUMMARY ${rows[0].name}: ${rows.map((r) => `c${r.concurrency} ${formatNumber(r.perSecond)}/s (${ratio(r.ratioToBaseline, 1)})`).join(' | ')}`);
  }
  console.log(
    `SUMMARY webhooks: ${formatNumber(pipeline.perSecond)} deliveries/s vs ${formatNumber(baseline.perSecond)}/s plain (${ratio(webhooks.ratioToBaseline, 1)}); ` +
      `burst at the default limit: ${burst.ok} × 200, ${burst.refused} × 429`,
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
