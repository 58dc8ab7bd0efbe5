import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { ActorSnapshot, LIST_CALENDAR_OCCURRENCES, OccurrenceReply } from '@sessionledger/contracts';
import { messagingTransport, ServiceBus } from '@sessionledger/messaging';
import { databaseUrl, startApp, stopApps } from '@sessionledger/testing';
import { as, createDistrict, signIn, startGateway } from '../apps/gateway/test/support/gateway-harness';
import { replicated } from '../apps/gateway/test/support/session-harness';
import { expandSeries, type SeriesDefinition } from '../apps/scheduling/src/recurrence';
import { SchedulingModule } from '../apps/scheduling/src/scheduling.module';
import { SessionLogModule } from '../apps/session-log/src/session-log.module';
import { httpClient, LoadLimits, LoadResult, Operation, portOf, sample, summarize } from './support/load';
import { Cell, machine, printProgress, ratio, seconds, table, writeResult } from './support/report';
import { openBenchRun } from './support/bench-run';

/**
 * A month's calendar for a 300-school district holding 20,000 series, seeded
 * set-based by SQL into scheduling's tables (as the database owner), read
 * through GET /api/calendar (gateway → scheduling's LIST_CALENDAR_OCCURRENCES
 * and session-log's LIST_SESSIONS in parallel, merged in the gateway) for one
 * school and one provider, and through the scheduling command alone for the
 * whole district (the API has no district-wide scope). Each scope is read
 * beside a plain indexed SELECT of the same series rows and beside the
 * expander alone on those rows, in the same run. Only the measured provider
 * and the district admin exist in the gateway's directory: the other 1,999
 * providers are ids in scheduling's rows (scheduling does not check them, the
 * admin's calendar reads only them). Everything shares one Node process and
 * the machine with PostgreSQL and Redis: ratios travel, absolute times do not.
 */
const ROOT = join(__dirname, '..');
const SCHOOLS = 300;
const PROVIDERS = 2_000;
const SERIES = 20_000;
const ZONE = 'America/Chicago';
/** March 2027 in Chicago (crosses the spring-forward change). */
const FROM = '2027-03-01T06:00:00.000Z';
const TO = '2027-04-01T05:00:00.000Z';
const CLOSURES = ['2026-11-26', '2026-11-27', ...Array.from({ length: 9 }, (_, i) => `2026-12-${String(21 + i).padStart(2, '0')}`), '2027-01-18', '2027-02-15', '2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26'];
const CONCURRENCIES = [1, 4];
const SMALL: LoadLimits = { count: 300, maxMs: 6_000, warmup: 10 };
/** The district read takes seconds: the count read is its warm-up; at c4 each caller reads once. */
const DISTRICT: LoadLimits = { count: 3, maxMs: 15_000, warmup: 0 };

interface SeriesRow {
  id: string;
  provider_id: string;
  school_id: string;
  dtstart: string;
  rrule: string;
  exdates: string[];
  duration_minutes: number;
}

interface ScopeResult {
  scope: string;
  path: string;
  seriesRows: number;
  occurrences: number;
  cancelled: number;
  replyBytes: number;
  measured: { concurrency: number; p50Ms: number; p99Ms: number; perSecond: number; completed: number; errors: number }[];
  /** The scheduling command alone (no HTTP, auth, session-log or merge), c1. */
  schedulingCommandP50Ms: number;
  plainQuery: { concurrency: number; p50Ms: number; p99Ms: number }[];
  plainQueryPlan: string;
  expanderMsPerCall: number;
  expanderOccurrencesPerSecond: number;
  expanderMicrosecondsPerSeries: number;
  ratioP50: Record<string, number>;
}

function definition(row: SeriesRow, closures: string[]): SeriesDefinition {
  return { rrule: row.rrule, dtstart: row.dtstart, timeZone: ZONE, exdates: row.exdates, closures, durationMinutes: row.duration_minutes };
}

function expandAll(rows: SeriesRow[], closures: string[]): { id: string; start: Date }[] {
  const window = { from: new Date(FROM), to: new Date(TO) };
  return rows.flatMap((row) => expandSeries(definition(row, closures), window).map((o) => ({ id: row.id, start: o.start })));
}

/** The expander alone on the scope's rows: repeated for at least `ms`. */
function timeExpander(rows: SeriesRow[], closures: string[], ms: number): { msPerCall: number; occurrencesPerSecond: number; microsecondsPerSeries: number } {
  let calls = 0;
  let occurrences = 0;
  const started = performance.now();
  while (performance.now() - started < ms || calls < 3) {
    occurrences += expandAll(rows, closures).length;
    calls += 1;
  }
  const elapsed = performance.now() - started;
  return { msPerCall: elapsed / calls, occurrencesPerSecond: (occurrences / elapsed) * 1000, microsecondsPerSeries: (elapsed * 1000) / (calls * rows.length) };
}

async function seed(pool: Pool, districtId: string, adminId: string, schoolIds: string[], providerIds: string[]): Promise<number> {
  const started = performance.now();
  // Series n: provider n mod 2,000, that provider's school (provider mod 300), so a school holds ≈67 series and a provider 10.
  await pool.query(
    `insert into scheduling.series (id, district_id, provider_id, school_id, service, description, place_of_service, type, group_id, group_name,
       students, dtstart, duration_minutes, rrule, exdates, created_by)
     select gen_random_uuid(), $1, ($3::uuid[])[p + 1], ($2::uuid[])[(p % ${SCHOOLS}) + 1], 'tutoring', 'Series ' || n, 'Room ' || (n % 40),
       case when n % 3 = 0 then 'group' else 'individual' end,
       case when n % 3 = 0 then gen_random_uuid() end,
       case when n % 3 = 0 then 'Group ' || n end,
       case when n % 3 = 0 then '[]'::jsonb else jsonb_build_array(jsonb_build_object('studentId', gen_random_uuid(), 'name', 'Student ' || n)) end,
       to_char(timestamp '2026-09-01 07:00' + (n % 150) * interval '1 day' + (n % 16) * interval '30 minutes', 'YYYY-MM-DD"T"HH24:MI:SS'),
       (array[30, 45, 60])[(n % 3) + 1],
       case
         when n % 10 < 4 then 'FREQ=WEEKLY;BYDAY=' || (array['MO','TU','WE','TH','FR'])[(n % 5) + 1]
         when n % 10 < 6 then 'FREQ=WEEKLY;BYDAY=' || (array['MO,WE','TU,TH'])[(n % 2) + 1]
         when n % 10 < 8 then 'FREQ=WEEKLY;INTERVAL=2;BYDAY=' || (array['MO','TU','WE','TH','FR'])[(n % 5) + 1]
         when n % 10 = 8 then (array['FREQ=MONTHLY;BYDAY=1TU','FREQ=MONTHLY;BYMONTHDAY=15'])[(n % 2) + 1]
         else 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR'
       end ||
       case n % 7 when 0 then ';COUNT=' || (20 + n % 30) when 1 then ';UNTIL=20270320T235959Z' when 2 then ';UNTIL=20270215' else '' end,
       case when n % 13 = 0 then '["2027-03-17"]'::jsonb else '[]'::jsonb end,
       $4
     from generate_series(0, ${SERIES - 1}) n, lateral (select n % ${PROVIDERS} as p) q`,
    [districtId, schoolIds, providerIds, adminId],
  );
  await pool.query(
    `insert into scheduling.closure_day (id, district_id, day, name) select gen_random_uuid(), $1, d::date, 'Closed' from unnest($2::text[]) d`,
    [districtId, CLOSURES],
  );
  return seconds(started);
}

/** Overrides on real occurrences of the month: every 20th cancelled, every 37th edited (moved 30 minutes, its own place). */
async function seedOverrides(pool: Pool, districtId: string, adminId: string, rows: SeriesRow[]): Promise<{ cancelled: number; edited: number }> {
  const occurrences = expandAll(rows, CLOSURES);
  const cancel = occurrences.filter((_, i) => i % 20 === 0);
  const edit = occurrences.filter((_, i) => i % 37 === 1 && i % 20 !== 0);
  await pool.query(
    `insert into scheduling.occurrence_override (id, district_id, series_id, occurrence_start, cancelled_at, cancelled_by, cancel_reason, attendance, updated_by)
     select gen_random_uuid(), $1, s, o, now(), $4, 'Provider ill', case when i % 2 = 0 then 'cancelled_nonbillable' else 'cancelled_billable' end, $4
     from unnest($2::uuid[], $3::timestamptz[]) with ordinality as t(s, o, i)`,
    [districtId, cancel.map((o) => o.id), cancel.map((o) => o.start.toISOString()), adminId],
  );
  await pool.query(
    `insert into scheduling.occurrence_override (id, district_id, series_id, occurrence_start, starts_at, place_of_service, edited, updated_by)
     select gen_random_uuid(), $1, s, o, o + interval '30 minutes', 'Library', true, $4 from unnest($2::uuid[], $3::timestamptz[]) as t(s, o)`,
    [districtId, edit.map((o) => o.id), edit.map((o) => o.start.toISOString()), adminId],
  );
  return { cancelled: cancel.length, edited: edit.length };
}

async function main(): Promise<number> {
  const bench = await openBenchRun();
  const { run } = bench;
  try {
    const setupStarted = performance.now();
    const gateway = await startGateway({ RPC_TIMEOUT_MS: '120000', OUTBOX_RELAY_ENABLED: 'true' });
    bench.onClose(() => stopApps(gateway));
    const sessionLog = await startApp({ service: 'session-log', module: SessionLogModule, ...messagingTransport('session-log') });
    bench.onClose(() => stopApps(sessionLog));
    const scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    bench.onClose(() => stopApps(scheduling));
    await gateway.listen(0, '127.0.0.1');
    const port = portOf(gateway.getHttpServer().address());

    const district = await createDistrict(gateway, SCHOOLS);
    await replicated(sessionLog, district.id, 1);
    await replicated(scheduling, district.id, 1);
    const schoolIds = district.schools.map((s) => s.id);
    const provider = await district.user(['provider'], { schoolIds: [schoolIds[0]], providerKind: 'tutor' });
    const providerIds = [provider.id, ...Array.from({ length: PROVIDERS - 1 }, () => randomUUID())];
    const admin = await signIn(gateway, district.admin.email);

    const pool = new Pool({ connectionString: databaseUrl(run.database), max: Math.max(...CONCURRENCIES) });
    bench.onClose(() => pool.end());
    const seedSeconds = await seed(pool, district.id, district.admin.id, schoolIds, providerIds);
    const rowsSql = `select id, provider_id, school_id, dtstart, rrule, exdates, duration_minutes from scheduling.series where district_id = $1`;
    const allRows = (await pool.query<SeriesRow>(rowsSql, [district.id])).rows;
    const overrides = await seedOverrides(pool, district.id, district.admin.id, allRows);
    await pool.query('analyze scheduling.series; analyze scheduling.occurrence_override; analyze scheduling.closure_day');
    console.log(
      `setup ${seconds(setupStarted)} s: database ${run.database}; ${SCHOOLS} schools, ${PROVIDERS} providers, ${allRows.length} series seeded in ${seedSeconds} s, ` +
        `${overrides.cancelled} cancellations + ${overrides.edited} edited occurrences in the month, ${CLOSURES.length} closure days; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
    );

    const school = schoolIds[5];
    const adminActor: ActorSnapshot = { userId: district.admin.id, districtId: district.id, roles: ['district_admin'], schoolIds: [], displayName: 'Ada Admin' };
    const bus = gateway.get(ServiceBus);
    const scopes = [
      { scope: 'one school (GET /api/calendar?schoolId)', http: `schoolId=${school}`, where: 'school_id = $2', param: school as string | undefined, narrow: { schoolId: school }, limits: SMALL },
      { scope: 'one provider (GET /api/calendar?providerId)', http: `providerId=${provider.id}`, where: 'provider_id = $2', param: provider.id as string | undefined, narrow: { providerId: provider.id }, limits: SMALL },
      { scope: 'whole district (LIST_CALENDAR_OCCURRENCES on the bus)', http: null, where: null, param: undefined, narrow: {}, limits: DISTRICT },
    ];

    const results: ScopeResult[] = [];
    for (const scope of scopes) {
      const rows = scope.param ? allRows.filter((r) => (scope.where!.startsWith('school') ? r.school_id : r.provider_id) === scope.param) : allRows;
      const expected = expandAll(rows, CLOSURES);
      const inScope = new Set(rows.map((r) => r.id));
      const expectedCancelled = Number(
        (
          await pool.query(`select count(*) from scheduling.occurrence_override where district_id = $1 and cancelled_at is not null and series_id = any($2::uuid[])`, [
            district.id,
            [...inScope],
          ])
        ).rows[0].count,
      );

      // One read for the count, checked against the expander on the same rows.
      let occurrences: number;
      let cancelled: number;
      /** The occurrences' JSON as scheduling replies through BullMQ (HTTP scopes: the gateway's answer). */
      let replyBytes: number;
      const path = scope.http ? `/api/calendar?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&${scope.http}` : 'LIST_CALENDAR_OCCURRENCES';
      if (scope.http) {
        const response = await as(gateway, admin).get(path);
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
        const entries = (response.body.entries as { kind: string; state: string }[]).filter((e) => e.kind === 'occurrence');
        occurrences = entries.length;
        replyBytes = Buffer.byteLength(response.text);
        cancelled = entries.filter((e) => e.state.startsWith('cancelled')).length;
      } else {
        const reply = await bus.send(LIST_CALENDAR_OCCURRENCES, { actor: adminActor, from: FROM, to: TO, groupIds: [] });
        occurrences = reply.length;
        replyBytes = Buffer.byteLength(JSON.stringify(reply));
        cancelled = reply.filter((o: OccurrenceReply) => o.cancellation !== null).length;
      }
      if (occurrences !== expected.length || cancelled !== expectedCancelled) {
        throw new Error(`${scope.scope}: ${occurrences} occurrences (${cancelled} cancelled), expected ${expected.length} (${expectedCancelled} cancelled) from expandSeries on the same rows`);
      }

      const operation: (client: ReturnType<typeof httpClient> | null) => Operation = (client) =>
        client
          ? client.get(path, { authorization: `Bearer ${admin.accessToken}` })
          : () => bus.send(LIST_CALENDAR_OCCURRENCES, { actor: adminActor, from: FROM, to: TO, groupIds: [], ...scope.narrow }).then((r) => r.length === occurrences);
      const plainSql = `select * from scheduling.series where district_id = $1${scope.where ? ` and ${scope.where}` : ''}`;
      const plainParams = scope.param ? [district.id, scope.param] : [district.id];
      const plan = (await pool.query(`explain ${plainSql}`, plainParams)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join(' / ');
      const plainOperation: Operation = () => pool.query(plainSql, plainParams).then((r) => r.rowCount === rows.length);

      const measured: ScopeResult['measured'] = [];
      const plain: ScopeResult['plainQuery'] = [];
      for (const concurrency of CONCURRENCIES) {
        const client = scope.http ? httpClient(port, concurrency) : null;
        const limits = scope.http ? scope.limits : { ...scope.limits, count: Math.max(scope.limits.count, concurrency) };
        const result: LoadResult = summarize(concurrency, [await sample(operation(client), concurrency, limits)]);
        client?.close();
        printProgress(`${scope.scope}`, result);
        measured.push({ concurrency, p50Ms: result.p50Ms, p99Ms: result.p99Ms, perSecond: result.perSecond, completed: result.completed, errors: result.errors });
        const baseline = summarize(concurrency, [await sample(plainOperation, concurrency, { count: 1_000, maxMs: 3_000, warmup: 20 })]);
        printProgress(`  plain indexed query, ${rows.length} rows`, baseline);
        plain.push({ concurrency, p50Ms: baseline.p50Ms, p99Ms: baseline.p99Ms });
        if ((scope.http && result.errors) || baseline.errors) throw new Error(`${scope.scope}: ${result.errors} calendar errors, ${baseline.errors} query errors`);
      }
      const command = scope.http
        ? summarize(1, [await sample(operation(null), 1, { count: 100, maxMs: 3_000, warmup: 5 })])
        : measured[0];
      if (scope.http) printProgress(`  scheduling command alone`, command);
      const expander = timeExpander(rows, CLOSURES, scope.param ? 500 : 3_000);
      results.push({
        scope: scope.scope,
        path,
        seriesRows: rows.length,
        occurrences,
        cancelled,
        replyBytes,
        measured,
        schedulingCommandP50Ms: command.p50Ms,
        plainQuery: plain,
        plainQueryPlan: plan,
        expanderMsPerCall: expander.msPerCall,
        expanderOccurrencesPerSecond: expander.occurrencesPerSecond,
        expanderMicrosecondsPerSeries: expander.microsecondsPerSeries,
        ratioP50: Object.fromEntries(measured.map((m, i) => [`c${m.concurrency}`, m.p50Ms / plain[i].p50Ms])),
      });
    }

    const rowsOut: Cell[][] = results.flatMap((r) =>
      r.measured.map((m, i) => [
        r.scope,
        `c${m.concurrency}`,
        r.seriesRows,
        r.occurrences,
        m.errors,
        m.p50Ms,
        m.p99Ms,
        r.plainQuery[i].p50Ms,
        r.plainQuery[i].p99Ms,
        ratio(m.p50Ms, r.plainQuery[i].p50Ms),
        r.expanderMsPerCall,
        r.expanderMicrosecondsPerSeries,
        Math.round(r.expanderOccurrencesPerSecond),
      ]),
    );
    console.log(
      `\n${table(
        ['scope (March 2027)', 'c', 'series', 'occurrences', 'errors', 'p50 ms', 'p99 ms', 'plain p50 ms', 'plain p99 ms', 'ratio p50', 'expander ms', 'µs/series', 'occ/s expander'],
        rowsOut,
      )}\n`,
    );
    for (const r of results) console.log(`plan (${r.scope}): ${r.plainQueryPlan}; reply ${(r.replyBytes / 1e6).toFixed(2)} MB; scheduling command alone p50 ${r.schedulingCommandP50Ms.toFixed(1)} ms at c1`);
    console.log(`\nverified: each scope's occurrence and cancellation counts equal expandSeries on the same rows with the closure days and overrides in the database`);
    const file = writeResult(ROOT, 'calendar', {
      bench: 'calendar',
      at: new Date().toISOString(),
      machine: machine(ROOT),
      setup: { schools: SCHOOLS, providers: PROVIDERS, series: allRows.length, overrides, closureDays: CLOSURES.length, from: FROM, to: TO, seedSeconds },
      results,
    });
    console.log(`result written to ${file}`);
    return 0;
  } finally {
    await bench.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
