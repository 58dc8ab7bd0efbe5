import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Environment } from '@sessionledger/config';
import { PostedParticipant, PostedSessionSnapshot, SCHOOL_CHANGED, SESSION_AMENDED, SESSION_POSTED } from '@sessionledger/contracts';
import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { messagingTransport, ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { redisOptionsFrom } from '@sessionledger/platform';
import { Client } from 'pg';
import { currentTestRun, databaseUrl, startApp, stopApps, waitFor } from '@sessionledger/testing';
import { amendedSnapshot, NO_QUALIFIERS, postedSnapshot, postedStudent, REMEDIAL } from '../../payroll/test/support/posted-sessions';
import { STATE_EXPORT_ATTEMPTS, STATE_EXPORT_QUEUE } from '../../state-reporting/src/exports/export.queue';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { as, Session, signIn, TestDistrict } from './support/gateway-harness';
import { addStudent } from './support/session-fixtures';
import { SessionPlatform, startSessionPlatform } from './support/session-harness';

const EDFI = join(__dirname, '../../../../shared/data/edfi');
/** The CSV columns as the documentation states them (docs/api/state-reporting.md, section "State exports"), in order. */
const DOCUMENTED_COLUMNS = (() => {
  const page = readFileSync(join(__dirname, '../../../docs/api/state-reporting.md'), 'utf8');
  const start = page.search(/^## State exports$/m);
  if (start < 0) throw new Error('docs/api/state-reporting.md has no "## State exports" section');
  const next = page.slice(start + 1).search(/^## /m);
  const section = next < 0 ? page.slice(start) : page.slice(start, start + 1 + next);
  return [...section.matchAll(/^\| (\d+) \| `([a-z_]+)` \|/gm)].map((m) => m[2]);
})();

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks; lines end CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

/** Ed-Fi's default descriptors, as `namespace#CodeValue`, from the descriptor XML files. */
function defaultDescriptors(): Set<string> {
  const uris = new Set<string>();
  const dir = join(EDFI, 'descriptors');
  for (const file of ['AttendanceEventCategoryDescriptor', 'DeliveryMethodDescriptor', 'EducationalEnvironmentDescriptor', 'InterventionClassDescriptor']) {
    const xml = readFileSync(join(dir, `${file}.xml`), 'utf8');
    for (const block of xml.split(`</${file}>`)) {
      const code = /<CodeValue>([^<]+)<\/CodeValue>/.exec(block)?.[1];
      const namespace = /<Namespace>([^<]+)<\/Namespace>/.exec(block)?.[1];
      if (code && namespace) uris.add(`${namespace}#${code}`);
    }
  }
  return uris;
}

function descriptorValues(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    key.endsWith('Descriptor') && typeof inner === 'string' ? [inner] : descriptorValues(inner),
  );
}

interface EdfiFile {
  interventions: Record<string, unknown>[];
  studentInterventionAssociations: Record<string, unknown>[];
  studentInterventionAttendanceEvents: Record<string, unknown>[];
  deletes: Record<string, unknown>[];
}

describe('State exports: CSV and Ed-Fi JSON as BullMQ jobs, corrections and disclosures', () => {
  let platform: SessionPlatform;
  let stateReporting: NestFastifyApplication;
  let exportQueue: Queue;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let schoolAdmin: Session;
  let provider: Session;
  let schools: { id: string; stateSchoolCode: string }[];
  let students: { id: string; stateId: string }[];
  let unlisted: { id: string };
  const validators = (() => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(EDFI, 'api_json_constructed', `${name}.schema.constructed.json`), 'utf8')));
    return {
      interventions: schema('intervention'),
      studentInterventionAssociations: schema('studentInterventionAssociation'),
      studentInterventionAttendanceEvents: schema('studentInterventionAttendanceEvent'),
    };
  })();
  const descriptors = defaultDescriptors();

  const inboxCount = (districtId: string) =>
    stateReporting
      .get(TenantTransactions)
      .run(districtId, async (em) => ((await em.execute(`select count(*)::int as count from state_reporting.inbox_event where name like 'session-log.session-%'`)) as { count: number }[])[0].count);

  /** Emits snapshots on the real bus (as session-log's relay would) and waits until state reporting has taken every one. */
  async function emit(...events: ({ posted: PostedSessionSnapshot } | { amended: PostedSessionSnapshot })[]): Promise<void> {
    const before = await inboxCount(district.id);
    const bus = platform.gateway.get(ServiceBus);
    for (const event of events) {
      if ('posted' in event) await bus.emit(SESSION_POSTED, { districtId: district.id, snapshot: event.posted });
      else await bus.emit(SESSION_AMENDED, { districtId: district.id, snapshot: event.amended, previousVersion: event.amended.version - 1, reason: 'Corrected minutes' });
    }
    await waitFor(async () => (await inboxCount(district.id)) >= before + events.length, 15_000);
  }

  /** One real student of the district as session-log posts them. */
  function participant(index: number, status: PostedParticipant['attendanceStatus'], minutes: number, fields: Partial<PostedParticipant> = {}): PostedParticipant {
    return { ...postedStudent(status, minutes), personId: students[index].id, stateId: students[index].stateId, name: `Student ${index}`, ...fields };
  }

  function session(schoolIndex: number, sessionDate: string, participants: PostedParticipant[], fields: Partial<PostedSessionSnapshot> = {}): PostedSessionSnapshot {
    return postedSnapshot({
      providerId: randomUUID(),
      schoolId: schools[schoolIndex].id,
      schoolCode: schools[schoolIndex].stateSchoolCode,
      workOrderId: randomUUID(),
      sessionDate,
      participants,
      ...fields,
    });
  }

  const exportsOf = (who: Session) => ({
    start: (body: object) => as(platform.gateway, who).post('/api/reporting/exports').send(body),
    get: (id: string) => as(platform.gateway, who).get(`/api/reporting/exports/${id}`),
    list: () => as(platform.gateway, who).get('/api/reporting/exports?pageSize=200'),
    download: (id: string) => as(platform.gateway, who).get(`/api/reporting/exports/${id}/download`),
  });
  const body = (format: string, from: string, to: string, extra: object = {}) => ({ format, from, to, recipient: 'State Department of Education', purpose: 'Quarterly tutoring report', ...extra });

  /** Starts an export, waits for its job to finish, returns its final state. */
  async function runExport(request: object): Promise<{ id: string; status: string; progress: number; counts: Record<string, number>; [key: string]: unknown }> {
    const started = await exportsOf(admin).start(request).expect(202);
    expect(started.body).toMatchObject({ status: 'queued', progress: 0 });
    let last: { status: string } = started.body;
    await waitFor(async () => {
      last = (await exportsOf(admin).get(started.body.id).expect(200)).body;
      return last.status === 'done' || last.status === 'failed';
    }, 20_000);
    expect(last).toMatchObject({ status: 'done' });
    return last as never;
  }

  async function csvOf(id: string): Promise<Record<string, string>[]> {
    const response = await exportsOf(admin).download(id).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...lines] = parseCsv(response.text);
    expect(header).toEqual(DOCUMENTED_COLUMNS);
    return lines.map((line) => Object.fromEntries(header.map((column, i) => [column, line[i]])));
  }

  async function edfiOf(id: string): Promise<EdfiFile> {
    const response = await exportsOf(admin).download(id).expect(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const file = JSON.parse(response.text) as EdfiFile;
    expect(Object.keys(file)).toEqual(['interventions', 'studentInterventionAssociations', 'studentInterventionAttendanceEvents', 'deletes']);
    for (const kind of ['interventions', 'studentInterventionAssociations', 'studentInterventionAttendanceEvents'] as const) {
      for (const resource of file[kind]) {
        const valid = validators[kind](resource);
        expect({ kind, resource, errors: validators[kind].errors ?? null }).toEqual({ kind, resource, errors: null });
        expect(valid).toBe(true);
        for (const uri of descriptorValues(resource)) expect({ uri, default: descriptors.has(uri) }).toEqual({ uri, default: true });
      }
    }
    return file;
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    const env = stateReporting.get(Environment);
    exportQueue = new Queue(STATE_EXPORT_QUEUE, { connection: redisOptionsFrom(env.REDIS_URL, 'commands'), prefix: env.REDIS_PREFIX });
    [district, other] = await Promise.all([platform.district(2), platform.district(1)]);
    for (const d of [district, other]) {
      await waitFor(async () => (await stateReporting.get(TenantTransactions).run(d.id, (em) => em.count(DistrictReplica, { districtId: d.id }))) > 0, 15_000);
    }
    [admin, otherAdmin] = await Promise.all([signIn(platform.gateway, district.admin.email), signIn(platform.gateway, other.admin.email)]);

    // Numeric state codes: Ed-Fi's educationOrganizationId is an integer.
    schools = [];
    for (let i = 0; i < 2; i += 1) {
      const code = String(100_000_000 + randomBytes(3).readUIntBE(0, 3));
      schools.push((await as(platform.gateway, admin).post('/api/schools').send({ name: `Export school ${code}`, stateSchoolCode: code }).expect(201)).body);
    }
    await waitFor(async () => (await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(SchoolReplica, { id: { $in: schools.map((s) => s.id) } }))) === 2, 15_000);

    students = [];
    for (let i = 0; i < 6; i += 1) {
      const stateId = `ST${randomBytes(4).toString('hex')}`;
      students.push({ ...(await addStudent(platform.gateway, admin, schools[i < 5 ? 0 : 1].id, { stateId })), stateId });
    }
    unlisted = await addStudent(platform.gateway, admin, schools[0].id);
    schoolAdmin = await district.user(['school_admin'], { schoolIds: [schools[0].id] }).then((u) => signIn(platform.gateway, u.email));
    provider = await district.user(['provider'], { schoolIds: [schools[0].id], providerKind: 'tutor' }).then((u) => signIn(platform.gateway, u.email));
  });

  afterAll(async () => {
    await exportQueue?.close();
    await stopApps(stateReporting);
    await platform?.stop();
  });

  it('runs a CSV export as a BullMQ job to done, lists it in the history, and downloads the documented columns with formula-looking cells defused', async () => {
    const day = '2026-02-02';
    const posted = session(0, day, [
      participant(0, 'attended', 45, { name: '=HYPERLINK("http://evil.example","click")' }),
      participant(1, 'missed_billable', 0, { name: 'Ann, "Annie"\tLee', qualifiers: { ...REMEDIAL, subject: '+Math' } }),
      participant(2, 'attended', 45, { name: '@SUM(A1)', qualifiers: { ...NO_QUALIFIERS, homebound: true } }),
    ], { providerName: '-Tess' });
    const ineligible = session(0, day, [participant(3, 'attended', 30)], { workOrderId: null, workOrderType: null });
    await emit({ posted }, { posted: ineligible });

    const done = await runExport(body('csv', day, day));
    expect(done).toMatchObject({
      format: 'csv',
      from: day,
      to: day,
      schoolId: null,
      recipient: 'State Department of Education',
      purpose: 'Quarterly tutoring report',
      progress: 100,
      counts: { records: 3, added: 3, corrected: 0, unchanged: 0, deleted: 0, skipped: 0, students: 3, ineligibleSessions: 1 },
      requestedBy: district.admin.id,
    });
    expect(done.finishedAt).not.toBeNull();

    const job = await exportQueue.getJob(done.id);
    expect(job).toBeDefined();
    expect(await job!.getState()).toBe('completed');
    expect(job!.progress).toBe(100);

    const history = (await exportsOf(admin).list().expect(200)).body;
    expect(history.items[0]).toMatchObject({ id: done.id, status: 'done', format: 'csv' });
    expect(history.total).toBeGreaterThanOrEqual(1);

    const rows = await csvOf(done.id);
    expect(rows.map((r) => r.session_id)).toEqual([posted.sessionId, posted.sessionId, posted.sessionId]);
    const byStudent = new Map(rows.map((r) => [r.student_id, r]));
    expect(byStudent.get(students[0].id)).toMatchObject({
      record_action: 'ADD',
      session_version: '1',
      session_date: day,
      school_code: schools[0].stateSchoolCode,
      student_state_id: students[0].stateId,
      student_name: `'=HYPERLINK("http://evil.example","click")`,
      provider_name: `'-Tess`,
      service: 'tutoring',
      delivery: 'small_group',
      subject: 'Math',
      attendance_status: 'attended',
      minutes: '45',
      homebound: 'N',
      remedial: 'Y',
      remedial_criteria: 'd_or_f_grade',
      work_order_type: 'tutoring',
    });
    expect(byStudent.get(students[1].id)).toMatchObject({ student_name: 'Ann, "Annie"\tLee', subject: `'+Math`, attendance_status: 'missed_billable', minutes: '0' });
    expect(byStudent.get(students[2].id)).toMatchObject({ student_name: `'@SUM(A1)`, homebound: 'Y', remedial: 'N', subject: '' });
    expect(byStudent.has(students[3].id)).toBe(false);
    // No cell a spreadsheet would evaluate: every one starting = + - @ TAB CR carries the leading quote.
    for (const cell of rows.flatMap((r) => Object.values(r))) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
  });

  it('writes Ed-Fi JSON: Interventions, then StudentInterventionAssociations, then attendance events for present and absent students, each valid against the Ed-Fi schema with default descriptors', async () => {
    const day = '2026-02-02';
    const done = await runExport(body('edfi', day, day));
    const file = await edfiOf(done.id);
    const [posted] = (await as(platform.gateway, admin).get(`/api/reporting/records?from=${day}&to=${day}&eligible=true&pageSize=200`).expect(200)).body.items as { sessionId: string }[];
    const intervention = { educationOrganizationId: Number(schools[0].stateSchoolCode), interventionIdentificationCode: posted.sessionId };

    expect(file.interventions).toEqual([
      {
        interventionIdentificationCode: posted.sessionId,
        educationOrganizationReference: { educationOrganizationId: Number(schools[0].stateSchoolCode) },
        beginDate: day,
        endDate: day,
        deliveryMethodDescriptor: 'uri://ed-fi.org/DeliveryMethodDescriptor#Small Group',
        interventionClassDescriptor: 'uri://ed-fi.org/InterventionClassDescriptor#Supplement',
      },
    ]);
    expect(file.studentInterventionAssociations).toHaveLength(3);
    expect(file.studentInterventionAssociations).toContainEqual({ interventionReference: intervention, studentReference: { studentUniqueId: students[0].stateId }, dosage: 45 });
    const events = new Map(file.studentInterventionAttendanceEvents.map((e) => [(e.studentReference as { studentUniqueId: string }).studentUniqueId, e]));
    expect(events.get(students[0].stateId)).toEqual({
      attendanceEventCategoryDescriptor: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#In Attendance',
      eventDate: day,
      interventionReference: intervention,
      studentReference: { studentUniqueId: students[0].stateId },
      interventionDuration: 45,
    });
    expect(events.get(students[1].stateId)).toMatchObject({ attendanceEventCategoryDescriptor: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence', interventionDuration: 0 });
    expect(events.get(students[2].stateId)).toMatchObject({ educationalEnvironmentDescriptor: 'uri://ed-fi.org/EducationalEnvironmentDescriptor#Homebound' });
    expect(file.deletes).toEqual([]);
    expect(done.counts).toMatchObject({ records: 3, added: 3, skipped: 0 });
  });

  it('leaves out of Ed-Fi, and counts, an eligible record without a state student id', async () => {
    const day = '2026-02-04';
    const posted = session(1, day, [participant(5, 'attended', 30), participant(4, 'attended', 30, { stateId: null })]);
    await emit({ posted });
    const done = await runExport(body('edfi', day, day));
    expect(done.counts).toMatchObject({ records: 1, added: 1, skipped: 1, students: 1, skippedReasons: [{ reason: 'The student has no state student id', count: 1 }] });
    const file = await edfiOf(done.id);
    expect(file.studentInterventionAttendanceEvents.map((e) => e.studentReference)).toEqual([{ studentUniqueId: students[5].stateId }]);
  });

  it('skips, in every format and with the reason, an eligible record whose school has no state school code anywhere', async () => {
    const day = '2026-02-05';
    const unknownSchool = randomUUID();
    await emit({ posted: session(0, day, [participant(0, 'attended', 30)]) }, { posted: session(0, day, [participant(1, 'attended', 30)], { schoolId: unknownSchool, schoolCode: null }) });
    for (const format of ['csv', 'edfi']) {
      const done = await runExport(body(format, day, day));
      expect({ format, counts: done.counts }).toMatchObject({
        format,
        counts: { added: format === 'csv' ? 1 : expect.any(Number), skipped: 1, skippedReasons: [{ reason: 'The school has no state school code', count: 1 }] },
      });
    }
    const csv = await csvOf((await runExport(body('csv', day, day))).id);
    expect(csv.map((row) => row.school_code)).toEqual([schools[0].stateSchoolCode]);
    const waiting = (await as(platform.gateway, admin).get(`/api/reporting/ineligible?from=${day}&to=${day}`).expect(200)).body;
    expect(waiting.items).toEqual([expect.objectContaining({ schoolId: unknownSchool, schoolCode: null, reasons: ['The school has no state school code'] })]);

    // The school's code arrives later (a school announced late): the waiting record fills in and goes out as an addition.
    await platform.gateway
      .get(ServiceBus)
      .emit(SCHOOL_CHANGED, { districtId: district.id, schoolId: unknownSchool, name: 'Late School', stateSchoolCode: '770001', active: true, version: 1 });
    await waitFor(async () => (await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(SchoolReplica, { id: unknownSchool }))) === 1, 15_000);
    const later = await runExport(body('csv', day, day));
    expect(later.counts).toMatchObject({ added: 1, unchanged: 1, skipped: 0, skippedReasons: [] });
    const rows = await csvOf(later.id);
    expect(rows.map((row) => [row.record_action, row.school_code]).sort()).toEqual([['ADD', '770001'], ['UNCHANGED', schools[0].stateSchoolCode]].sort());
    expect((await as(platform.gateway, admin).get(`/api/reporting/ineligible?from=${day}&to=${day}`).expect(200)).body.items).toEqual([]);
  });

  it('sends an amendment made after an export as a correction in the next one (CSV CORRECT/DELETE, Ed-Fi the same natural keys again), then as unchanged', async () => {
    const day = '2026-02-03';
    const posted = session(0, day, [participant(0, 'attended', 40), participant(1, 'attended', 40), participant(2, 'attended', 40)]);
    await emit({ posted });
    const firstCsv = await runExport(body('csv', day, day));
    const firstEdfi = await runExport(body('edfi', day, day));
    expect(firstCsv.counts).toMatchObject({ added: 3, corrected: 0 });
    const before = await edfiOf(firstEdfi.id);

    // The amendment: student 0 had 25 minutes, student 2 was not there at all.
    const amended = amendedSnapshot(posted, { participants: [{ ...posted.participants[0], minutes: 25 }, posted.participants[1]] });
    await emit({ amended });

    const correction = await runExport(body('csv', day, day));
    expect(correction.counts).toMatchObject({ records: 3, added: 0, corrected: 1, unchanged: 1, deleted: 1, students: 3 });
    const rows = new Map((await csvOf(correction.id)).map((r) => [r.student_id, r]));
    expect(rows.get(students[0].id)).toMatchObject({ record_action: 'CORRECT', session_version: '2', minutes: '25' });
    expect(rows.get(students[1].id)).toMatchObject({ record_action: 'UNCHANGED', session_version: '2', minutes: '40' });
    expect(rows.get(students[2].id)).toMatchObject({ record_action: 'DELETE', session_id: posted.sessionId, session_version: '1', student_state_id: students[2].stateId, minutes: '' });

    const edfiCorrection = await runExport(body('edfi', day, day));
    expect(edfiCorrection.counts).toMatchObject({ corrected: 1, unchanged: 1, deleted: 1 });
    const after = await edfiOf(edfiCorrection.id);
    const eventOf = (file: EdfiFile, stateId: string) => file.studentInterventionAttendanceEvents.find((e) => (e.studentReference as { studentUniqueId: string }).studentUniqueId === stateId);
    const naturalKey = (e: Record<string, unknown> | undefined) => ({ interventionReference: e?.interventionReference, studentReference: e?.studentReference, eventDate: e?.eventDate });
    expect(naturalKey(eventOf(after, students[0].stateId))).toEqual(naturalKey(eventOf(before, students[0].stateId)));
    expect(eventOf(after, students[0].stateId)).toMatchObject({ interventionDuration: 25 });
    expect(after.interventions.map((i) => i.interventionIdentificationCode)).toEqual(before.interventions.map((i) => i.interventionIdentificationCode));
    expect(after.deletes).toEqual([
      {
        studentInterventionAssociation: { interventionReference: eventOf(before, students[2].stateId)?.interventionReference, studentReference: { studentUniqueId: students[2].stateId } },
        studentInterventionAttendanceEvent: naturalKey(eventOf(before, students[2].stateId)),
      },
    ]);

    // Nothing changed since: every record unchanged, the deletion not sent twice.
    const again = await runExport(body('csv', day, day));
    expect(again.counts).toMatchObject({ records: 2, added: 0, corrected: 0, unchanged: 2, deleted: 0 });
    expect((await csvOf(again.id)).map((r) => r.record_action)).toEqual(['UNCHANGED', 'UNCHANGED']);
  });

  it('exports one school only when asked', async () => {
    const done = await runExport(body('csv', '2026-02-01', '2026-02-28', { schoolId: schools[1].id }));
    const rows = await csvOf(done.id);
    expect(rows.map((r) => r.student_id).sort()).toEqual([students[4].id, students[5].id].sort());
    expect(rows.map((r) => r.school_code)).toEqual([schools[1].stateSchoolCode, schools[1].stateSchoolCode]);
  });

  it('streams an export larger than one batch and one stored chunk: every record once, downloaded whole', async () => {
    const day = '2026-01-15';
    const many = Array.from({ length: 2_100 }, (_, i) => ({
      ...postedStudent('attended', 30, NO_QUALIFIERS),
      stateId: `BULK${i}`,
      name: `${'N'.repeat(600)} ${i}`,
    }));
    await emit({ posted: session(1, day, many) });
    const done = await runExport(body('csv', day, day));
    expect(done.counts).toMatchObject({ records: 2_100, added: 2_100, students: 2_100 });
    const [{ chunks }] = await stateReporting
      .get(TenantTransactions)
      .run(district.id, (em) => em.execute(`select count(*)::int as chunks from state_reporting.export_chunk where export_id = ?`, [done.id]) as Promise<{ chunks: number }[]>);
    expect(chunks).toBeGreaterThan(1);
    const rows = await csvOf(done.id);
    expect(rows).toHaveLength(2_100);
    expect(new Set(rows.map((r) => r.student_state_id))).toEqual(new Set(many.map((p) => p.stateId)));
    expect(rows.every((r) => r.record_action === 'ADD' && r.minutes === '30')).toBe(true);
  });

  it('records every disclosure, readable per student: who received which data, when, why, sent by whom', async () => {
    const history = (await exportsOf(admin).list().expect(200)).body.items as { id: string; from: string; schoolId: string | null }[];
    const page = (await as(platform.gateway, admin).get(`/api/students/${students[2].id}/disclosures`).expect(200)).body;
    const disclosures = page.items as Record<string, unknown>[];
    // Student 2: both exports of 2026-02-02 and four of 2026-02-03 (the last two told the state to delete the record; the fifth left them out).
    expect(page).toMatchObject({ page: 1, pageSize: 50, total: 6 });
    expect(disclosures).toHaveLength(6);
    for (const disclosure of disclosures) {
      expect(disclosure).toMatchObject({
        studentId: students[2].id,
        recipient: 'State Department of Education',
        purpose: 'Quarterly tutoring report',
        disclosedBy: district.admin.id,
        records: 1,
      });
      expect(history.map((h) => h.id)).toContain(disclosure.exportId);
    }
    expect(new Set(disclosures.map((d) => d.format))).toEqual(new Set(['csv', 'edfi']));
    expect((await as(platform.gateway, admin).get(`/api/students/${unlisted.id}/disclosures`).expect(200)).body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
  });

  it('pages the export history and a student’s disclosures in one stable order, and keeps only those changed at or after updatedSince', async () => {
    type Listed = { id: string; createdAt: string; updatedAt: string };
    const all = (await exportsOf(admin).list().expect(200)).body.items as Listed[];
    // Newest first, ties broken by id: walking one at a time meets every export once, in the same order.
    expect(all.map((e) => e.id)).toEqual([...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((e) => e.id));
    const walked: string[] = [];
    for (let page = 1; page <= all.length; page++) {
      walked.push(...(await as(platform.gateway, admin).get('/api/reporting/exports').query({ page, pageSize: 1 }).expect(200)).body.items.map((e: Listed) => e.id));
    }
    expect(walked).toEqual(all.map((e) => e.id));
    const since = [...all.map((e) => e.updatedAt)].sort()[Math.floor(all.length / 2)];
    const changed = (await as(platform.gateway, admin).get('/api/reporting/exports').query({ updatedSince: since, pageSize: 200 }).expect(200)).body;
    expect(changed.items.map((e: Listed) => e.id)).toEqual(all.filter((e) => e.updatedAt >= since).map((e) => e.id));
    expect(changed.total).toBeLessThan(all.length);

    type Disclosure = { exportId: string; disclosedAt: string };
    const disclosures = (await as(platform.gateway, admin).get(`/api/students/${students[2].id}/disclosures`).expect(200)).body.items as Disclosure[];
    const pages = [1, 2, 3].map((page) => as(platform.gateway, admin).get(`/api/students/${students[2].id}/disclosures`).query({ page, pageSize: 2 }).expect(200));
    const byPage = (await Promise.all(pages)).flatMap((response) => response.body.items as Disclosure[]);
    expect(byPage).toEqual(disclosures);
    const latest = disclosures[0].disclosedAt;
    const recent = (await as(platform.gateway, admin).get(`/api/students/${students[2].id}/disclosures`).query({ updatedSince: latest }).expect(200)).body;
    expect(recent.items).toEqual(disclosures.filter((d) => d.disclosedAt >= latest));
    expect(recent.total).toBeLessThan(disclosures.length);
  });

  it('refuses: other roles 403, another district’s export or student 404, bad input 400 naming each field, and an unknown school 404', async () => {
    const [someExport] = (await exportsOf(admin).list().expect(200)).body.items as { id: string }[];
    for (const who of [schoolAdmin, provider]) {
      await exportsOf(who).start(body('csv', '2026-02-01', '2026-02-02')).expect(403);
      await exportsOf(who).list().expect(403);
      await exportsOf(who).get(someExport.id).expect(403);
      await exportsOf(who).download(someExport.id).expect(403);
      await as(platform.gateway, who).get(`/api/students/${students[0].id}/disclosures`).expect(403);
    }

    await exportsOf(otherAdmin).get(someExport.id).expect(404);
    await exportsOf(otherAdmin).download(someExport.id).expect(404);
    expect((await exportsOf(otherAdmin).list().expect(200)).body.items).toEqual([]);
    await as(platform.gateway, otherAdmin).get(`/api/students/${students[0].id}/disclosures`).expect(404);
    await exportsOf(admin).get(randomUUID()).expect(404);
    await exportsOf(admin).start(body('csv', '2026-02-01', '2026-02-02', { schoolId: other.schools[0].id })).expect(404);

    const bad = await exportsOf(admin).start({ format: 'xml', from: '2026-02-30x', to: 'soon', recipient: '', purpose: 7, schoolId: 'nope' }).expect(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect((bad.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['format', 'from', 'purpose', 'recipient', 'schoolId', 'to']);
    const backwards = await exportsOf(admin).start(body('csv', '2026-02-10', '2026-02-01')).expect(400);
    expect(backwards.body.fields).toEqual([{ field: 'to', problems: ['must be on or after from (2026-02-10)'] }]);
    await exportsOf(admin).get('not-a-uuid').expect(400);

    expect((await exportsOf(admin).list().expect(200)).body.total).toBe(14);

    // An export its worker has not finished yet cannot be downloaded.
    const [waiting] = await stateReporting.get(TenantTransactions).run(district.id, (em) =>
      em.execute(
        `insert into state_reporting.state_export (id, district_id, requested_by, requested_by_name, format, from_date, to_date, recipient, purpose, status)
          values (?, ?, ?, 'Ada Admin', 'csv', '2026-02-01', '2026-02-02', 'State', 'Test', 'running') returning id`,
        [randomUUID(), district.id, district.admin.id],
      ) as Promise<{ id: string }[]>,
    );
    const notReady = await exportsOf(admin).download(waiting.id).expect(409);
    expect(notReady.body).toMatchObject({ code: 'EXPORT.NOT_READY' });
  });

  it('fails an export for good after its second failed attempt, with a readable status, and never runs it a third time', async () => {
    const poison = `Poisoned recipient ${randomBytes(4).toString('hex')}`;
    const trigger = `export_test_fail_${randomBytes(4).toString('hex')}`;
    const pg = new Client({ connectionString: databaseUrl(currentTestRun().database) });
    await pg.connect();
    try {
      // Every attempt fails as it finishes, as an export whose process dies would.
      await pg.query(`CREATE FUNCTION state_reporting.${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.status = 'done' AND NEW.recipient = '${poison}' THEN RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$`);
      await pg.query(`CREATE TRIGGER ${trigger} BEFORE UPDATE ON state_reporting.state_export FOR EACH ROW EXECUTE FUNCTION state_reporting.${trigger}()`);
      const started = await exportsOf(admin).start(body('csv', '2026-01-01', '2026-01-31', { recipient: poison })).expect(202);
      let last: { status: string; error: string | null } = started.body;
      await waitFor(async () => {
        last = (await exportsOf(admin).get(started.body.id).expect(200)).body;
        return last.status === 'failed';
      }, 30_000);
      expect(last.error).toBe(`The export failed; it was tried ${STATE_EXPORT_ATTEMPTS} times. Start a new one, or ask support with the export id.`);
      expect(STATE_EXPORT_ATTEMPTS).toBe(2);
      const job = await exportQueue.getJob(started.body.id);
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsStarted).toBe(2);
    } finally {
      await pg.query(`DROP TRIGGER IF EXISTS ${trigger} ON state_reporting.state_export`);
      await pg.query(`DROP FUNCTION IF EXISTS state_reporting.${trigger}()`);
      await pg.end();
    }
  });
});
