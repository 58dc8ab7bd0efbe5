import 'reflect-metadata';

import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { databaseUrl } from '@sessionledger/testing';
import { nameSearchKey } from '../apps/gateway/src/directory/shared/name-search';
import { studentSearchStatements } from '../apps/gateway/src/directory/students/student-search.queries';
import { createDistrict, signIn, startGateway } from '../apps/gateway/test/support/gateway-harness';
import { httpClient, LoadLimits, LoadResult, Operation, portOf, Sample, sample, summarize } from './support/load';
import { Cell, formatNumber, machine, pct, printProgress, ratio, seconds, table, writeResult } from './support/report';
import { openBenchRun } from './support/bench-run';

/**
 * GET /api/students?q= (a provider's student search) on a district of 200,000 students in 300 schools,
 * beside the gateway's trivial round trip (GET /health/live) measured in the
 * same run, interleaved. Client, gateway and PostgreSQL share the machine's
 * cores: the ratios travel between machines, the absolute figures do not.
 */
const ROOT = join(__dirname, '..');
const STUDENTS = 200_000;
const SCHOOLS = 300;
const INACTIVE_SHARE = 0.03;
const INSERT_BATCH = 10_000;
const CONCURRENCIES = [1, 8];
const LIMITS: LoadLimits = { count: 20_000, maxMs: 2_500, warmup: 100 };
/** Each measurement at a concurrency is taken in this many slices, interleaved with the others. */
const ROUNDS = 5;
const PREFIXES_PER_LENGTH = 1_000;
const NO_BACKGROUND_RELAY = { OUTBOX_RELAY_ENABLED: 'false' };

interface Measurement {
  id: string;
  name: string;
  paths: string[];
  auth: boolean;
}

interface MeasuredRow extends LoadResult {
  id: string;
  name: string;
  /** Throughput against GET /health/live at the same concurrency. */
  ratioToBaseline: number;
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  try {
    const started = performance.now();

    const gateway = await startGateway(NO_BACKGROUND_RELAY);
    bench.onClose(() => gateway.close());
    await gateway.listen(0, '127.0.0.1');
    const district = await createDistrict(gateway, SCHOOLS);
    const provider = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const session = await signIn(gateway, provider.email);

    const roster = generateStudents(STUDENTS, district.schools.map((school) => school.id), mulberry32(20261125));
    const loaded = await insertStudents(gateway.get(TenantTransactions), district.id, roster);
    const owner = new Client({ connectionString: databaseUrl(run.database) });
    await owner.connect();
    bench.onClose(() => owner.end());
    // The app role may not VACUUM or ANALYZE. After a bulk load autovacuum does both within a minute or so: ANALYZE
    // gives the planner the new distribution, VACUUM the visibility map that lets index-only scans skip the table.
    // The count of the commonest initial, the search's heaviest statement, is explained in between to show the difference.
    let step = performance.now();
    await owner.query('ANALYZE gateway.student');
    const analyzeSeconds = seconds(step);
    const heaviest = commonestInitial(roster);
    const [beforeVacuum] = await explainPlans(gateway.get(TenantTransactions), district.id, [{ label: 'before VACUUM', q: heaviest, page: 1 }]);
    step = performance.now();
    await owner.query('VACUUM gateway.student');
    const vacuumSeconds = seconds(step);
    const [afterVacuum] = await explainPlans(gateway.get(TenantTransactions), district.id, [{ label: 'after VACUUM', q: heaviest, page: 1 }]);
    console.log(
      `setup ${seconds(started)} s: database ${run.database}; ${formatNumber(STUDENTS)} students (${pct(INACTIVE_SHARE, 1)} inactive) in ${SCHOOLS} schools ` +
        `inserted through the gateway's role in one district transaction in ${loaded.seconds} s (${formatNumber(loaded.rowsPerSecond)} rows/s), ` +
        `ANALYZE ${analyzeSeconds} s, VACUUM ${vacuumSeconds} s; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`,
    );
    for (const plan of [beforeVacuum, afterVacuum]) {
      console.log(
        `  count statement for q=${JSON.stringify(heaviest)} ${plan.label}: ${plan.countMs} ms, heap fetches ${heapFetches(plan.countPlan)} ` +
          `(page statement ${plan.pageMs} ms, heap fetches ${heapFetches(plan.pagePlan)})`,
      );
      for (const line of plan.countPlan.filter((l) => /Scan|Heap/.test(l))) console.log(`      ${line.trim()}`);
    }
    console.log('');

    const random = mulberry32(7);
    const prefixes = [1, 2, 3].map((length) => Array.from({ length: PREFIXES_PER_LENGTH }, () => typedPrefix(roster, length, random)));
    const mixed = prefixes[0].flatMap((prefix, i) => [prefix, prefixes[1][i], prefixes[2][i]]);
    const searchPath = (q: string) => `/api/students?q=${encodeURIComponent(q)}`;
    const measurements: Measurement[] = [
      { id: 'a', name: 'baseline: gateway GET /health/live', paths: ['/health/live'], auth: false },
      { id: 'b', name: 'reference: GET /api/me (auth + tenant tx)', paths: ['/api/me'], auth: true },
      { id: 'c', name: 'search, random 1-3 letter prefixes', paths: mixed.map(searchPath), auth: true },
      ...prefixes.map((list, i) => ({ id: `c${i + 1}`, name: `  of which ${i + 1}-letter prefixes only`, paths: list.map(searchPath), auth: true })),
    ];

    step = performance.now();
    const matches = await matchCounts(gateway.getHttpServer().address(), session.accessToken, prefixes);
    console.log(`Matches per sampled prefix (total of the answer, ${matches[0].sampled} prefixes of each length, ${seconds(step)} s):`);
    console.log(
      table(
        ['prefix', 'median', 'p90', 'max', 'examples'],
        matches.map((m): Cell[] => [`${m.length} letter${m.length > 1 ? 's' : ''}`, m.median, m.p90, m.max, m.examples.join(', ')]),
      ),
    );

    const port = portOf(gateway.getHttpServer().address());
    const auth = { authorization: `Bearer ${session.accessToken}` };
    const results: MeasuredRow[] = [];
    for (const concurrency of CONCURRENCIES) {
      const client = httpClient(port, concurrency);
      const operations = new Map(measurements.map((m) => [m.id, rotating(m.paths.map((path) => client.get(path, m.auth ? auth : {})))]));
      const slices = new Map<string, Sample[]>(measurements.map((m) => [m.id, []]));
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const m of measurements) {
          const limits = { count: Math.ceil(LIMITS.count / ROUNDS), maxMs: LIMITS.maxMs / ROUNDS, warmup: round === 0 ? LIMITS.warmup : 2 * concurrency };
          slices.get(m.id)!.push(await sample(operations.get(m.id)!, concurrency, limits));
        }
      }
      client.close();
      const baseline = summarize(concurrency, slices.get('a')!).perSecond;
      for (const m of measurements) {
        const result = summarize(concurrency, slices.get(m.id)!);
        results.push({ id: m.id, name: m.name, ...result, ratioToBaseline: result.perSecond / baseline });
        printProgress(m.name, result);
      }
    }

    const plans = await explainPlans(gateway.get(TenantTransactions), district.id, [
      { label: `the widest 1-letter prefix sampled, "${matches[0].widest}"`, q: matches[0].widest, page: 1 },
      { label: 'a 3-letter prefix', q: matches[2].examples[0], page: 1 },
      { label: 'two words (first letters of a first and a last name), page 2', q: twoWords(roster, random), page: 2 },
    ]);
    printReport(results, plans);

    const file = writeResult(ROOT, 'student-search', {
      bench: 'student-search',
      measuredAt: new Date().toISOString(),
      machine: machine(ROOT),
      data: { students: STUDENTS, schools: SCHOOLS, inactiveShare: INACTIVE_SHARE, insert: loaded, analyzeSeconds, vacuumSeconds },
      visibilityMap: { q: heaviest, beforeVacuum: timings(beforeVacuum), afterVacuum: timings(afterVacuum) },
      limits: { concurrencies: CONCURRENCIES, rounds: ROUNDS, http: LIMITS, prefixesPerLength: PREFIXES_PER_LENGTH },
      matches,
      http: results,
      plans,
    });
    console.log(`\nresult: ${file} (whole bench ${seconds(started)} s)`);
    const errors = results.reduce((sum, row) => sum + row.errors, 0);
    const unindexed = plans.filter((plan) => !plan.usesSearchIndexes);
    if (errors > 0) console.error(`${errors} requests answered other than 200; the figures above are not trustworthy`);
    if (unindexed.length > 0) console.error(`the search did not use the search indexes alone for: ${unindexed.map((p) => p.label).join('; ')}`);
    return errors > 0 || unindexed.length > 0 ? 1 : 0;
  } finally {
    await bench.close();
  }
}

interface GeneratedStudent {
  firstName: string;
  lastName: string;
}

/**
 * Names shaped like a large US district's: a head of common names (García and
 * Garcia both, as rosters spell them), a long tail of rarer ones, and names
 * from across Europe with their letters.
 */
function generateStudents(count: number, schoolIds: string[], random: () => number): (GeneratedStudent & { schoolId: string; active: boolean; grade: string })[] {
  const firstHead = weighted(FIRST_NAMES, random);
  const lastHead = weighted(LAST_NAMES, random);
  const firstTail = Array.from({ length: 5_000 }, () => invented(random, 2));
  const lastTail = Array.from({ length: 30_000 }, () => invented(random, 2 + Math.floor(random() * 2)));
  const grades = ['PK', 'K', ...Array.from({ length: 12 }, (_, i) => String(i + 1))];
  // About as concentrated as US names: the commonest 150 first names are most children's, the commonest 200 surnames a third of people's.
  return Array.from({ length: count }, (_, i) => ({
    firstName: random() < 0.7 ? firstHead() : pick(firstTail, random),
    lastName: random() < 0.35 ? lastHead() : pick(lastTail, random),
    schoolId: schoolIds[i % schoolIds.length],
    active: random() >= INACTIVE_SHARE,
    grade: pick(grades, random),
  }));
}

/** Multi-row INSERTs of INSERT_BATCH rows (json_to_recordset), as the gateway's role, in one district transaction. */
async function insertStudents(
  transactions: TenantTransactions,
  districtId: string,
  students: ReturnType<typeof generateStudents>,
): Promise<{ rows: number; seconds: number; rowsPerSecond: number }> {
  const started = performance.now();
  await transactions.run(districtId, async (em) => {
    for (let offset = 0; offset < students.length; offset += INSERT_BATCH) {
      const rows = students.slice(offset, offset + INSERT_BATCH).map((student, i) => ({
        id: newId(),
        local_id: `B${String(offset + i).padStart(7, '0')}`,
        first_name: student.firstName,
        last_name: student.lastName,
        grade: student.grade,
        school_id: student.schoolId,
        active: student.active,
      }));
      await em.execute(
        `INSERT INTO gateway.student (id, district_id, local_id, first_name, last_name, grade, school_id, active)
         SELECT id, ?::uuid, local_id, first_name, last_name, grade, school_id, active
         FROM json_to_recordset(?::json) AS r(id uuid, local_id text, first_name text, last_name text, grade text, school_id uuid, active boolean)`,
        [districtId, JSON.stringify(rows)],
      );
    }
  });
  const elapsed = seconds(started);
  return { rows: students.length, seconds: elapsed, rowsPerSecond: students.length / elapsed };
}

/** What a provider types: the first 1-3 letters of a real student's first or last name, in any case, accents typed or not. */
function typedPrefix(students: GeneratedStudent[], length: number, random: () => number): string {
  for (;;) {
    const student = pick(students, random);
    const name = random() < 0.5 ? student.firstName : student.lastName;
    const prefix = Array.from(name).slice(0, length).join('');
    if (Array.from(prefix).length < length || /[\s'’-]/.test(prefix)) continue;
    const roll = random();
    return roll < 0.4 ? nameSearchKey(prefix) : roll < 0.6 ? prefix.toUpperCase() : prefix;
  }
}

function twoWords(students: GeneratedStudent[], random: () => number): string {
  const student = pick(students, random);
  return `${Array.from(student.firstName).slice(0, 1).join('')} ${Array.from(student.lastName).slice(0, 2).join('')}`;
}

interface MatchCounts {
  length: number;
  sampled: number;
  median: number;
  p90: number;
  max: number;
  widest: string;
  examples: string[];
}

/** How many students each sampled prefix finds, read from the answers' totals. */
async function matchCounts(address: AddressInfo | string | null, token: string, prefixes: string[][]): Promise<MatchCounts[]> {
  const results: MatchCounts[] = [];
  for (const [i, list] of prefixes.entries()) {
    const sampled = list.slice(0, 100);
    const totals: { q: string; total: number }[] = [];
    for (const q of sampled) totals.push({ q, total: await total(portOf(address), token, q) });
    const sorted = [...totals].sort((a, b) => a.total - b.total);
    const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1)))].total;
    results.push({
      length: i + 1,
      sampled: sampled.length,
      median: at(0.5),
      p90: at(0.9),
      max: sorted[sorted.length - 1].total,
      widest: nameSearchKey(sorted[sorted.length - 1].q),
      examples: [...new Set(sampled.slice(0, 6))],
    });
  }
  return results;
}

async function total(port: number, token: string, q: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/students?q=${encodeURIComponent(q)}&pageSize=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`search for ${q} answered ${response.status}`);
  return ((await response.json()) as { total: number }).total;
}

interface Plan {
  label: string;
  q: string;
  page: number;
  usesSearchIndexes: boolean;
  pageMs: number;
  countMs: number;
  pagePlan: string[];
  countPlan: string[];
}

/** EXPLAIN ANALYZE of the endpoint's own statements, run as it runs them: the gateway's role, the district's transaction. */
async function explainPlans(transactions: TenantTransactions, districtId: string, queries: { label: string; q: string; page: number }[]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const query of queries) {
    const statements = studentSearchStatements(districtId, query.q, { page: query.page, pageSize: 50 })!;
    const explain = (statement: { sql: string; params: unknown[] }) =>
      transactions.run(districtId, async (em) => {
        const rows = await em.execute<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.sql}`, statement.params);
        return rows.map((row) => row['QUERY PLAN']);
      });
    const pagePlan = await explain(statements.page);
    const countPlan = await explain(statements.count);
    const readsStudents = (plan: string[]) => plan.filter((line) => /Scan.* on student\b/.test(line));
    const searchScans = [...pagePlan, ...countPlan].filter((line) => /Scan.* on student\b/.test(line));
    const usesSearchIndexes =
      searchScans.length > 0 &&
      readsStudents(countPlan).every((line) => /Index Only Scan using student_search_(first|last)_idx/.test(line)) &&
      readsStudents(pagePlan).every((line) => /Index Only Scan using student_search_(first|last)_idx|Index Scan using student_pkey/.test(line));
    plans.push({
      ...query,
      usesSearchIndexes,
      pageMs: executionMs(pagePlan),
      countMs: executionMs(countPlan),
      pagePlan,
      countPlan,
    });
  }
  return plans;
}

function heapFetches(plan: string[]): number {
  return plan.reduce((sum, line) => sum + Number(/Heap Fetches: (\d+)/.exec(line)?.[1] ?? 0), 0);
}

function timings(plan: Plan): { pageMs: number; countMs: number; pageHeapFetches: number; countHeapFetches: number } {
  return { pageMs: plan.pageMs, countMs: plan.countMs, pageHeapFetches: heapFetches(plan.pagePlan), countHeapFetches: heapFetches(plan.countPlan) };
}

/** The folded first letter that starts the most first or last names: the widest one-letter search. */
function commonestInitial(students: GeneratedStudent[]): string {
  const counts = new Map<string, number>();
  for (const student of students) {
    const initials = new Set([nameSearchKey(student.firstName).charAt(0), nameSearchKey(student.lastName).charAt(0)]);
    for (const initial of initials) counts.set(initial, (counts.get(initial) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

function executionMs(plan: string[]): number {
  const line = plan.find((l) => l.startsWith('Execution Time'));
  return line ? Number(/([\d.]+) ms/.exec(line)![1]) : Number.NaN;
}

function printReport(http: MeasuredRow[], plans: Plan[]): void {
  const ms = (value: number) => value.toFixed(2);
  const spread = (row: LoadResult) => pct(Math.max(...row.slicesPerSecond) - Math.min(...row.slicesPerSecond), row.perSecond);
  console.log(`\nHTTP round trips over 127.0.0.1, keep-alive, ${ROUNDS} interleaved slices each (spread: fastest - slowest slice, of the rate)\n`);
  console.log(
    table(
      ['', 'measurement', 'conc', 'requests', 'req/s', 'spread', 'p50 ms', 'p99 ms', 'vs /health/live', 'errors'],
      http.map((row): Cell[] => [
        row.id,
        row.name,
        row.concurrency,
        row.completed,
        row.perSecond,
        spread(row),
        ms(row.p50Ms),
        ms(row.p99Ms),
        ratio(row.ratioToBaseline, 1),
        row.errors,
      ]),
    ),
  );

  for (const plan of plans) {
    console.log(`\nEXPLAIN ANALYZE, ${plan.label}: q=${JSON.stringify(plan.q)} page ${plan.page} (page ${plan.pageMs} ms, count ${plan.countMs} ms)`);
    console.log('  page statement:');
    for (const line of plan.pagePlan) console.log(`    ${line}`);
    if (plan === plans[0]) {
      console.log('  count statement (run only when the page is full or past the end; the same scans without the sort):');
      for (const line of plan.countPlan) console.log(`    ${line}`);
    }
  }

  console.log('');
  for (const id of ['a', 'b', 'c', 'c1', 'c2', 'c3']) {
    const rows = http.filter((r) => r.id === id);
    const figures = rows.map((r) => {
      const versus = id === 'a' ? '' : ` (${ratio(r.ratioToBaseline, 1)})`;
      return `c${r.concurrency} ${formatNumber(r.perSecond)} req/s p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)} ms${versus}`;
    });
    console.log(`SUMMARY ${id}) ${rows[0].name.trim()}: ${figures.join(' | ')}`);
  }
  console.log(`SUMMARY plans: ${plans.map((p) => `${p.label}: ${p.usesSearchIndexes ? 'search indexes only' : 'NOT the search indexes'}`).join('; ')}`);
}

/** Cycles through one operation per path, so concurrent callers spread over the prefixes. */
function rotating(operations: Operation[]): Operation {
  let next = 0;
  return () => operations[next++ % operations.length]();
}


function weighted(names: string[], random: () => number): () => string {
  // Zipf-like: the n-th most common name is about 1/n^0.9 as frequent as the first.
  const cumulative: number[] = [];
  names.reduce((sum, _, rank) => (cumulative[rank] = sum + 1 / Math.pow(rank + 1, 0.9)), 0);
  const totalWeight = cumulative[cumulative.length - 1];
  return () => {
    const target = random() * totalWeight;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid] < target) low = mid + 1;
      else high = mid;
    }
    return names[low];
  };
}

const CONSONANTS = [...'bbccddffgghhjkkllmmnnpprrssttvwyz', 'br', 'ch', 'sh', 'st', 'th', 'kr', 'gl', 'ñ'];
const VOWELS = [...'aaeeiioouy', 'á', 'é', 'ö', 'ü', 'ø'];
const CODAS = ['', '', '', 'n', 'r', 's', 'l', 'k', 'm', 'rt', 'nd', 'ck'];

/** A pronounceable name no list holds: the long tail of a district's roster. */
function invented(random: () => number, syllables: number): string {
  const word = Array.from({ length: syllables }, () => pick(CONSONANTS, random) + pick(VOWELS, random) + pick(CODAS, random)).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

/** A small seeded generator, so every run searches the same district. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}




const FIRST_NAMES = [
  'Liam', 'Olivia', 'Noah', 'Emma', 'Mateo', 'Sofía', 'Santiago', 'Isabella', 'Sebastián', 'Camila', 'Elijah', 'Ava', 'James', 'Mia',
  'Benjamin', 'Charlotte', 'Lucas', 'Amelia', 'Henry', 'Evelyn', 'Alexander', 'Harper', 'William', 'Luna', 'Daniel', 'Sophia', 'Michael',
  'Valentina', 'Ethan', 'Emily', 'Jacob', 'Abigail', 'José', 'Zoé', 'Aiden', 'Chloé', 'Jayden', 'Ximena', 'Luis', 'Madison', 'David',
  'Gianna', 'Gabriel', 'Elena', 'Julián', 'Victoria', 'Matías', 'Grace', 'Ángel', 'Nora', 'Samuel', 'Zoe', 'Joseph', 'Chloe', 'Carter',
  'Aaliyah', 'Owen', 'Layla', 'Wyatt', 'Natalia', 'John', 'Riley', 'Jack', 'Lily', 'Leo', 'Hannah', 'Diego', 'Renée', 'Isaac', 'Aria',
  'Andrés', 'Naomi', 'Nicolás', 'Ellie', 'Adrián', 'Stella', 'Ryan', 'Paisley', 'Nathan', 'Hazel', 'Caleb', 'Violet', 'Dylan', 'Maya',
  'Jesús', 'Ruby', 'Christopher', 'Madeline', 'Joshua', 'Lucía', 'Andrew', 'Brooklyn', 'Isaiah', 'Savannah', 'Thomas', 'Claire', 'Aaron',
  'Skylar', 'Miguel', 'Anna', 'Christian', 'Ivy', 'Jonathan', 'Sarah', 'Adam', 'Julia', 'Jason', 'Alice', 'Kevin', 'Eva', 'Raúl', 'María',
  'Héctor', 'Inés', 'Björn', 'Søren', 'Jürgen', 'Chloë', 'Noël', 'François', 'Zoë', 'Ana', 'Thanh', 'Nguyệt', 'Đức', 'Łucja', 'Ömer',
  'Ayşe', 'Çağla', 'Ibrahim', 'Fatima', 'Omar', 'Yusuf', 'Priya', 'Arjun', 'Wei', 'Jin', 'Hiroshi', 'Yuki', 'Kwame', 'Amara', 'Olumide',
];

const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'García', 'Garcia', 'Brown', 'Rodríguez', 'Jones', 'Hernández', 'Rodriguez', 'Miller', 'Martínez',
  'Davis', 'López', 'Gonzalez', 'González', 'Hernandez', 'Wilson', 'Pérez', 'Martinez', 'Anderson', 'Sánchez', 'Lopez', 'Thomas', 'Ramírez',
  'Taylor', 'Nguyen', 'Moore', 'Torres', 'Jackson', 'Flores', 'Martin', 'Rivera', 'Lee', 'Gómez', 'Thompson', 'Díaz', 'White', 'Reyes',
  'Harris', 'Cruz', 'Clark', 'Morales', 'Lewis', 'Gutiérrez', 'Robinson', 'Ortiz', 'Walker', 'Chávez', 'Young', 'Ramos', 'Allen', 'Ruiz',
  'King', 'Álvarez', 'Wright', 'Mendoza', 'Scott', 'Castillo', 'Hill', 'Jiménez', 'Green', 'Vásquez', 'Adams', 'Moreno', 'Nelson',
  'Romero', 'Baker', 'Herrera', 'Hall', 'Medina', 'Campbell', 'Aguilar', 'Mitchell', 'Castro', 'Carter', 'Fernández', 'Roberts', 'Vargas',
  'Phillips', 'Guzmán', 'Evans', 'Muñoz', 'Turner', 'Salazar', 'Parker', 'Peña', 'Collins', 'Núñez', 'Edwards', 'Márquez', 'Stewart',
  'Méndez', 'Morris', 'Ávila', 'Murphy', 'Juárez', 'Cook', 'Mejía', 'Rogers', 'Durán', 'Morgan', 'León', 'Cooper', 'Solís', 'Peterson',
  'Alvarado', 'Bailey', 'Tran', 'Reed', 'Le', 'Kelly', 'Pham', 'Howard', 'Patel', 'Kim', 'Singh', 'Cox', 'Chen', 'Ward', 'Wang', 'Brooks',
  'Li', 'Watson', 'Liu', 'Sanders', 'Park', 'Price', 'Müller', 'Bennett', 'Schmidt', 'Wood', 'Schneider', 'Barnes', 'Fischer', 'Ross',
  'Weber', 'Henderson', 'Meyer', 'Coleman', 'Wagner', 'Jenkins', 'Becker', 'Perry', 'Schulz', 'Powell', 'Hoffmann', 'Long', 'Koch',
  "O'Brien", 'Richter', 'McDonald', 'Klein', 'Sullivan', 'Wolf', 'Russell', 'Schröder', 'Fisher', 'Neumann', 'Washington', 'Schwarz',
  'Graham', 'Zimmermann', 'Hamilton', 'Braun', 'Dubois', 'Lefèvre', 'Girard', 'Øvergaard', 'Ødegaard', 'Łukaszewski', 'Dvořák', 'Šimić',
  'Öztürk', 'Çelik', 'Yılmaz', 'Nowak', 'Kowalski', 'Wiśniewski', 'Nakamura', 'Tanaka', 'Okafor', 'Mensah', 'Abdi', 'Hassan', 'Ali',
];

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
