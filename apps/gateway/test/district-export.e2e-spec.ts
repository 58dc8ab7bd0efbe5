import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash, randomBytes } from 'node:crypto';
import { DistrictReplica } from '@sessionledger/district-replica';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { SchedulingModule } from '../../scheduling/src/scheduling.module';
import { StateReportingModule } from '../../state-reporting/src/state-reporting.module';
import { RunDistrictExport } from '../src/district-export/run-district-export';
import { readZip } from '../src/roster/zip/zip-archive';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, startSession, startSessionPlatform } from './support/session-harness';

/**
 * Issue 18 items 4 and 6 (docs/district-export.md): a district admin exports
 * everything the district owns, or everything it holds about one student for
 * the family, as a zip of JSON Lines files with a manifest; the student's
 * file names no other student of their group sessions, and the request is
 * recorded as a disclosure.
 */

const canary = (label: string) => `${label}${randomBytes(4).toString('hex')}`;
const LAST = { kit: canary('Kitfam'), bea: canary('Beafam'), sam: canary('Samfam') };
const NOTES = { student: canary('student-note-'), client: canary('client-note-'), admin: canary('admin-note-') };

interface ExportReply {
  id: string;
  scope: string;
  studentId: string | null;
  status: string;
  progress: number;
  files: { name: string; rows: number; bytes: number; sha256: string }[];
  rows: number;
  sha256: string | null;
  sizeBytes: number | null;
  error: string | null;
}

interface Unzipped {
  files: Map<string, string>;
  manifest: { district: { id: string }; scope: string; createdAt: string; createdBy: { id: string }; files: ExportReply['files']; studentId?: string; recipient?: string; purpose?: string };
  bytes: Buffer;
}

async function unzip(bytes: Buffer): Promise<Unzipped> {
  const files = new Map<string, string>();
  for (const entry of await readZip(bytes, { maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 })) {
    const parts: Buffer[] = [];
    for await (const part of entry.open()) parts.push(part);
    files.set(entry.name, Buffer.concat(parts).toString('utf8'));
  }
  return { files, manifest: JSON.parse(files.get('manifest.json') ?? 'null'), bytes };
}

const rowsOf = (text: string | undefined): Record<string, unknown>[] => (text ?? '').split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('District export and records requests', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let stateReporting: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let kit: { id: string; firstName: string; lastName: string };
  let bea: { id: string; firstName: string; lastName: string };
  let sam: { id: string; firstName: string; lastName: string };
  let sessionId: string;

  const api = (who: Session) => as(platform.gateway, who);

  async function finished(who: Session, id: string): Promise<ExportReply> {
    let reply: ExportReply | undefined;
    await waitFor(async () => {
      reply = (await api(who).get(`/api/district-exports/${id}`).expect(200)).body;
      return reply!.status === 'done' || reply!.status === 'failed';
    }, 60_000);
    expect(reply!.error).toBeNull();
    expect(reply!.status).toBe('done');
    return reply!;
  }

  async function download(who: Session, id: string): Promise<Unzipped> {
    const response = await api(who)
      .get(`/api/district-exports/${id}/file`)
      .buffer(true)
      .parse((res, callback) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => callback(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/zip/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename=".+\.zip"$/);
    return unzip(response.body as Buffer);
  }

  beforeAll(async () => {
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    district = await platform.district(1);
    await replicated(scheduling, district.id, 1);
    await waitFor(async () => (await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(DistrictReplica, { districtId: district.id }))) > 0, 15_000);
    // Two rows a page: every table of more than two rows is read across pages, redaction included.
    platform.gateway.get(RunDistrictExport).pageRows = 2;
    admin = await signIn(platform.gateway, district.admin.email);
    const school = district.schools[0].id;
    tutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Tara' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    kit = await addStudent(platform.gateway, admin, school, { firstName: 'Kit', lastName: LAST.kit });
    bea = await addStudent(platform.gateway, admin, school, { firstName: 'Beatrix', lastName: LAST.bea });
    sam = await addStudent(platform.gateway, admin, school, { firstName: 'Samwise', lastName: LAST.sam });
    const group = await addGroup(platform.gateway, admin, school, tutor.id, [kit.id, bea.id, sam.id]);
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: school });

    // A group note naming all three: it stays in Kit's file, without Beatrix's and Samwise's names.
    const session = (await startSession(platform.gateway, tutorSession, {
      service: 'tutoring',
      groupId: group.id,
      workOrderId: workOrder.id,
      startedAt: minutesAgo(55),
      description: `Kit, Beatrix ${LAST.bea} and Samwise read the play together`,
    })) as { id: string; participants: { id: string; personId: string; version: number }[] };
    sessionId = session.id;
    for (const p of session.participants) {
      const who = p.personId === kit.id ? 'kit' : p.personId === bea.id ? 'bea' : 'sam';
      await api(tutorSession)
        .patch(`/api/sessions/${session.id}/participants/${p.id}`)
        .send({
          version: p.version,
          present: true,
          qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' },
          studentNote: `${NOTES.student}${who}`,
          clientNote: `${NOTES.client}${who}`,
          adminNote: `${NOTES.admin}${who}`,
        })
        .expect(200);
    }
    const current = (await api(tutorSession).get(`/api/sessions/${session.id}`).expect(200)).body;
    await api(tutorSession).post(`/api/sessions/${session.id}/end`).send({ version: current.version, endedAt: minutesAgo(5) }).expect(200);
    await api(tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    // The posting reaches state reporting (one record per student) before anything is exported.
    await waitFor(
      async () =>
        ((await stateReporting.get(TenantTransactions).run(district.id, (em) => em.execute(`SELECT count(*)::int AS n FROM state_reporting.reportable_record`))) as { n: number }[])[0].n === 3,
      20_000,
    );
  });

  afterAll(async () => {
    await stopApps(...[scheduling, stateReporting].filter(Boolean));
    await platform?.stop();
  });

  it('exports everything the district owns as a zip whose manifest counts match the database', async () => {
    const started = await api(admin).post('/api/district-exports').send({ scope: 'district' }).expect(202);
    expect(started.body).toMatchObject({ scope: 'district', status: 'queued', studentId: null });
    const done = await finished(admin, started.body.id);
    expect(done.progress).toBe(100);

    const zip = await download(admin, done.id);
    expect(createHash('sha256').update(zip.bytes).digest('hex')).toBe(done.sha256);
    expect(zip.bytes.length).toBe(done.sizeBytes);
    expect(zip.manifest).toMatchObject({ district: { id: district.id }, scope: 'district', createdBy: { id: district.admin.id } });
    expect(Number.isNaN(Date.parse(zip.manifest.createdAt))).toBe(false);
    expect(zip.manifest.files).toEqual(done.files);
    // Every file is in the manifest with its rows and hash; the manifest is the only other entry.
    expect([...zip.files.keys()].sort()).toEqual([...zip.manifest.files.map((file) => file.name), 'manifest.json'].sort());
    for (const file of zip.manifest.files) {
      const text = zip.files.get(file.name)!;
      expect({ name: file.name, rows: rowsOf(text).length, sha256: createHash('sha256').update(text, 'utf8').digest('hex') }).toEqual({ name: file.name, rows: file.rows, sha256: file.sha256 });
    }
    const counts = Object.fromEntries(zip.manifest.files.map((file) => [file.name, file.rows]));
    const count = async (app: NestFastifyApplication, table: string) =>
      ((await app.get(TenantTransactions).run(district.id, (em) => em.execute(`SELECT count(*)::int AS n FROM ${table}`))) as { n: number }[])[0].n;
    expect(counts['gateway/student.jsonl']).toBe(await count(platform.gateway, 'gateway.student'));
    expect(counts['gateway/student.jsonl']).toBe(3);
    expect(counts['gateway/app_user.jsonl']).toBe(await count(platform.gateway, 'gateway.app_user'));
    expect(counts['session-log/session.jsonl']).toBe(await count(platform.sessionLog, 'session_log.session'));
    expect(counts['session-log/participant.jsonl']).toBe(3);
    expect(counts['session-log/session_version.jsonl']).toBe(await count(platform.sessionLog, 'session_log.session_version'));
    expect(counts['payroll/work_order.jsonl']).toBe(await count(platform.payroll, 'payroll.work_order'));
    expect(counts['scheduling/student_posted_session.jsonl']).toBe(await count(scheduling, 'scheduling.student_posted_session'));
    expect(counts['state-reporting/reportable_record.jsonl']).toBe(3);
    // No secret leaves with the directory.
    for (const user of rowsOf(zip.files.get('gateway/app_user.jsonl'))) expect(Object.keys(user)).not.toContain('password_hash');
  });

  it('hands a family everything about one student, with the other students of the group left out, and records the disclosure', async () => {
    const body = { recipient: 'Parent: K. Family', purpose: 'FERPA request to inspect education records' };
    const started = await api(admin).post(`/api/students/${kit.id}/records-requests`).send(body).expect(202);
    expect(started.body).toMatchObject({ scope: 'student', studentId: kit.id, status: 'queued', ...body });
    const done = await finished(admin, started.body.id);
    const zip = await download(admin, done.id);
    expect(zip.manifest).toMatchObject({ scope: 'student', studentId: kit.id, ...body, district: { id: district.id } });

    // The whole file: no id, first name or last name of the two other students, anywhere.
    const everything = [...zip.files.values()].join('\n');
    for (const other of [bea, sam]) {
      expect(everything).not.toContain(other.id);
      expect(everything).not.toContain(other.firstName);
      expect(everything).not.toContain(other.lastName);
    }
    for (const note of Object.values(NOTES)) {
      expect(everything).not.toContain(`${note}bea`);
      expect(everything).not.toContain(`${note}sam`);
    }

    // Kit's own: the student row, the session, their attendance with every audience's note and the qualifiers.
    expect(rowsOf(zip.files.get('gateway/student.jsonl')).map((row) => row.id)).toEqual([kit.id]);
    const sessions = rowsOf(zip.files.get('session-log/session.jsonl'));
    expect(sessions.map((row) => row.id)).toEqual([sessionId]);
    expect(sessions[0].description).toBe('Kit, [redacted] and [redacted] read the play together');
    const participants = rowsOf(zip.files.get('session-log/participant.jsonl'));
    expect(participants).toHaveLength(1);
    expect(participants[0]).toMatchObject({
      person_id: kit.id,
      present: true,
      student_note: `${NOTES.student}kit`,
      client_note: `${NOTES.client}kit`,
      admin_note: `${NOTES.admin}kit`,
      remedial: true,
      remedial_criteria: ['d_or_f_grade'],
      subject: 'Reading',
    });
    // The change trail keeps the group's entries, and Kit's own, not those about another child's entry.
    const trail = rowsOf(zip.files.get('session-log/session_change.jsonl'));
    expect(trail.map((row) => row.action)).toEqual(expect.arrayContaining(['started', 'ended', 'posted']));
    expect(trail.filter((row) => row.action === 'participant-updated').map((row) => (row.detail as { participantId: string }).participantId)).toEqual([participants[0].id]);
    const versions = rowsOf(zip.files.get('session-log/session_version.jsonl'));
    expect(versions).toHaveLength(1);
    expect((versions[0].snapshot as { participants: { personId: string }[] }).participants.map((p) => p.personId)).toEqual([kit.id]);
    expect(rowsOf(zip.files.get('state-reporting/reportable_record.jsonl')).map((row) => row.student_id)).toEqual([kit.id]);
    expect(zip.manifest.files.map((file) => file.name)).not.toContain('payroll/work_order.jsonl');

    // The request is a disclosure of Kit's data, and only Kit's.
    const disclosures = (await api(admin).get(`/api/students/${kit.id}/disclosures`).expect(200)).body;
    expect(disclosures.items).toEqual([
      expect.objectContaining({ exportId: done.id, studentId: kit.id, kind: 'records_request', format: 'zip', records: done.rows, disclosedBy: district.admin.id, ...body }),
    ]);
    expect((await api(admin).get(`/api/students/${bea.id}/disclosures`).expect(200)).body.items).toEqual([]);

    // A second request carries the first one's disclosure in its file.
    const again = await finished(admin, (await api(admin).post(`/api/students/${kit.id}/records-requests`).send(body).expect(202)).body.id);
    const disclosed = rowsOf((await download(admin, again.id)).files.get('state-reporting/disclosure.jsonl'));
    expect(disclosed).toEqual([expect.objectContaining({ export_id: done.id, student_id: kit.id, kind: 'records_request' })]);
  });

  it('is for district admins of the district only, and names the field a bad request gets wrong', async () => {
    const exported = (await api(admin).post('/api/district-exports').send({ scope: 'district' }).expect(202)).body;
    await api(tutorSession).post('/api/district-exports').send({ scope: 'district' }).expect(403);
    await api(tutorSession).post(`/api/students/${kit.id}/records-requests`).send({ recipient: 'x', purpose: 'y' }).expect(403);
    await api(tutorSession).get(`/api/district-exports/${exported.id}`).expect(403);
    await api(tutorSession).get(`/api/district-exports/${exported.id}/file`).expect(403);

    const elsewhere = await platform.district(1);
    const otherAdmin = await signIn(platform.gateway, elsewhere.admin.email);
    await api(otherAdmin).get(`/api/district-exports/${exported.id}`).expect(404);
    await api(otherAdmin).get(`/api/district-exports/${exported.id}/file`).expect(404);
    await api(otherAdmin).post(`/api/students/${kit.id}/records-requests`).send({ recipient: 'x', purpose: 'y' }).expect(404);

    const fieldsOf = (response: { body: { fields?: { field: string }[] } }) => (response.body.fields ?? []).map((f) => f.field);
    expect(fieldsOf(await api(admin).post('/api/district-exports').send({ scope: 'student' }).expect(400))).toContain('scope');
    expect(fieldsOf(await api(admin).post('/api/district-exports').send({}).expect(400))).toContain('scope');
    expect(fieldsOf(await api(admin).post(`/api/students/${kit.id}/records-requests`).send({ purpose: 'FERPA' }).expect(400))).toContain('recipient');
    expect(fieldsOf(await api(admin).post(`/api/students/${kit.id}/records-requests`).send({ recipient: 'Parent', purpose: '' }).expect(400))).toContain('purpose');
    expect(fieldsOf(await api(admin).post('/api/students/not-a-uuid/records-requests').send({ recipient: 'Parent', purpose: 'FERPA' }).expect(400))).toContain('id');
    await api(admin).get(`/api/district-exports/${randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`).expect(404);
    await finished(admin, exported.id);
  });

  // Last: it stops state reporting.
  it('marks an export failed with a readable reason once a service has not answered on both tries', async () => {
    await stopApps(stateReporting);
    stateReporting = undefined as unknown as NestFastifyApplication;
    const started = (await api(admin).post('/api/district-exports').send({ scope: 'district' }).expect(202)).body;
    let reply: ExportReply | undefined;
    await waitFor(async () => {
      reply = (await api(admin).get(`/api/district-exports/${started.id}`).expect(200)).body;
      return reply!.status === 'failed';
    }, 60_000);
    expect(reply!.error).toMatch(/^The export failed; it was tried 2 times/);
    // What was read before the failure is listed, and nothing can be downloaded.
    expect(reply!.files.map((file) => file.name)).toContain('gateway/student.jsonl');
    expect((await api(admin).get(`/api/district-exports/${started.id}/file`).expect(409)).body.code).toBe('DISTRICT_EXPORT.NOT_READY');
  }, 90_000);
});
