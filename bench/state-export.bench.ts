import 'reflect-metadata';

import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client, Pool } from 'pg';
import { messagingTransport } from '@sessionledger/messaging';
import { appRoleOf, databaseUrl, startApp, stopApps } from '@sessionledger/testing';
import { createDistrict, signIn, startGateway } from '../apps/gateway/test/support/gateway-harness';
import { CSV_HEADER } from '../apps/state-reporting/src/exports/export-sql';
import { RunExport } from '../apps/state-reporting/src/exports/run-export';
import { StateReportingModule } from '../apps/state-reporting/src/state-reporting.module';
import { Cell, formatNumber, machine, pct, ratio, seconds, table, writeResult } from './support/report';
import { openBenchRun } from './support/bench-run';
import { portOf } from './support/load';

/**
 * A state export of up to 1,000,000 encounter records, end to end through
 * the gateway: POST /api/reporting/exports, poll GET /api/reporting/exports/:id
 * until the BullMQ job is done, stream GET .../download to nowhere counting
 * bytes and lines. Beside it, in the same run and on the same rows, a plain
 * `COPY (SELECT the same columns ... ORDER BY the export's order) TO STDOUT
 * WITH CSV` read by this process over the pg protocol (and, as a second
 * reference, by psql into /dev/null). This process's memory (gateway, state
 * reporting and the client share it) is sampled every 50 ms during each run:
 * an export that streams keeps the same peak at 100k records as at 1M. The
 * records are seeded by set-based SQL as the database owner (realistic
 * values: qualifiers, subjects, state ids, numeric school codes, names that
 * need CSV quoting); each export starts with nothing sent before (so every
 * record is an ADD, the same work per row at every size). PostgreSQL's own
 * memory (the export's temporary table, the sort) is not in these figures.
 */
const ROOT = join(__dirname, '..');
const SESSIONS_PER_DAY = 1_000;
const STUDENTS_PER_SESSION = 4;
/** Export sizes, in records (whole days of 4,000); BENCH_STATE_EXPORT_SIZES=100000,300000 measures fewer, seeding only what the largest needs. */
const SIZES = process.env.BENCH_STATE_EXPORT_SIZES ? process.env.BENCH_STATE_EXPORT_SIZES.split(',').map(Number) : [100_000, 300_000, 1_000_000];
const DAYS = Math.max(...SIZES) / (SESSIONS_PER_DAY * STUDENTS_PER_SESSION);
const SESSIONS = SESSIONS_PER_DAY * DAYS;
const RECORDS = SESSIONS * STUDENTS_PER_SESSION;
const STUDENTS = 20_000;
const PROVIDERS = 400;
const SCHOOLS = 12;
const FIRST_DAY = '2025-08-18';
const SAMPLE_MS = 50;
const POLL_MS = 100;
/** An export not done by then fails the bench (with where it stood) rather than hanging it. */
const EXPORT_TIMEOUT_MS = 900_000;
/**
 * A CSV export is skipped (and projected from the one before) when it would
 * take longer than this; BENCH_STATE_EXPORT_MAX_S raises it to measure 1M
 * on a slow machine.
 */
const MAX_EXPORT_MS = Number(process.env.BENCH_STATE_EXPORT_MAX_S ?? 240) * 1000;
/** The Ed-Fi export runs once, at the largest size whose CSV export took less than this. */
const EDFI_IF_CSV_UNDER_MS = 90_000;

const FIRST_NAMES = ['Ava', 'Liam', 'Sofia', 'Noah', 'Mia', 'Mateo', 'Zoe', 'Elijah', 'Amara', 'Lucas', 'Harper', 'Jayden', 'Aaliyah', 'Diego', 'Chloe', 'Kai'];
const LAST_NAMES = ['Nguyen', 'García', "O'Brien", 'Smith, Jr.', 'Johnson', 'Patel', 'Williams', 'Hernández', 'Brown', 'Kim "KJ"', 'Davis', 'Okafor', 'Martinez', 'Lee', 'Anderson', 'Thompson'];
const PROVIDER_NAMES = ['Tess Morgan', 'Raj Iyer', 'Maria Lopez', 'Dan Whitaker', 'Keisha Ford', 'Sam Cho', 'Leah Goldberg', 'Omar Haddad'];
const SUBJECTS = ['Mathematics', 'Reading', 'Science', 'Writing', 'Algebra I'];

interface MemoryPeak {
  samples: number;
  /** Before the run, after a full GC. */
  baseHeapUsedMb: number;
  baseRssMb: number;
  peakHeapUsedMb: number;
  peakRssMb: number;
  /** Peak minus base. */
  heapGrowthMb: number;
  rssGrowthMb: number;
  /** After the run and a full GC: what the run left behind (garbage collected, a leak would stay). */
  afterGcHeapUsedMb: number;
  /** Exports: the peaks until the job was seen done, and during the download. */
  phases?: { jobPeakHeapUsedMb: number; jobPeakRssMb: number; downloadPeakHeapUsedMb: number; downloadPeakRssMb: number };
}

interface CopyRun {
  kind: 'copy-pg' | 'copy-psql';
  records: number;
  seconds: number;
  rows: number;
  bytes: number;
  rowsPerSecond: number;
  memory: MemoryPeak;
}

interface ExportRun {
  kind: 'export-csv' | 'export-edfi';
  records: number;
  from: string;
  to: string;
  exportId: string;
  /** POST to the downloaded last byte. */
  seconds: number;
  rowsPerSecond: number;
  /** POST → the job's start, RunExport.execute (timed in this process), its end → the poll that saw it done, the download; finishedAt − startedAt as the export reports them. */
  phases: { queuedS: number; jobS: number; pollLagS: number; downloadS: number; reportedJobS: number };
  /** Wall time inside the job's statements, by statement, and what is left (JavaScript, BullMQ, event loop). */
  jobSql: Record<string, { calls: number; seconds: number }>;
  downloadSql: { calls: number; seconds: number };
  chunks: number;
  bytes: number;
  lines: number;
  counts: Record<string, number>;
  memory: MemoryPeak;
  problems: string[];
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  const gc = exposeGc();
  try {
    const setupStarted = performance.now();
    const gateway = await startGateway({ RPC_TIMEOUT_MS: '30000' });
    bench.onClose(() => stopApps(gateway));
    const stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    bench.onClose(() => stopApps(stateReporting));
    await gateway.listen(0, '127.0.0.1');
    const port = portOf(gateway.getHttpServer().address());
    const district = await createDistrict(gateway, 0);
    const admin = await signIn(gateway, district.admin.email);
    const http = jsonClient(port, admin.accessToken);
    bench.onClose(async () => http.close());

    // Schools with numeric state codes (Ed-Fi's educationOrganizationId is an integer), through the API.
    const schools: { id: string; stateSchoolCode: string }[] = [];
    for (let i = 0; i < SCHOOLS; i += 1) {
      const code = String(255_901_001 + i);
      const created = await http.call('POST', '/api/schools', { name: `Bench school ${code}`, stateSchoolCode: code });
      if (created.status !== 201) throw new Error(`POST /api/schools answered ${created.status}: ${JSON.stringify(created.body)}`);
      schools.push(created.body as { id: string; stateSchoolCode: string });
    }

    const owner = new Pool({ connectionString: databaseUrl(run.database), max: 2 });
    bench.onClose(() => owner.end());
    const seedStarted = performance.now();
    await seed(owner, district.id, schools);
    const seedSeconds = seconds(seedStarted);

    const tracer = traceSql(stateReporting.get(MikroORM), stateReporting.get(RunExport));
    const appUrl = databaseUrl(run.database, appRoleOf('state-reporting'));
    console.log(
      `setup ${seconds(setupStarted)} s: database ${run.database}, gateway + state reporting in this process; ` +
        `${formatNumber(RECORDS)} current eligible records (${formatNumber(SESSIONS)} sessions × ${STUDENTS_PER_SESSION} of ${formatNumber(STUDENTS)} students, ` +
        `${DAYS} days from ${FIRST_DAY}, ${SCHOOLS} schools) seeded by SQL in ${seedSeconds} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
    );

    // Warm-up, untimed: one day through every path (JIT, pools, the plan cache).
    await copyViaPg(appUrl, district.id, FIRST_DAY, FIRST_DAY, gc);
    await forgetSent(owner, district.id);
    const warm = await exportOnce(http, tracer, 'csv', FIRST_DAY, FIRST_DAY, SESSIONS_PER_DAY * STUDENTS_PER_SESSION, gc);
    if (warm.problems.length) throw new Error(`warm-up export: ${warm.problems.join('; ')}`);
    console.log(`warm-up: one day (${formatNumber(warm.records)} records) exported and downloaded in ${warm.seconds} s\n`);

    const copies: CopyRun[] = [];
    const exports: ExportRun[] = [];
    const skipped: { records: number; projectedSeconds: number; reason: string }[] = [];
    for (const size of SIZES) {
      const days = size / (SESSIONS_PER_DAY * STUDENTS_PER_SESSION);
      const to = addDays(FIRST_DAY, days - 1);
      const last = exports.filter((e) => e.kind === 'export-csv').at(-1);
      const projectedMs = last ? (last.seconds * 1000 * size) / last.records : 0;
      if (projectedMs > MAX_EXPORT_MS) {
        skipped.push({ records: size, projectedSeconds: projectedMs / 1000, reason: `projected from ${formatNumber(last!.records)} records` });
        console.log(`  ${formatNumber(size)} records: skipped, projected ${(projectedMs / 1000).toFixed(0)} s`);
        continue;
      }
      const copy = await copyViaPg(appUrl, district.id, FIRST_DAY, to, gc);
      copies.push(copy);
      printRun('COPY … TO STDOUT (pg protocol, this process)', copy);
      const psql = await copyViaPsql(appUrl, district.id, FIRST_DAY, to, size, gc);
      copies.push(psql);
      printRun('COPY … TO STDOUT (psql > /dev/null)', psql);
      await forgetSent(owner, district.id);
      const csv = await exportOnce(http, tracer, 'csv', FIRST_DAY, to, size, gc);
      exports.push(csv);
      printRun('export CSV (POST → done → download)', csv);
      printBreakdown(csv);
      if (copy.rows !== size) csv.problems.push(`COPY returned ${copy.rows} rows, expected ${size}`);
    }
    const edfiAt = exports.filter((e) => e.kind === 'export-csv' && e.seconds * 1000 < EDFI_IF_CSV_UNDER_MS).at(-1);
    if (edfiAt) {
      await forgetSent(owner, district.id);
      const edfi = await exportOnce(http, tracer, 'edfi', edfiAt.from, edfiAt.to, edfiAt.records, gc);
      exports.push(edfi);
      printRun('export Ed-Fi JSON (POST → done → download)', edfi);
      printBreakdown(edfi);
    } else {
      console.log(`  Ed-Fi: skipped (no CSV export took less than ${EDFI_IF_CSV_UNDER_MS / 1000} s)`);
    }

    printReport(copies, exports, skipped);
    const file = writeResult(ROOT, 'state-export', {
      bench: 'state-export',
      measuredAt: new Date().toISOString(),
      machine: machine(ROOT),
      postgres: await postgresSettings(owner),
      limits: { sessionsPerDay: SESSIONS_PER_DAY, studentsPerSession: STUDENTS_PER_SESSION, days: DAYS, records: RECORDS, students: STUDENTS, schools: SCHOOLS, sizes: SIZES, sampleMs: SAMPLE_MS, pollMs: POLL_MS },
      seedSeconds,
      copies,
      exports,
      skipped,
    });
    console.log(`\nresult: ${file} (whole bench ${seconds(setupStarted)} s)`);
    const problems = exports.flatMap((e) => e.problems.map((p) => `${e.kind} ${e.records}: ${p}`));
    if (problems.length) console.error(`the exported files are not what was expected: ${problems.join('; ')}`);
    return problems.length ? 1 : 0;
  } finally {
    await bench.close();
  }
}

/**
 * 250,000 posted tutoring sessions of 4 students each, current and eligible,
 * as state reporting stores them, in 4 slices on 2 connections.
 */
async function seed(owner: Pool, districtId: string, schools: { id: string; stateSchoolCode: string }[]): Promise<void> {
  const schoolIds = schools.map((s) => s.id);
  const codes = schools.map((s) => s.stateSchoolCode);
  const slices = 4;
  const per = SESSIONS / slices;
  const sessionsSql = `INSERT INTO state_reporting.reported_session
      (id, district_id, session_id, session_version, event, current, provider_id, provider_name, school_id, school_code, service, participant_kind,
       work_order_id, work_order_type, session_date, started_at, ended_at, state, career_ladder_goal_tagged, students, eligible, content_hash)
    SELECT md5('rs' || i)::uuid, $1, md5('s' || i)::uuid, 1, 'posted', true, md5('pv' || (i % ${PROVIDERS}))::uuid,
      ($4::text[])[1 + i % ${PROVIDER_NAMES.length}] || ' ' || (i % ${PROVIDERS}), ($2::uuid[])[1 + i % ${SCHOOLS}], ($3::text[])[1 + i % ${SCHOOLS}],
      'tutoring', 'student', md5('wo' || (i % ${PROVIDERS}))::uuid, 'tutoring', d, t, t + interval '45 minutes', 'ended', false, ${STUDENTS_PER_SESSION}, true, md5('content' || i)
    FROM generate_series($5::int, $6::int) AS i,
      LATERAL (SELECT $7::date + i / ${SESSIONS_PER_DAY} AS d) AS day,
      LATERAL (SELECT (d + time '08:00' + (i % 32) * interval '15 minutes') AT TIME ZONE 'America/Chicago' AS t) AS start`;
  const recordsSql = `INSERT INTO state_reporting.reportable_record
      (id, district_id, session_id, session_version, current, eligible, participant_id, student_id, student_name, state_id, school_id, school_code,
       student_school_id, student_school_code, session_date, attendance_status, time_in, time_out, time_away_minutes, minutes, minutes_outside_school_day,
       homebound, detention, credit_recovery, remedial, remedial_criteria, subject, service, delivery, provider_id, provider_name, work_order_id, work_order_type)
    SELECT md5('rr' || n)::uuid, $1, md5('s' || i)::uuid, 1, true, true, md5('pt' || n)::uuid, md5('st' || st)::uuid,
      ($5::text[])[1 + st % ${FIRST_NAMES.length}] || ' ' || ($6::text[])[1 + (st / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}],
      'TX' || lpad(st::text, 9, '0'), ($2::uuid[])[1 + i % ${SCHOOLS}], ($3::text[])[1 + i % ${SCHOOLS}], ($2::uuid[])[1 + st % ${SCHOOLS}], ($3::text[])[1 + st % ${SCHOOLS}],
      d, status, CASE WHEN status = 'attended' THEN t END, CASE WHEN status = 'attended' THEN t + interval '45 minutes' END, 0,
      mins, CASE WHEN n % 10 = 0 THEN least(15, mins) ELSE 0 END,
      n % 50 = 0, n % 13 = 0, n % 17 = 0, n % 3 = 0,
      CASE WHEN n % 3 <> 0 THEN '{}'::text[] WHEN n % 2 = 0 THEN '{d_or_f_grade}'::text[] ELSE '{d_or_f_grade,state_assessment}'::text[] END,
      CASE WHEN n % 9 = 0 THEN NULL ELSE ($7::text[])[1 + n % ${SUBJECTS.length}] END,
      'tutoring', 'small_group', md5('pv' || (i % ${PROVIDERS}))::uuid, ($4::text[])[1 + i % ${PROVIDER_NAMES.length}] || ' ' || (i % ${PROVIDERS}),
      md5('wo' || (i % ${PROVIDERS}))::uuid, 'tutoring'
    FROM generate_series($8::int, $9::int) AS i
      CROSS JOIN generate_series(0, ${STUDENTS_PER_SESSION - 1}) AS k,
      LATERAL (SELECT i * ${STUDENTS_PER_SESSION} + k AS n, (i * ${STUDENTS_PER_SESSION} + k) % ${STUDENTS} AS st, $10::date + i / ${SESSIONS_PER_DAY} AS d) AS r,
      LATERAL (SELECT (d + time '08:00' + (i % 32) * interval '15 minutes') AT TIME ZONE 'America/Chicago' AS t,
        CASE n % 20 WHEN 0 THEN 'missed_billable' WHEN 1 THEN 'cancelled_billable' WHEN 2 THEN 'cancelled_nonbillable' ELSE 'attended' END AS status) AS a,
      LATERAL (SELECT CASE WHEN status = 'attended' THEN 30 + (n % 7) * 5 ELSE 0 END AS mins) AS m`;
  const ranges = Array.from({ length: slices }, (_, s) => [s * per, (s + 1) * per - 1]);
  const inPairs = async (work: (range: number[]) => Promise<unknown>) => {
    for (let s = 0; s < ranges.length; s += 2) await Promise.all(ranges.slice(s, s + 2).map(work));
  };
  await inPairs(([from, to]) => owner.query(sessionsSql, [districtId, schoolIds, codes, PROVIDER_NAMES, from, to, FIRST_DAY]));
  await inPairs(([from, to]) => owner.query(recordsSql, [districtId, schoolIds, codes, PROVIDER_NAMES, FIRST_NAMES, LAST_NAMES, SUBJECTS, from, to, FIRST_DAY]));
  await owner.query('ANALYZE state_reporting.reported_session, state_reporting.reportable_record');
}

/** Each export starts as the district's first: nothing sent before in either format, every record an ADD. */
async function forgetSent(owner: Pool, districtId: string): Promise<void> {
  await owner.query('DELETE FROM state_reporting.export_sent WHERE district_id = $1', [districtId]);
  await owner.query('VACUUM ANALYZE state_reporting.export_sent');
}

/** The export's CSV cells, without its formula guard (COPY quotes as CSV needs, no more), in the export's order. */
function copySql(districtId: string, from: string, to: string): string {
  const yesNo = (column: string) => `CASE WHEN ${column} THEN 'Y' ELSE 'N' END`;
  return `COPY (
    SELECT 'ADD', session_id, session_version, session_date, school_code, state_id, student_id, student_name, student_school_code, provider_name,
      service, delivery, subject, attendance_status, minutes, minutes_outside_school_day, ${yesNo('homebound')}, ${yesNo('detention')},
      ${yesNo('credit_recovery')}, ${yesNo('remedial')}, array_to_string(remedial_criteria, ';'), work_order_type
    FROM state_reporting.reportable_record
    WHERE district_id = '${districtId}' AND current AND eligible AND session_date BETWEEN '${from}' AND '${to}'
    ORDER BY session_date, session_id, participant_id
  ) TO STDOUT WITH CSV`;
}

/**
 * COPY TO STDOUT read by this process: a query object that pg's client runs
 * as it runs its own (pg-copy-streams is not installed), counting the
 * CopyData messages (one per row) and their bytes, keeping none. As the
 * state-reporting role, the district set: the same row-level security as the export.
 */
async function copyViaPg(url: string, districtId: string, from: string, to: string, gc: () => void): Promise<CopyRun> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.district_id', $1, true)`, [districtId]);
    const sampler = startSampler(gc);
    const started = performance.now();
    const counted = { rows: 0, bytes: 0 };
    await new Promise<void>((resolve, reject) => {
      let failure: Error | undefined;
      const copy = {
        text: copySql(districtId, from, to),
        submit(connection: { query(text: string): void }) {
          connection.query(this.text);
        },
        handleCopyData(message: { chunk: Buffer }) {
          counted.rows += 1;
          counted.bytes += message.chunk.length;
        },
        handleError(error: Error) {
          failure = error;
        },
        handleReadyForQuery() {
          if (failure) reject(failure);
          else resolve();
        },
        handleCommandComplete() {},
        handleRowDescription() {},
        handleDataRow() {},
        handleEmptyQuery() {},
        handlePortalSuspended() {},
      };
      void client.query(copy as never);
    });
    const elapsed = (performance.now() - started) / 1000;
    const memory = sampler.stop();
    await client.query('COMMIT');
    const rows = counted.rows;
    return { kind: 'copy-pg', records: rows, seconds: round3(elapsed), rows, bytes: counted.bytes, rowsPerSecond: rows / elapsed, memory };
  } finally {
    await client.end();
  }
}

/** The same COPY by psql, its output to /dev/null: no Node between PostgreSQL and the bytes. */
async function copyViaPsql(url: string, districtId: string, from: string, to: string, records: number, gc: () => void): Promise<CopyRun> {
  const sampler = startSampler(gc);
  const nowhere = openSync('/dev/null', 'w');
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', copySql(districtId, from, to)], {
        stdio: ['ignore', nowhere, 'pipe'],
        env: { ...process.env, PGOPTIONS: `-c app.district_id=${districtId}` },
      });
      let stderr = '';
      child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}: ${stderr}`))));
    });
  } finally {
    closeSync(nowhere);
  }
  const elapsed = (performance.now() - started) / 1000;
  return { kind: 'copy-psql', records, seconds: round3(elapsed), rows: records, bytes: 0, rowsPerSecond: records / elapsed, memory: sampler.stop() };
}

/** One export through the gateway, as a district admin's client runs it, the file streamed to nowhere and checked line by line. */
async function exportOnce(http: JsonClient, tracer: SqlTracer, format: 'csv' | 'edfi', from: string, to: string, expected: number, gc: () => void): Promise<ExportRun> {
  const problems: string[] = [];
  tracer.reset();
  const sampler = startSampler(gc);
  const started = performance.now();
  const created = await http.call('POST', '/api/reporting/exports', { format, from, to, recipient: 'State Department of Education', purpose: 'Annual tutoring report (bench)' });
  if (created.status !== 202) throw new Error(`POST /api/reporting/exports answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = (created.body as { id: string }).id;
  let reply: ExportReplyBody;
  for (;;) {
    const polled = await http.call('GET', `/api/reporting/exports/${id}`);
    if (polled.status !== 200) throw new Error(`GET export answered ${polled.status}: ${JSON.stringify(polled.body)}`);
    reply = polled.body as ExportReplyBody;
    if (reply.status === 'done' || reply.status === 'failed') break;
    if (performance.now() - started > EXPORT_TIMEOUT_MS) {
      throw new Error(`export ${id} (${format}, ${expected} records) still ${reply.status} at ${reply.progress}% after ${EXPORT_TIMEOUT_MS / 1000} s; statements so far: ${JSON.stringify(tracer.snapshot())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const seen = performance.now();
  sampler.mark();
  if (reply.status !== 'done') throw new Error(`export ${id} failed: ${reply.error}`);
  const jobSql = tracer.snapshot();
  tracer.reset();
  const downloadStarted = performance.now();
  const file = await http.download(`/api/reporting/exports/${id}/download`, format);
  const downloadS = (performance.now() - downloadStarted) / 1000;
  const elapsed = (performance.now() - started) / 1000;
  const memory = sampler.stop();
  const downloadSql = tracer.snapshot()['read chunk (download)'] ?? { calls: 0, seconds: 0 };

  if (file.status !== 200) problems.push(`download answered ${file.status}`);
  if (reply.counts.records !== expected) problems.push(`the export counted ${reply.counts.records} records, expected ${expected}`);
  if (reply.counts.added !== expected) problems.push(`${reply.counts.added} added, expected ${expected} (each export starts with nothing sent)`);
  if (format === 'csv') {
    if (file.head !== CSV_HEADER) problems.push(`the header is ${JSON.stringify(file.head)}`);
    if (file.lines !== expected + 1) problems.push(`${file.lines - 1} data lines, expected ${expected}`);
    if (!file.firstRecord.startsWith('ADD,')) problems.push(`the first record is ${JSON.stringify(file.firstRecord)}`);
  } else {
    const sessions = expected / STUDENTS_PER_SESSION;
    if (!file.head.startsWith('{"interventions":[{')) problems.push(`the file starts ${JSON.stringify(file.head)}`);
    if (file.counts.beginDate !== sessions) problems.push(`${file.counts.beginDate} interventions, expected ${sessions}`);
    if (file.counts.dosage !== expected) problems.push(`${file.counts.dosage} student intervention associations, expected ${expected}`);
    if (file.counts.eventDate !== expected) problems.push(`${file.counts.eventDate} attendance events, expected ${expected}`);
    if (!file.tail.endsWith('],"deletes":[]}')) problems.push(`the file ends ${JSON.stringify(file.tail)}`);
  }
  const at = (iso: string | null) => (iso ? Date.parse(iso) : Number.NaN);
  return {
    kind: format === 'csv' ? 'export-csv' : 'export-edfi',
    records: expected,
    from,
    to,
    exportId: id,
    seconds: round3(elapsed),
    rowsPerSecond: expected / elapsed,
    phases: {
      queuedS: round3((tracer.job.started - started) / 1000),
      jobS: round3((tracer.job.ended - tracer.job.started) / 1000),
      pollLagS: round3((seen - tracer.job.ended) / 1000),
      downloadS: round3(downloadS),
      reportedJobS: round3((at(reply.finishedAt) - at(reply.startedAt)) / 1000),
    },
    jobSql,
    downloadSql,
    chunks: file.chunks,
    bytes: file.bytes,
    lines: file.lines,
    counts: reply.counts,
    memory,
    problems,
  };
}

interface ExportReplyBody {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  counts: Record<string, number>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type SqlTracer = { job: { started: number; ended: number }; reset(): void; snapshot(): Record<string, { calls: number; seconds: number }> };

const STATEMENT_KINDS: [RegExp, string][] = [
  [/^CREATE TEMP TABLE/, 'candidates: CREATE TEMP TABLE AS'],
  [/^CREATE INDEX ON export_candidate/, 'candidates: CREATE INDEX'],
  [/^ANALYZE export_candidate/, 'candidates: ANALYZE'],
  [/^SELECT count\(\*\) FILTER|^SELECT count\(\*\)::int AS count FROM state_reporting|^SELECT 0 AS count/, 'counts'],
  [/GROUP BY session_id/, 'lines: Ed-Fi interventions'],
  [/FROM export_candidate\s+WHERE \(session_date/, 'lines: fetch a batch'],
  [/^INSERT INTO state_reporting\.export_chunk/, 'store chunk'],
  [/^INSERT INTO state_reporting\.export_sent/, 'record what was sent (upsert)'],
  [/^DELETE FROM state_reporting\.export_sent/, 'forget deleted'],
  [/^INSERT INTO state_reporting\.disclosure/, 'disclosures'],
  [/^UPDATE state_reporting\.state_export SET progress =/, 'progress (own transaction)'],
  [/^SELECT content FROM state_reporting\.export_chunk/, 'read chunk (download)'],
];

/** Wall time of state reporting's statements by kind, BEGIN and COMMIT included (the export's COMMIT writes its whole transaction). */
function traceSql(orm: MikroORM, runExport: RunExport): SqlTracer {
  const job = { started: Number.NaN, ended: Number.NaN };
  const executeJob = runExport.execute.bind(runExport);
  runExport.execute = async (...args: Parameters<RunExport['execute']>) => {
    job.started = performance.now();
    try {
      return await executeJob(...args);
    } finally {
      job.ended = performance.now();
    }
  };
  type Traced = (...args: unknown[]) => Promise<unknown>;
  const connection = orm.em.getConnection() as unknown as Record<'execute' | 'begin' | 'commit', Traced>;
  let spans = new Map<string, { calls: number; ms: number }>();
  const timed = async (kind: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const span = spans.get(kind) ?? { calls: 0, ms: 0 };
      span.calls += 1;
      span.ms += performance.now() - started;
      spans.set(kind, span);
    }
  };
  const execute = connection.execute.bind(connection);
  connection.execute = (...args: unknown[]) => {
    const sql = String(args[0]).trimStart();
    const kind = STATEMENT_KINDS.find(([pattern]) => pattern.test(sql))?.[1] ?? 'other statements';
    return timed(kind, () => execute(...args));
  };
  for (const method of ['begin', 'commit'] as const) {
    const original = connection[method].bind(connection);
    connection[method] = (...args: unknown[]) => timed(method.toUpperCase(), () => original(...args));
  }
  return {
    job,
    reset: () => (spans = new Map()),
    snapshot: () => Object.fromEntries([...spans].map(([kind, span]) => [kind, { calls: span.calls, seconds: round3(span.ms / 1000) }])),
  };
}

/** process.memoryUsage() every SAMPLE_MS from a collected heap: the peak this process reached while the run lasted. */
function startSampler(gc: () => void): { mark(): void; stop(): MemoryPeak } {
  gc();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  let samples = 0;
  let marked: { heap: number; rss: number } | undefined;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    samples += 1;
    if (now.heapUsed > peakHeap) peakHeap = now.heapUsed;
    if (now.rss > peakRss) peakRss = now.rss;
  }, SAMPLE_MS);
  const mb = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
  return {
    mark() {
      const now = process.memoryUsage();
      marked = { heap: Math.max(peakHeap, now.heapUsed), rss: Math.max(peakRss, now.rss) };
      peakHeap = now.heapUsed;
      peakRss = now.rss;
    },
    stop() {
      clearInterval(timer);
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
      const phases = marked && {
        jobPeakHeapUsedMb: mb(marked.heap),
        jobPeakRssMb: mb(marked.rss),
        downloadPeakHeapUsedMb: mb(peakHeap),
        downloadPeakRssMb: mb(peakRss),
      };
      if (marked) {
        peakHeap = Math.max(peakHeap, marked.heap);
        peakRss = Math.max(peakRss, marked.rss);
      }
      gc();
      const after = process.memoryUsage().heapUsed;
      return {
        samples,
        baseHeapUsedMb: mb(base.heapUsed),
        baseRssMb: mb(base.rss),
        peakHeapUsedMb: mb(peakHeap),
        peakRssMb: mb(peakRss),
        heapGrowthMb: mb(peakHeap - base.heapUsed),
        rssGrowthMb: mb(peakRss - base.rss),
        afterGcHeapUsedMb: mb(after),
        phases,
      };
    },
  };
}

/** A full collection before each run, so each peak is read against the same floor. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface Downloaded {
  status: number;
  bytes: number;
  lines: number;
  chunks: number;
  /** The first line (with its CRLF) of a CSV, the first 20 characters of JSON. */
  head: string;
  firstRecord: string;
  tail: string;
  counts: { beginDate: number; dosage: number; eventDate: number };
}

interface JsonClient {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  download(path: string, format: 'csv' | 'edfi'): Promise<Downloaded>;
  close(): void;
}

/** Node's http against the listening gateway: no client library buffering a 250 MB body. */
function jsonClient(port: number, token: string): JsonClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const headers = { authorization: `Bearer ${token}` };
  return {
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const outgoing = request(
          { host: '127.0.0.1', port, path, method, agent, headers: payload ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : headers },
          (response) => {
            const parts: Buffer[] = [];
            response.on('data', (part: Buffer) => parts.push(part));
            response.on('error', reject);
            response.on('end', () => {
              const text = Buffer.concat(parts).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = JSON.parse(text);
              } catch {
                // not JSON: the text stands
              }
              resolve({ status: response.statusCode ?? 0, body: parsed });
            });
          },
        );
        outgoing.on('error', reject);
        outgoing.end(payload);
      }),
    download: (path, format) =>
      new Promise((resolve, reject) => {
        const outgoing = request({ host: '127.0.0.1', port, path, method: 'GET', agent, headers }, (response) => {
          const result: Downloaded = { status: response.statusCode ?? 0, bytes: 0, lines: 0, chunks: 0, head: '', firstRecord: '', tail: '', counts: { beginDate: 0, dosage: 0, eventDate: 0 } };
          let opening = '';
          let carry = '';
          response.on('data', (part: Buffer) => {
            result.chunks += 1;
            result.bytes += part.length;
            for (let at = part.indexOf(10); at !== -1; at = part.indexOf(10, at + 1)) result.lines += 1;
            if (opening.length < 4096) opening += part.subarray(0, 4096).toString('utf8');
            if (format === 'edfi') {
              // Keys counted across part boundaries: the last few characters of a part are read again with the next.
              const text = carry + part.toString('latin1');
              result.counts.beginDate += occurrences(text, '"beginDate"');
              result.counts.dosage += occurrences(text, '"dosage"');
              result.counts.eventDate += occurrences(text, '"eventDate"');
              carry = text.slice(-10);
              result.counts.beginDate -= occurrences(carry, '"beginDate"');
              result.counts.dosage -= occurrences(carry, '"dosage"');
              result.counts.eventDate -= occurrences(carry, '"eventDate"');
            }
            result.tail = (result.tail + part.subarray(-64).toString('latin1')).slice(-64);
          });
          response.on('error', reject);
          response.on('end', () => {
            if (format === 'csv') {
              const firstBreak = opening.indexOf('\n');
              result.head = opening.slice(0, firstBreak + 1);
              result.firstRecord = opening.slice(firstBreak + 1, opening.indexOf('\n', firstBreak + 1) + 1);
            } else result.head = opening.slice(0, 20);
            resolve(result);
          });
        });
        outgoing.on('error', reject);
        outgoing.end();
      }),
    close: () => agent.destroy(),
  };
}

function occurrences(text: string, key: string): number {
  let count = 0;
  for (let at = text.indexOf(key); at !== -1; at = text.indexOf(key, at + key.length)) count += 1;
  return count;
}

function printRun(name: string, result: CopyRun | ExportRun): void {
  console.log(
    `  ${name.padEnd(46)} ${formatNumber(result.records).padStart(9)} records  ${result.seconds.toFixed(2).padStart(7)} s  ` +
      `${formatNumber(result.rowsPerSecond).padStart(7)} rows/s  peak heap ${result.memory.peakHeapUsedMb} MB (+${result.memory.heapGrowthMb}), ` +
      `peak rss ${result.memory.peakRssMb} MB (+${result.memory.rssGrowthMb}), heap after GC ${result.memory.afterGcHeapUsedMb} MB${'problems' in result && result.problems.length ? `  PROBLEMS: ${result.problems.join('; ')}` : ''}`,
  );
}

function printReport(copies: CopyRun[], exports: ExportRun[], skipped: { records: number; projectedSeconds: number; reason: string }[]): void {
  const copyAt = (records: number) => copies.find((c) => c.kind === 'copy-pg' && c.records === records);
  const rows: Cell[][] = [];
  for (const run of [...copies, ...exports]) {
    const baseline = copyAt(run.records);
    rows.push([
      run.kind === 'copy-pg' ? 'COPY TO STDOUT, pg protocol' : run.kind === 'copy-psql' ? 'COPY TO STDOUT, psql > /dev/null' : run.kind === 'export-csv' ? 'export CSV, end to end' : 'export Ed-Fi JSON, end to end',
      run.records,
      run.seconds,
      Math.round(run.rowsPerSecond),
      baseline ? ratio(run.seconds, baseline.seconds) : '',
      'bytes' in run && run.bytes ? Number((run.bytes / 2 ** 20).toFixed(1)) : '',
      run.memory.peakHeapUsedMb,
      run.memory.heapGrowthMb,
      run.memory.peakRssMb,
      run.memory.rssGrowthMb,
    ]);
  }
  for (const skip of skipped) rows.push([`export CSV (skipped; ${skip.reason})`, skip.records, Number(skip.projectedSeconds.toFixed(1)), '', '', '', '', '', '', '']);
  console.log(`\nState export vs COPY (time ratio: this run's time / COPY via pg of the same rows; memory: this process, gateway + state reporting + client)\n`);
  console.log(table(['run', 'records', 'seconds', 'rows/s', 'vs COPY', 'MB', 'peak heap MB', 'heap +MB', 'peak rss MB', 'rss +MB'], rows));
}

/** Where one export's time went, printed as soon as it is done. */
function printBreakdown(run: ExportRun): void {
  const sqlTotal = Object.values(run.jobSql).reduce((sum, s) => sum + s.seconds, 0);
  console.log(
    `\n${run.kind} ${formatNumber(run.records)} records: queued ${run.phases.queuedS} s, job ${run.phases.jobS} s (finishedAt − startedAt ${run.phases.reportedJobS} s), ` +
      `poll lag ${run.phases.pollLagS} s, ` +
      `download ${run.phases.downloadS} s (${formatNumber(run.chunks)} HTTP parts, ${formatNumber(run.bytes)} bytes, reading chunks ${run.downloadSql.seconds} s in ${run.downloadSql.calls} statements); ` +
      `peak heap / rss during the job ${run.memory.phases?.jobPeakHeapUsedMb} / ${run.memory.phases?.jobPeakRssMb} MB, during the download ${run.memory.phases?.downloadPeakHeapUsedMb} / ${run.memory.phases?.downloadPeakRssMb} MB`,
  );
  const spans = Object.entries(run.jobSql).sort((a, b) => b[1].seconds - a[1].seconds);
  console.log(
    table(
      ['in the job (state reporting statements, wall time)', 'calls', 'seconds', 'of job'],
      [
        ...spans.map(([kind, span]): Cell[] => [kind, span.calls, span.seconds, pct(span.seconds, run.phases.jobS)]),
        ['not in statements (JavaScript, BullMQ, event loop)', '', round3(Math.max(0, run.phases.jobS - sqlTotal)), pct(Math.max(0, run.phases.jobS - sqlTotal), run.phases.jobS)],
      ],
    ),
  );
}

async function postgresSettings(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'temp_buffers', 'max_parallel_workers_per_gather', 'synchronous_commit', 'autovacuum')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function round3(value: number): number {
  return Number(value.toFixed(3));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
