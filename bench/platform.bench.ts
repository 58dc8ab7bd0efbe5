import 'reflect-metadata';

import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MikroORM } from '@mikro-orm/postgresql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
// The Fastify that @nestjs/platform-fastify itself runs (hoisted, same version): the baseline is the gateway's server without Nest or the app.
import fastify from 'fastify';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { eventQueueOf, PING, SCHOOL_CHANGED } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { OutboxRelay, ServiceBus, messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { redisOptionsFrom } from '@sessionledger/platform';
import { databaseUrl, startApp, waitFor } from '@sessionledger/testing';
import { AccessTokens } from '../apps/gateway/src/auth/access-tokens';
import { ActorLoader } from '../apps/gateway/src/auth/actor.loader';
import { createDistrict, signIn, startGateway } from '../apps/gateway/test/support/gateway-harness';
import { PayrollModule } from '../apps/payroll/src/payroll.module';
import { httpClient, LoadLimits, LoadResult, Operation, portOf, Sample, sample, summarize } from './support/load';
import { Cell, formatNumber, machine, pct, printProgress, ratio, seconds, table, writeResult } from './support/report';
import { openBenchRun } from './support/bench-run';

/**
 * The platform's hot paths against a trivial round trip measured in the same
 * run. Client, bare Fastify, gateway and payroll share one Node process (and
 * the machine's cores with PostgreSQL and Redis): the ratios travel between
 * machines, the absolute figures do not.
 */
const ROOT = join(__dirname, '..');
const CONCURRENCIES = [1, 8, 32];
const HTTP_LIMITS: LoadLimits = { count: 10_000, maxMs: 2_000, warmup: 200 };
const PART_LIMITS: LoadLimits = { count: 5_000, maxMs: 900, warmup: 100 };
/** Each measurement at a concurrency is taken in this many slices, interleaved with the others. */
const ROUNDS = 5;
const OUTBOX_EVENTS = 20_000;
const INSERT_BATCH = 1_000;
const RELAY_CAP_MS = 60_000;
/** Neither app relays in the background: the outbox figure is the timed relayOnce() passes alone. */
const NO_BACKGROUND_RELAY = { OUTBOX_RELAY_ENABLED: 'false' };

interface Measurement {
  id: string;
  kind: 'http' | 'part';
  name: string;
  limits: LoadLimits;
  operation: (concurrency: number) => Operation;
}

interface MeasuredRow extends LoadResult {
  id: string;
  kind: 'http' | 'part';
  name: string;
  /** Throughput against the bare Fastify round trip at the same concurrency. */
  ratioToBaseline: number;
}

interface OutboxResult {
  events: number;
  consumersPerEvent: number;
  plainInsert: { seconds: number; rowsPerSecond: number };
  insertThroughGateway: { seconds: number; rowsPerSecond: number };
  relay: {
    batchSize: number;
    passes: number;
    seconds: number;
    publishSeconds: number;
    eventsPerSecond: number;
    jobsAdded: number;
    ratioToPlainInsert: number;
  };
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  try {
    const setupStarted = performance.now();

    const gateway = await startGateway(NO_BACKGROUND_RELAY);
    bench.onClose(() => gateway.close());
    await gateway.listen(0, '127.0.0.1');
    const payroll = await startApp(
      { service: 'payroll', module: PayrollModule, ...messagingTransport('payroll') },
      NO_BACKGROUND_RELAY,
    );
    const stopPayroll = once(() => payroll.close());
    bench.onClose(stopPayroll);
    const bare = fastify({ logger: false });
    bare.get('/ping', async () => ({ status: 'ok' }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    bench.onClose(() => bare.close());

    const district = await createDistrict(gateway, 1);
    const session = await signIn(gateway, district.admin.email);
    // The district's settings reach payroll's replica, so its ping reads a row as it does in service.
    const payrollTransactions = payroll.get(TenantTransactions);
    const readReplica = () => payrollTransactions.run(district.id, (em) => em.findOne(DistrictReplica, { districtId: district.id }));
    while ((await gateway.get(OutboxRelay).relayOnce()) > 0);
    await waitFor(async () => (await readReplica()) !== null, 15_000);
    console.log(
      `setup ${seconds(setupStarted)} s: database ${run.database}, Redis prefix ${run.redisPrefix}*, gateway + payroll in this process; ` +
        `load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n`,
    );

    const clients = new Map<string, ReturnType<typeof httpClient>>();
    const get =
      (server: { address(): AddressInfo | string | null }, path: string, headers?: Record<string, string>) =>
      (concurrency: number): Operation => {
        const port = portOf(server.address());
        const key = `${port}:${concurrency}`;
        const client = clients.get(key) ?? clients.set(key, httpClient(port, concurrency)).get(key)!;
        return client.get(path, headers);
      };
    const http = (id: string, name: string, operation: Measurement['operation']): Measurement => ({ id, kind: 'http', name, limits: HTTP_LIMITS, operation });
    const part = (id: string, name: string, operation: Operation): Measurement => ({ id, kind: 'part', name, limits: PART_LIMITS, operation: () => operation });

    const orm = gateway.get(MikroORM);
    const schema = orm.config.get('schema') as string;
    const transactions = gateway.get(TenantTransactions);
    const actors = gateway.get(ActorLoader);
    const tokens = gateway.get(AccessTokens);
    const bus = gateway.get(ServiceBus);
    const actor = await actors.load(district.id, district.admin.id);
    const auth = { authorization: `Bearer ${session.accessToken}` };
    const api = gateway.getHttpServer();
    const measurements: Measurement[] = [
      http('a', 'baseline: bare Fastify GET /ping', get(bare.server, '/ping')),
      http('b', 'gateway GET /health/live', get(api, '/health/live')),
      http('c', 'gateway GET /api/me', get(api, '/api/me', auth)),
      http('d', 'gateway GET /api/system/services/payroll', get(api, '/api/system/services/payroll', auth)),
      // The same work without HTTP, to split the request costs into their parts.
      part('jwt', 'JWT verify (AccessTokens.verify)', async () => (await tokens.verify(session.accessToken)).userId === actor.userId),
      part('pg', 'PostgreSQL round trip (select 1, gateway pool)', async () => (await orm.em.getConnection().execute('select 1')).length === 1),
      part('tx', 'empty tenant transaction (begin, set_config, commit)', () => transactions.run(district.id, async () => true)),
      part('actor', 'actor reload (ActorLoader.load: tx + user + approvals)', async () => {
        return (await actors.load(district.id, district.admin.id)).userId === actor.userId;
      }),
      part('actor-sql', 'the same two SELECTs as SQL, no entity mapping', () =>
        transactions.run(district.id, async (em) => {
          const users = await em.execute(`select * from ${schema}.app_user where district_id = ? and id = ? limit 1`, [district.id, actor.userId]);
          await em.execute(`select school_id from ${schema}.staff_approval where district_id = ? and user_id = ?`, [district.id, actor.userId]);
          return users.length === 1;
        }),
      ),
      part('handler', "payroll ping's own work (tenant tx + replica read)", async () => (await readReplica())?.districtId === district.id),
      part('bus', 'BullMQ request/reply (ServiceBus.send payroll ping)', async () => {
        return (await bus.send(PING.payroll, { actor: actor.snapshot() })).service === 'payroll';
      }),
    ];

    const results: MeasuredRow[] = [];
    for (const concurrency of CONCURRENCIES) {
      const slices = new Map<string, Sample[]>(measurements.map((m) => [m.id, []]));
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const m of measurements) {
          const warmup = round === 0 ? m.limits.warmup : 2 * concurrency;
          const limits = { count: Math.ceil(m.limits.count / ROUNDS), maxMs: m.limits.maxMs / ROUNDS, warmup };
          slices.get(m.id)!.push(await sample(m.operation(concurrency), concurrency, limits));
        }
      }
      for (const client of clients.values()) client.close();
      clients.clear();
      const baseline = summarize(concurrency, slices.get('a')!).perSecond;
      for (const m of measurements) {
        const result = summarize(concurrency, slices.get(m.id)!);
        results.push({ id: m.id, kind: m.kind, name: m.name, ...result, ratioToBaseline: result.perSecond / baseline });
        printProgress(m.name, result);
      }
    }

    // Payroll's worker would consume the relayed events on the same cores; the relay's figure is publishing only.
    await stopPayroll();
    const outbox = await measureOutbox(gateway, run.database, district.id);
    const httpRows = results.filter((row) => row.kind === 'http');
    const partRows = results.filter((row) => row.kind === 'part');
    printReport(httpRows, partRows, outbox);

    const file = writeResult(ROOT, 'platform', {
      bench: 'platform',
      measuredAt: new Date().toISOString(),
      machine: machine(ROOT),
      limits: { concurrencies: CONCURRENCIES, rounds: ROUNDS, http: HTTP_LIMITS, parts: PART_LIMITS, outboxEvents: OUTBOX_EVENTS, insertBatch: INSERT_BATCH },
      http: httpRows,
      parts: partRows,
      outbox,
    });
    console.log(`\nresult: ${file}`);
    const errors = results.reduce((sum, row) => sum + row.errors, 0);
    if (errors > 0) {
      console.error(`${errors} requests or operations answered wrongly; the figures above are not trustworthy`);
      return 1;
    }
    return 0;
  } finally {
    await bench.close();
  }
}

/**
 * 20,000 events through the outbox: written as the app writes them, then
 * relayed by timed relayOnce() passes until all are on their consumers'
 * queues; beside the same rows INSERTed plainly, in this run.
 */
async function measureOutbox(gateway: NestFastifyApplication, database: string, districtId: string): Promise<OutboxResult> {
  const env = gateway.get(Environment);
  const relay = gateway.get(OutboxRelay);
  const transactions = gateway.get(TenantTransactions);
  const schema = gateway.get(MikroORM).config.get('schema') as string;
  while ((await relay.relayOnce()) > 0);
  const publishing = timePublishing(relay);

  const connection = redisOptionsFrom(env.REDIS_URL, 'commands');
  const queues = SCHOOL_CHANGED.consumers.map((consumer) => new Queue(eventQueueOf(consumer), { connection, prefix: env.REDIS_PREFIX }));
  const owner = new Client({ connectionString: databaseUrl(database) });
  await owner.connect();
  try {
    const waitingBefore = await Promise.all(queues.map((queue) => queue.getWaitingCount()));
    const rows = Array.from({ length: OUTBOX_EVENTS }, (_, i) => {
      const payload = { districtId, schoolId: newId(), name: `School ${i}`, stateSchoolCode: `S${String(i).padStart(5, '0')}`, active: true, version: 2 };
      return [newId(), districtId, SCHOOL_CHANGED.name, JSON.stringify(payload)];
    });
    const batches = Array.from({ length: Math.ceil(rows.length / INSERT_BATCH) }, (_, i) => rows.slice(i * INSERT_BATCH, (i + 1) * INSERT_BATCH));
    const values = (count: number, placeholder: (n: number) => string) =>
      Array.from({ length: count }, (_, i) => {
        const [id, district, name, payload] = [1, 2, 3, 4].map((column) => placeholder(4 * i + column));
        return `(${id}::uuid, ${district}::uuid, ${name}, ${payload}::jsonb)`;
      }).join(', ');

    // Baseline: the same rows and statements into a table with no policy, trigger or partial index, as the owner, without the ORM.
    await owner.query(`CREATE TABLE public.bench_plain_insert (LIKE ${schema}.outbox_event INCLUDING DEFAULTS, PRIMARY KEY (id))`);
    let started = performance.now();
    for (const batch of batches) {
      await owner.query(`INSERT INTO public.bench_plain_insert (id, district_id, name, payload) VALUES ${values(batch.length, (n) => `$${n}`)}`, batch.flat());
    }
    const plainSeconds = seconds(started);

    // As the app writes them: the gateway's role, a district transaction, row-level security, the NOTIFY trigger.
    started = performance.now();
    for (const batch of batches) {
      const sql = `INSERT INTO ${schema}.outbox_event (id, district_id, name, payload) VALUES ${values(batch.length, () => '?')}`;
      await transactions.run(districtId, (em) => em.execute(sql, batch.flat()));
    }
    const insertSeconds = seconds(started);

    started = performance.now();
    let relayed = 0;
    let passes = 0;
    while (relayed < OUTBOX_EVENTS && performance.now() - started < RELAY_CAP_MS) {
      const published = await relay.relayOnce();
      if (published === 0) break;
      relayed += published;
      passes += 1;
    }
    const relaySeconds = seconds(started);

    const { rows: left } = await owner.query(`SELECT count(*)::int AS unpublished FROM ${schema}.outbox_event WHERE published_at IS NULL`);
    const waitingAfter = await Promise.all(queues.map((queue) => queue.getWaitingCount()));
    const jobsAdded = waitingAfter.reduce((sum, count, i) => sum + count - waitingBefore[i], 0);
    if (relayed !== OUTBOX_EVENTS || left[0].unpublished !== 0 || jobsAdded !== OUTBOX_EVENTS * queues.length) {
      throw new Error(
        `relay incomplete: ${relayed} relayed, ${left[0].unpublished} unpublished, ${jobsAdded} jobs added of ${OUTBOX_EVENTS * queues.length}`,
      );
    }
    const plainRowsPerSecond = OUTBOX_EVENTS / plainSeconds;
    const eventsPerSecond = relayed / relaySeconds;
    return {
      events: OUTBOX_EVENTS,
      consumersPerEvent: queues.length,
      plainInsert: { seconds: plainSeconds, rowsPerSecond: plainRowsPerSecond },
      insertThroughGateway: { seconds: insertSeconds, rowsPerSecond: OUTBOX_EVENTS / insertSeconds },
      relay: {
        batchSize: relay.settings.batchSize,
        passes,
        seconds: relaySeconds,
        publishSeconds: publishing.seconds(),
        eventsPerSecond,
        jobsAdded,
        ratioToPlainInsert: eventsPerSecond / plainRowsPerSecond,
      },
    };
  } finally {
    await owner.end().catch(() => undefined);
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

/**
 * Times the relay's BullMQ step (its private `publish`, the seam the messaging
 * fixtures also wrap), so a pass splits into Redis time and PostgreSQL time.
 */
function timePublishing(relay: OutboxRelay): { seconds(): number } {
  const seam = relay as unknown as { publish(rows: unknown[]): Promise<void> };
  const publish = seam.publish.bind(relay);
  let spent = 0;
  seam.publish = async (rows) => {
    const started = performance.now();
    try {
      await publish(rows);
    } finally {
      spent += performance.now() - started;
    }
  };
  return { seconds: () => Number((spent / 1000).toFixed(3)) };
}

function printReport(http: MeasuredRow[], parts: MeasuredRow[], outbox: OutboxResult): void {
  const ms = (value: number) => value.toFixed(2);
  const spread = (row: LoadResult) => pct(Math.max(...row.slicesPerSecond) - Math.min(...row.slicesPerSecond), row.perSecond);
  console.log(`\nHTTP round trips over 127.0.0.1, keep-alive, ${ROUNDS} interleaved slices each (spread: fastest - slowest slice, of the rate)\n`);
  console.log(
    table(
      ['', 'measurement', 'conc', 'requests', 'req/s', 'spread', 'us/req', 'p50 ms', 'p99 ms', 'vs baseline', 'errors'],
      http.map((row): Cell[] => [
        row.id,
        row.name,
        row.concurrency,
        row.completed,
        row.perSecond,
        spread(row),
        1e6 / row.perSecond,
        ms(row.p50Ms),
        ms(row.p99Ms),
        ratio(row.ratioToBaseline, 1),
        row.errors,
      ]),
    ),
  );
  console.log('\nThe parts, called in process without HTTP, interleaved with the requests above\n');
  console.log(
    table(
      ['operation', 'conc', 'ops', 'ops/s', 'spread', 'us/op', 'p50 ms', 'p99 ms', 'errors'],
      parts.map((row): Cell[] => [
        row.name,
        row.concurrency,
        row.completed,
        row.perSecond,
        spread(row),
        1e6 / row.perSecond,
        ms(row.p50Ms),
        ms(row.p99Ms),
        row.errors,
      ]),
    ),
  );

  const { relay, plainInsert, insertThroughGateway } = outbox;
  console.log(`\nOutbox: ${formatNumber(outbox.events)} events, ${outbox.consumersPerEvent} consumer queues each, INSERTs of ${formatNumber(INSERT_BATCH)} rows\n`);
  console.log(
    table(
      ['step', 'seconds', 'rows/s', 'vs plain INSERT'],
      [
        ['plain multi-row INSERT into a scratch table (baseline)', plainInsert.seconds, plainInsert.rowsPerSecond, '1.00x'],
        [
          'outbox INSERT, gateway role + district transaction',
          insertThroughGateway.seconds,
          insertThroughGateway.rowsPerSecond,
          ratio(insertThroughGateway.rowsPerSecond, plainInsert.rowsPerSecond),
        ],
        [
          `relayOnce() x ${relay.passes} (batch ${relay.batchSize}, ${formatNumber(relay.jobsAdded)} jobs)`,
          relay.seconds,
          relay.eventsPerSecond,
          ratio(relay.eventsPerSecond, plainInsert.rowsPerSecond),
        ],
        ['  of which BullMQ addBulk to the consumer queues', relay.publishSeconds, Number.NaN, ''],
        ['  of which claim + mark published in PostgreSQL', Number((relay.seconds - relay.publishSeconds).toFixed(3)), Number.NaN, ''],
      ],
    ),
  );

  const at = (rows: MeasuredRow[], id: string, concurrency: number) => rows.find((r) => r.id === id && r.concurrency === concurrency)!;
  const cost = (rows: MeasuredRow[], id: string) => 1e6 / at(rows, id, 32).perSecond;
  const p50 = (rows: MeasuredRow[], id: string) => at(rows, id, 1).p50Ms;
  const me = p50(http, 'c');
  const meCost = cost(http, 'c') - cost(http, 'b');
  console.log('\nDerived: p50 latency at concurrency 1; us per request at concurrency 32 (one Node thread, saturated)');
  console.log(
    `  /api/me over /health/live: +${ms(me - p50(http, 'b'))} ms p50; actor reload alone ${ms(p50(parts, 'actor'))} ms = ${pct(p50(parts, 'actor'), me)} ` +
      `of /api/me (empty tenant transaction ${ms(p50(parts, 'tx'))} ms, the SELECTs without the ORM ${ms(p50(parts, 'actor-sql'))} ms), ` +
      `JWT verify ${ms(p50(parts, 'jwt'))} ms`,
  );
  console.log(
    `    at c32: +${formatNumber(meCost)} us/req over /health/live; actor reload alone ${formatNumber(cost(parts, 'actor'))} us/op ` +
      `(${pct(cost(parts, 'actor'), meCost)} of that), without the ORM ${formatNumber(cost(parts, 'actor-sql'))} us/op`,
  );
  const send = p50(parts, 'bus');
  const handler = p50(parts, 'handler');
  console.log(
    `  services/payroll over /api/me: +${ms(p50(http, 'd') - me)} ms p50; ServiceBus.send alone ${ms(send)} ms, of which payroll's own work ` +
      `${ms(handler)} ms and BullMQ ~${ms(send - handler)} ms; at c32 +${formatNumber(cost(http, 'd') - cost(http, 'c'))} us/req, ` +
      `ServiceBus.send alone ${formatNumber(cost(parts, 'bus'))} us/op`,
  );

  console.log('');
  for (const id of ['a', 'b', 'c', 'd']) {
    const rows = http.filter((r) => r.id === id);
    const figures = rows.map((r) => {
      const versus = id === 'a' ? '' : ` (${ratio(r.ratioToBaseline, 1)})`;
      return `c${r.concurrency} ${formatNumber(r.perSecond)} req/s p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)} ms${versus}`;
    });
    console.log(`SUMMARY ${id}) ${rows[0].name}: ${figures.join(' | ')}`);
  }
  console.log(
    `SUMMARY e) outbox relay: ${formatNumber(relay.eventsPerSecond)} events/s (${formatNumber(relay.eventsPerSecond * outbox.consumersPerEvent)} jobs/s), ` +
      `${ratio(relay.eventsPerSecond, plainInsert.rowsPerSecond)} the plain multi-row INSERT's ${formatNumber(plainInsert.rowsPerSecond)} rows/s`,
  );
}





function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= work());
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
