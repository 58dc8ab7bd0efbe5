import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, rmSync, statSync, WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from 'pg';
import { SqlEntityManager } from '@mikro-orm/postgresql';
import { databaseUrl, dropTestRun, newTestRun } from '@sessionledger/testing';
import { RosterImporter, RosterOutcome } from '../apps/gateway/src/roster/import/roster-importer';
import { directoryFiles, rosterSourceOf } from '../apps/gateway/src/roster/import/roster-sources';
import { createDistrict, startGateway } from '../apps/gateway/test/support/gateway-harness';
import { Cell, machine, ratio, table, writeResult } from './support/report';
import { createMigratedDatabase } from '../test/test-database';

/**
 * Roster import at district scale: a generated OneRoster 1.2 set (300
 * schools, 200,000 students, 200,000 guardians, 400,000 student enrollments)
 * imported from disk, then imported again unchanged, each timed with its peak
 * memory, beside a plain server-side `COPY FROM` of the same files into
 * untyped tables measured in the same run. A tenth-size roster is imported
 * the same way, so memory can be compared as the roster grows.
 */
const ROOT = join(__dirname, '..');
const FULL = { schools: 300, studentsPerSchool: 667, teachersPerSchool: 20, classesPerSchool: 67, classesPerStudent: 2 };
const SCALES = (process.env.ROSTER_BENCH_SCALES ?? '0.1,1').split(',').map(Number);

interface Plan {
  schools: number;
  studentsPerSchool: number;
  teachersPerSchool: number;
  classesPerSchool: number;
  classesPerStudent: number;
}

interface Generated {
  directory: string;
  rows: Record<string, number>;
  bytes: number;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Writes the roster file by file, row by row: the generator holds no roster in memory either. */
async function generate(plan: Plan, tag: string): Promise<Generated> {
  const directory = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  chmodSync(directory, 0o755); // the PostgreSQL server reads these files for the COPY baseline
  const rows: Record<string, number> = {};
  const file = async (name: string, header: string, body: (emit: (line: string) => Promise<void>) => Promise<void>) => {
    const stream = createWriteStream(join(directory, name));
    let count = 0;
    await write(stream, `${header}\n`);
    await body(async (line) => {
      count += 1;
      await write(stream, `${line}\n`);
    });
    await closeStream(stream);
    chmodSync(join(directory, name), 0o644);
    rows[name] = count;
  };
  const stamp = 'active,2026-08-01T00:00:00Z';
  await file('manifest.csv', 'propertyName,value', async (emit) => {
    await emit('manifest.version,1.0');
    await emit('oneroster.version,1.2');
  });
  await file('orgs.csv', 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId', async (emit) => {
    await emit(`org-d,${stamp},Bench District,district,B0000,`);
    for (let s = 0; s < plan.schools; s++) await emit(`org-s${s},${stamp},School ${s},school,B${String(s).padStart(5, '0')},org-d`);
  });
  await file('academicSessions.csv', 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear', async (emit) => {
    await emit(`as-y,${stamp},2026-2027,schoolYear,2026-08-15,2027-06-05,,2027`);
  });
  const userHeader =
    'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns';
  await file('users.csv', userHeader, async (emit) => {
    for (let s = 0; s < plan.schools; s++) {
      for (let t = 0; t < plan.teachersPerSchool; t++) {
        await emit(`t-${s}-${t},${stamp},true,t${s}x${t},,Teacher${t},Smith${s},,T${s}-${t},t${s}x${t}@${tag}.bench.example.org,,,,,,,,,,org-s${s},`);
      }
      for (let i = 0; i < plan.studentsPerSchool; i++) {
        const n = s * plan.studentsPerSchool + i;
        await emit(`s-${n},${stamp},true,s${n},"{SIS:${n}},{STATE:ST${n}}",Student${i % 97},"Family, ${n % 1013}",,L${n},,,,p-${n},${String(1 + (n % 12)).padStart(2, '0')},,,,,,org-s${s},`);
        await emit(`p-${n},${stamp},true,p${n},,Parent${i % 89},Family ${n % 1013},,,p${n}@${tag}.home.example.org,,555-${String(n % 10000).padStart(4, '0')},s-${n},,,,,,,,`);
      }
    }
  });
  await file('roles.csv', 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId', async (emit) => {
    for (let s = 0; s < plan.schools; s++) {
      for (let t = 0; t < plan.teachersPerSchool; t++) await emit(`r-t-${s}-${t},${stamp},t-${s}-${t},primary,teacher,2026-08-15,,org-s${s},`);
      for (let i = 0; i < plan.studentsPerSchool; i++) {
        const n = s * plan.studentsPerSchool + i;
        await emit(`r-s-${n},${stamp},s-${n},primary,student,2026-08-15,,org-s${s},`);
        await emit(`r-p-${n},${stamp},p-${n},primary,parent,2026-08-15,,org-s${s},`);
      }
    }
  });
  await file('classes.csv', 'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods', async (emit) => {
    for (let s = 0; s < plan.schools; s++) {
      for (let c = 0; c < plan.classesPerSchool; c++) await emit(`c-${s}-${c},${stamp},"Tutoring ${s}-${c}, group",,,,scheduled,,org-s${s},as-y,Math,,`);
    }
  });
  await file('enrollments.csv', 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate', async (emit) => {
    for (let s = 0; s < plan.schools; s++) {
      for (let c = 0; c < plan.classesPerSchool; c++) await emit(`e-t-${s}-${c},${stamp},c-${s}-${c},org-s${s},t-${s}-${c % plan.teachersPerSchool},teacher,true,2026-08-15,`);
      for (let i = 0; i < plan.studentsPerSchool; i++) {
        const n = s * plan.studentsPerSchool + i;
        for (let k = 0; k < plan.classesPerStudent; k++) {
          const c = (i + k * 7) % plan.classesPerSchool;
          await emit(`e-${n}-${k},${stamp},c-${s}-${c},org-s${s},s-${n},student,false,2026-08-15,`);
        }
      }
    }
  });
  const bytes = Object.keys(rows).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
  return { directory, rows, bytes };
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Peak resident memory while `work` runs (sampled every 20 ms), and peak live
 * heap: the heap right after a forced collection, once a second. Live heap is
 * what an import holds; resident memory also counts garbage V8 has not
 * collected yet. Both are above what the process held before.
 */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number; peakLiveHeapMb: number }> {
  collectGarbage();
  const baseRss = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  let peakRss = baseRss;
  let peakLive = baseHeap;
  const rss = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const live = setInterval(() => {
    collectGarbage();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 1000);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, peakRssMb: (peakRss - baseRss) / 2 ** 20, peakLiveHeapMb: (peakLive - baseHeap) / 2 ** 20 };
  } finally {
    clearInterval(rss);
    clearInterval(live);
  }
}

/** The baseline: the same files into plain text tables with one COPY each, read by the server from disk. */
async function copyBaseline(database: string, generated: Generated): Promise<{ seconds: number; rows: number }> {
  const pg = new Client({ connectionString: databaseUrl(database) });
  await pg.connect();
  try {
    const started = performance.now();
    let rows = 0;
    await pg.query('BEGIN');
    for (const name of Object.keys(generated.rows).filter((file) => file !== 'manifest.csv')) {
      const table = `copy_${name.replace('.csv', '').toLowerCase()}`;
      const header = execFileSync('head', ['-1', join(generated.directory, name)], { encoding: 'utf8' }).trim().split(',');
      await pg.query(`CREATE TEMP TABLE ${table} (${header.map((column) => `"${column}" text`).join(', ')}) ON COMMIT DROP`);
      const result = await pg.query(`COPY ${table} FROM '${join(generated.directory, name)}' WITH (FORMAT csv, HEADER true)`);
      rows += result.rowCount ?? 0;
    }
    await pg.query('COMMIT');
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    await pg.end();
  }
}

function totalChanges(outcome: RosterOutcome): { created: number; updated: number; unchanged: number } {
  const entities = ['schools', 'staff', 'students', 'guardians', 'groups', 'academicSessions'] as const;
  return {
    created: entities.reduce((sum, entity) => sum + outcome.counts[entity].created, 0),
    updated: entities.reduce((sum, entity) => sum + outcome.counts[entity].updated + outcome.counts[entity].deactivated, 0),
    unchanged: entities.reduce((sum, entity) => sum + outcome.counts[entity].unchanged, 0),
  };
}

/** With ROSTER_BENCH_VERBOSE=sql: every statement over 100 ms, to see where an import spends its time. */
function traceSlowStatements(): void {
  const prototype = SqlEntityManager.prototype as unknown as { execute: (...args: unknown[]) => Promise<unknown> };
  const execute = prototype.execute;
  prototype.execute = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return await execute.apply(this, args);
    } finally {
      const ms = performance.now() - started;
      if (ms > 100) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${String(args[0]).replace(/\s+/g, ' ').slice(0, 150)}`);
    }
  };
}

/** With ROSTER_BENCH_VERBOSE set: how long each phase of an import took. */
function phaseLogger(): (progress: { phase: string; rowsRead: number }) => void {
  let last = performance.now();
  let phase = '';
  return (progress) => {
    if (progress.phase === phase) return;
    const now = performance.now();
    if (phase) console.log(`  ${phase}: ${((now - last) / 1000).toFixed(2)} s`);
    phase = progress.phase;
    last = now;
  };
}

async function main(): Promise<number> {
  const run = newTestRun();
  const directories: string[] = [];
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    await createMigratedDatabase(run);
    gateway = await startGateway({ OUTBOX_RELAY_ENABLED: 'false', LOG_LEVEL: 'warn' });
    const importer = gateway.get(RosterImporter);
    if (process.env.ROSTER_BENCH_VERBOSE === 'sql') traceSlowStatements();

    const rows: Cell[][] = [];
    const results: Record<string, unknown>[] = [];
    for (const scale of SCALES) {
      const plan: Plan = {
        ...FULL,
        schools: Math.max(1, Math.round(FULL.schools * scale)),
      };
      const tag = `b${Math.random().toString(36).slice(2, 8)}`;
      const generatedAt = performance.now();
      const generated = await generate(plan, tag);
      directories.push(generated.directory);
      const label = `${plan.schools} schools, ${(plan.schools * plan.studentsPerSchool).toLocaleString('en-US')} students`;
      console.log(
        `${label}: generated ${Object.entries(generated.rows).map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ')} ` +
          `(${(generated.bytes / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`,
      );
      const district = await createDistrict(gateway, 0);
      const importOnce = () =>
        measured(async () => importer.run(district.id, async () => rosterSourceOf(await directoryFiles(generated.directory), []), {
          dryRun: false,
          onProgress: process.env.ROSTER_BENCH_VERBOSE ? phaseLogger() : undefined,
        }));

      const copy = await copyBaseline(run.database, generated);
      const first = await importOnce();
      const again = await importOnce();
      const copyAgain = await copyBaseline(run.database, generated);
      const copySeconds = Math.min(copy.seconds, copyAgain.seconds);
      if (first.result.errorCount || again.result.errorCount) throw new Error(`row errors: ${JSON.stringify(first.result.errors.slice(0, 5))}`);
      const inputRows = Object.entries(generated.rows).filter(([name]) => name !== 'manifest.csv').reduce((sum, [, n]) => sum + n, 0);
      for (const [name, measurement] of [
        ['first import', first],
        ['re-import, unchanged', again],
      ] as const) {
        const changes = totalChanges(measurement.result);
        rows.push([
          label,
          name,
          inputRows,
          measurement.seconds,
          Math.round(inputRows / measurement.seconds),
          changes.created,
          changes.updated,
          changes.unchanged,
          measurement.peakRssMb,
          measurement.peakLiveHeapMb,
          ratio(measurement.seconds, copySeconds),
        ]);
        results.push({ scale, plan, phase: name, inputRows, seconds: measurement.seconds, peakRssMb: measurement.peakRssMb, peakLiveHeapMb: measurement.peakLiveHeapMb, counts: measurement.result.counts });
      }
      rows.push([label, 'baseline: COPY FROM (same files)', copy.rows, copySeconds, Math.round(copy.rows / copySeconds), '', '', '', '', '', '1.00x']);
      results.push({ scale, plan, phase: 'copy-baseline', inputRows: copy.rows, seconds: copySeconds });
      rmSync(generated.directory, { recursive: true, force: true });
    }

    console.log(
      `\n${table(['roster', 'run', 'CSV rows', 's', 'rows/s', 'created', 'updated', 'unchanged', 'peak RSS +MiB', 'peak live heap +MiB', 'time vs COPY'], rows)}\n`,
    );
    console.log('Memory: peaks above the process before the run; live heap = after a forced GC (sampled each second). Compare across roster sizes.');
    const file = writeResult(ROOT, 'roster-import', { machine: machine(ROOT), results });
    console.log(`result: ${file}`);
    return 0;
  } finally {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    await gateway?.close();
    await dropTestRun(run).catch((error: unknown) => console.error(`could not drop ${run.database}: ${(error as Error).message}`));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
