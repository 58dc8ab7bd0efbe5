import 'reflect-metadata';

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exceedsJsonDepth } from '@sessionledger/platform';
import { startGateway } from '../apps/gateway/test/support/gateway-harness';
import { openBenchRun } from './support/bench-run';
import { httpClient, LoadLimits, LoadResult, portOf, sample, summarize } from './support/load';
import { Cell, formatNumber, machine, printProgress, ratio, table, writeResult } from './support/report';

/**
 * What hostile bodies cost the gateway, against its trivial round trip in the
 * same run: refusing a 1 MiB body nested 500,000 levels deep (once 80 s of
 * blocked event loop and then a 500), one nested 100,000 levels, and a small
 * body with a NUL byte; and how the trivial round trip fares while hostile
 * bodies arrive alongside it. Also the depth scan itself against JSON.parse of
 * the same bytes (a benign 1 MiB document).
 */
const ROOT = join(__dirname, '..');
const LIMITS: LoadLimits = { count: 4_000, maxMs: 3_000, warmup: 100 };
const CONCURRENCY = 4;

const MIB = 1024 * 1024;
const deepest = Buffer.from(`{"email":${'['.repeat(MIB / 2 - 16)}${']'.repeat(MIB / 2 - 16)}}`);
const deep100k = Buffer.from(`{"email":${'['.repeat(100_000)}${']'.repeat(100_000)},"password":"x"}`);
const withNul = Buffer.from(JSON.stringify({ email: 'someone@district.test', password: 'pass\u0000word' }));
const benignMiB = Buffer.from(JSON.stringify({ rows: Array.from({ length: 9_000 }, (_, i) => ({ id: i, name: `Student ${i}`, note: 'x'.repeat(80) })) }));

interface Row extends LoadResult {
  name: string;
  ratioToBaseline: number;
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  try {
    const gateway = await startGateway({ OUTBOX_RELAY_ENABLED: 'false', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000000' });
    bench.onClose(() => gateway.close());
    await gateway.listen(0, '127.0.0.1');
    const port = portOf(gateway.getHttpServer().address());
    const client = httpClient(port, CONCURRENCY * 2);
    bench.onClose(async () => client.close());

    const measurements: { name: string; operation: ReturnType<typeof client.get> }[] = [
      { name: 'GET /health/live (baseline)', operation: client.get('/health/live') },
      { name: 'POST /api/auth/login, 1 MiB nested 500k deep → 400', operation: client.post('/api/auth/login', deepest, {}, 400) },
      { name: 'POST /api/auth/login, nested 100k deep → 400', operation: client.post('/api/auth/login', deep100k, {}, 400) },
      { name: 'POST /api/auth/login, NUL in a field → 400', operation: client.post('/api/auth/login', withNul, {}, 400) },
    ];
    const rows: Row[] = [];
    let baseline = 0;
    for (const { name, operation } of measurements) {
      const result = summarize(CONCURRENCY, [await sample(operation, CONCURRENCY, LIMITS)]);
      if (rows.length === 0) baseline = result.perSecond;
      printProgress(name, result);
      rows.push({ name, ...result, ratioToBaseline: result.perSecond / baseline });
    }

    // The trivial round trip alone, then while four callers keep sending the 1 MiB hostile body.
    const alone = summarize(1, [await sample(client.get('/health/live'), 1, LIMITS)]);
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const hostile = client.post('/api/auth/login', deepest, {}, 400);
        while (flooding) await hostile();
      }),
    );
    const underFlood = summarize(1, [await sample(client.get('/health/live'), 1, LIMITS)]);
    flooding = false;
    await flood;
    printProgress('GET /health/live alone', alone);
    printProgress('GET /health/live while 1 MiB hostile bodies arrive (c4)', underFlood);

    const scan = timePerMiB(() => exceedsJsonDepth(benignMiB, 32), benignMiB.length);
    const parse = timePerMiB(() => JSON.parse(benignMiB.toString('utf8')), benignMiB.length);

    const header = ['measurement', 'c', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs baseline'];
    const cells: Cell[][] = rows.map((row) => [row.name, row.concurrency, row.perSecond, row.p50Ms, row.p99Ms, row.errors, ratio(row.perSecond, baseline)]);
    console.log(`\n${table(header, cells)}\n`);
    console.log(
      `/health/live p99 alone ${alone.p99Ms.toFixed(2)} ms, while hostile bodies arrive ${underFlood.p99Ms.toFixed(2)} ms ` +
        `(throughput ${ratio(underFlood.perSecond, alone.perSecond)} of alone)`,
    );
    console.log(`depth scan ${formatNumber(scan)} MiB/s vs JSON.parse ${formatNumber(parse)} MiB/s of the same benign 1 MiB document (${ratio(scan, parse)})`);
    const file = writeResult(ROOT, 'hostile-input', {
      machine: machine(ROOT),
      rows,
      healthAlone: alone,
      healthUnderFlood: underFlood,
      depthScanMiBPerSecond: scan,
      jsonParseMiBPerSecond: parse,
    });
    console.log(`result: ${file}`);
    return rows.some((row) => row.errors > 0) ? 1 : 0;
  } finally {
    await bench.close();
  }
}

function timePerMiB(work: () => unknown, bytes: number): number {
  for (let i = 0; i < 5; i++) work();
  const rounds = 40;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) work();
  return (rounds * bytes) / MIB / ((performance.now() - started) / 1000);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
