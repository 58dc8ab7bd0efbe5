import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import request from 'supertest';
import { redisOptionsFrom } from '@sessionledger/platform';
import { currentTestRun, databaseUrl, stopApps, TEST_REDIS, testEnvironmentFor } from '@sessionledger/testing';
import { rosterImportCommand } from '../src/roster/roster-import.command';
import { ROSTER_IMPORT_QUEUE, RosterImportQueue } from '../src/roster/roster-import.queue';
import { writeZip } from '../src/roster/zip/zip-writer';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

const DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster');
type Files = Record<string, string>;

function readSet(folder: string): Files {
  const directory = join(DATA, folder);
  return Object.fromEntries(readdirSync(directory).filter((name) => name.endsWith('.csv')).map((name) => [name, readFileSync(join(directory, name), 'utf8')]));
}

/** A CSV text from a header and rows; fields with commas or quotes are quoted. */
function csv(header: string, rows: string[][]): string {
  const quote = (field: string) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
  return [header, ...rows.map((row) => row.map(quote).join(','))].join('\n') + '\n';
}

const ACTIVE = ['active', '2025-08-01T00:00:00Z'];

/** A small OneRoster 1.1 set (users carry role and orgSourcedIds), built on the 1.1 templates' columns. */
function v11Set(): Files {
  const templates = (name: string) => readFileSync(join(DATA, 'templates_constructed', 'v1.1', name), 'utf8').split(/\r?\n/)[0];
  return {
    'manifest.csv': 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n',
    'orgs.csv': csv(templates('orgs.csv'), [
      ['d1', ...ACTIVE, 'Shelbyville District', 'district', '5550000', ''],
      ['s-east', ...ACTIVE, 'East Elementary', 'school', '5550001', 'd1'],
      ['s-west', ...ACTIVE, 'West Elementary', 'school', '5550002', 'd1'],
    ]),
    'academicSessions.csv': csv(templates('academicSessions.csv'), [['term1', ...ACTIVE, 'Fall', 'term', '2026-08-15', '2099-12-20', '', '2027']]),
    // sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
    'users.csv': csv(templates('users.csv'), [
      ['t1', ...ACTIVE, 'true', 's-east,s-west', 'teacher', 'tmiller', '', 'Tess', 'Miller', '', 'T1', `tess.miller@${suffix}.example.org`, '', '', '', '', ''],
      ['a1', ...ACTIVE, 'true', 's-west', 'aide', 'aortiz', '', 'Ana', 'Ortiz', '', 'A1', `ana.ortiz@${suffix}.example.org`, '', '', '', '', ''],
      ['adm1', ...ACTIVE, 'true', 'd1', 'administrator', 'boss', '', 'Bo', 'Boss', '', 'X1', `bo.boss@${suffix}.example.org`, '', '', '', '', ''],
      ['st1', ...ACTIVE, 'true', 's-east', 'student', 'kim1', '{STATE:77001}', 'Kim', 'Lee', '', '1001', '', '', '', 'p1', '03', ''],
      ['st2', ...ACTIVE, 'true', 's-east', 'student', 'lou2', '', 'Lou', 'Lee', '', '1002', '', '', '', 'p1', 'KG', ''],
      ['st3', ...ACTIVE, 'true', 's-west', 'student', 'max3', '', 'Max', 'Diaz', '', '1003', '', '', '', '', '5', ''],
      ['p1', ...ACTIVE, 'true', '', 'parent', 'plee', '', 'Pat', 'Lee', '', '', '', '', '555-0100', 'st1', '', ''],
      ['g2', ...ACTIVE, 'true', '', 'guardian', 'gdiaz', '', 'Gil', 'Diaz', '', '', `gil@${suffix}.example.org`, '', '', 'st3', '', ''],
    ]),
    'classes.csv': csv(templates('classes.csv'), [
      ['c-east', ...ACTIVE, 'Reading East', '03', '', 'RE', 'scheduled', '', 's-east', 'term1', '', '', ''],
      ['c-west', ...ACTIVE, 'Math West', '05', '', 'MW', 'scheduled', '', 's-west', 'term1', '', '', ''],
    ]),
    'enrollments.csv': csv(templates('enrollments.csv'), [
      ['e1', ...ACTIVE, 'c-east', 's-east', 't1', 'teacher', 'true', '', ''],
      ['e2', ...ACTIVE, 'c-east', 's-east', 'st1', 'student', 'false', '', ''],
      ['e3', ...ACTIVE, 'c-east', 's-east', 'st2', 'student', 'false', '', ''],
      ['e4', ...ACTIVE, 'c-west', 's-west', 'a1', 'aide', 'false', '', ''],
      ['e5', ...ACTIVE, 'c-west', 's-west', 'st3', 'student', 'false', '', ''],
    ]),
  };
}

let suffix = '';

interface ImportBody {
  id: string;
  status: string;
  dryRun: boolean;
  counts: Record<string, Record<string, number> & { created: number; updated: number; deactivated: number; unchanged: number }>;
  errorCount: number;
  errors: { file: string; line: number; column: string; reason: string; sourcedId?: string }[];
  notices: { file: string; column?: string; message: string }[];
  failure: { code: string; message: string; file?: string; line?: number } | null;
  version: string;
}

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rewrites a 32-bit field of the named entry's central directory header (the writer puts no extra fields in it). */
function patchCentral(zip: Buffer, name: string, offset: number, value: number): void {
  for (let i = 0; i + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    if (zip.toString('utf8', i + 46, i + 46 + zip.readUInt16LE(i + 28)) === name) zip.writeUInt32LE(value >>> 0, i + offset);
  }
}

/**
 * Every import runs in a child process that compiles the import code with ts-node on start; on two
 * loaded cores three imports in one test have taken more than the default minute. A bound, not an expectation.
 */
jest.setTimeout(180_000);

describe('Roster import (/api/roster/imports)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startGateway();
  });

  afterAll(() => stopApps(app));

  /** A fresh district with its admin signed in; the sample's e-mail addresses are made unique per district. */
  async function newDistrict(): Promise<{ district: TestDistrict; admin: Session }> {
    const district = await createDistrict(app, 1);
    return { district, admin: await signIn(app, district.admin.email) };
  }

  /** The 1.2 sample, with e-mails made unique to this run (they are unique across the installation). */
  function sample12(): Files {
    const files = readSet('sample_constructed_v1.2');
    files['users.csv'] = files['users.csv'].replace('jordan.lee@example.org', `jordan.lee@${suffix}.example.org`);
    return files;
  }

  async function start(admin: Session, files: Files, options: { dryRun?: boolean; zip?: boolean } = {}): Promise<ImportBody> {
    const query = options.dryRun ? '?dryRun=true' : '';
    const response = options.zip
      ? await as(app, admin).post(`/api/roster/imports${query}`).set('Content-Type', 'application/zip').send(writeZip(files))
      : await as(app, admin).post(`/api/roster/imports${query}`).send({ files });
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('queued');
    return response.body as ImportBody;
  }

  // Limits, not expectations: one import at a time per gateway, each in a child process that starts slowly on loaded cores.
  async function finished(admin: Session, id: string): Promise<ImportBody> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const body = (await as(app, admin).get(`/api/roster/imports/${id}`).expect(200)).body as ImportBody;
      if (body.status === 'succeeded' || body.status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function importSet(admin: Session, files: Files, options: { dryRun?: boolean; zip?: boolean } = {}): Promise<ImportBody> {
    const result = await finished(admin, (await start(admin, files, options)).id);
    if (result.status !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(result.failure)}`);
    return result;
  }

  const items = async (admin: Session, url: string) => (await as(app, admin).get(url).expect(200)).body.items as Record<string, unknown>[];

  beforeEach(() => {
    suffix = randomBytes(4).toString('hex');
  });

  it('imports the OneRoster 1.2 sample (a zip) cleanly: school, staff with approvals, students, the group with its provider and members', async () => {
    const { admin } = await newDistrict();
    const zip = writeZip(sample12());
    const key = `roster-${suffix}`;
    const accepted = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').set('Idempotency-Key', key).send(zip).expect(202);
    const replayed = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').set('Idempotency-Key', key).send(zip).expect(202);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body.id).toBe(accepted.body.id);
    const result = await finished(admin, accepted.body.id);

    expect(result).toMatchObject({ version: '1.2', errorCount: 0, errors: [] });
    expect(result.counts.schools).toEqual({ created: 1, updated: 0, deactivated: 0, unchanged: 0 });
    expect(result.counts.staff).toEqual({ created: 1, updated: 0, deactivated: 0, unchanged: 0 });
    expect(result.counts.students).toEqual({ created: 2, updated: 0, deactivated: 0, unchanged: 0 });
    expect(result.counts.guardians).toEqual({ created: 0, updated: 0, deactivated: 0, unchanged: 0 });
    expect(result.counts.groups).toEqual({ created: 1, updated: 0, deactivated: 0, unchanged: 0 });
    expect(result.counts.academicSessions).toEqual({ created: 2, updated: 0, deactivated: 0, unchanged: 0 });
    expect(result.counts.approvals).toEqual({ added: 1, removed: 0 });
    // enr-s2 ended on 2025-10-31: Blake is a student of the school but no longer in the group.
    expect(result.counts.memberships).toEqual({ added: 1, removed: 0 });

    const school = (await items(admin, '/api/schools?pageSize=200')).find((s) => s.stateSchoolCode === '1234500001');
    expect(school).toMatchObject({ name: 'Lincoln Middle School', active: true });
    const staff = await items(admin, `/api/staff?schoolId=${school!.id}`);
    expect(staff).toEqual([
      expect.objectContaining({ email: `jordan.lee@${suffix}.example.org`, firstName: 'Jordan', lastName: 'Lee', roles: ['provider'], providerKind: 'tutor', schoolIds: [school!.id], active: true, hasPassword: false }),
    ]);
    const students = await items(admin, `/api/students?schoolId=${school!.id}`);
    expect(students).toEqual([
      expect.objectContaining({ localId: 'S2002', stateId: null, firstName: 'Blake, Jr.', lastName: 'Jones', grade: '7', active: true }),
      expect.objectContaining({ localId: 'S2001', stateId: '9900012345', firstName: 'Avery', lastName: 'Smith', grade: '7', active: true }),
    ]);
    const groups = await items(admin, `/api/groups?schoolId=${school!.id}`);
    expect(groups).toEqual([expect.objectContaining({ name: 'Math 7 Tutoring, Group A', providerId: staff[0].id, active: true })]);
    const group = (await as(app, admin).get(`/api/groups/${groups[0].id}`).expect(200)).body;
    expect(group.members.map((member: { localId: string }) => member.localId)).toEqual(['S2001']);
  });

  it('changes nothing when the same files are imported again, and updates a changed row by sourcedId', async () => {
    const { admin } = await newDistrict();
    const files = sample12();
    await importSet(admin, files);
    const before = await items(admin, '/api/students?pageSize=200');

    const again = await importSet(admin, files);
    expect(again.errorCount).toBe(0);
    for (const entity of ['schools', 'staff', 'students', 'guardians', 'groups', 'academicSessions']) {
      expect({ entity, ...again.counts[entity] }).toEqual({ entity, created: 0, updated: 0, deactivated: 0, unchanged: again.counts[entity].unchanged });
    }
    expect(again.counts.students.unchanged).toBe(2);
    for (const link of ['approvals', 'guardianLinks', 'memberships']) expect(again.counts[link]).toEqual({ added: 0, removed: 0 });
    expect(await items(admin, '/api/students?pageSize=200')).toEqual(before);

    const changed = { ...files, 'users.csv': files['users.csv'].replace('Avery,Smith', 'Avery,Smith-Jones').replace(',07,,,,,,org-s1', ',08,,,,,,org-s1') };
    const update = await importSet(admin, changed);
    expect(update.counts.students).toEqual({ created: 0, updated: 1, deactivated: 0, unchanged: 1 });
    expect(update.counts.staff).toEqual({ created: 0, updated: 0, deactivated: 0, unchanged: 1 });
    const avery = (await items(admin, '/api/students?q=avery')).find((s) => s.localId === 'S2001');
    expect(avery).toMatchObject({ lastName: 'Smith-Jones', grade: '8', version: 2, id: before.find((s) => s.localId === 'S2001')!.id });
  });

  it('deactivates, never deletes, a tobedeleted row and a row absent from a bulk file', async () => {
    const { admin } = await newDistrict();
    const files = v11Set();
    await importSet(admin, files);
    const users = files['users.csv']
      .split('\n')
      .filter((line) => !line.startsWith('st3,'))
      .join('\n')
      .replace(/^st2,active,/m, 'st2,tobedeleted,')
      .replace(/^a1,active,2025-08-01T00:00:00Z,true/m, 'a1,tobedeleted,2025-08-01T00:00:00Z,true');
    const enrollments = files['enrollments.csv']
      .split('\n')
      .filter((line) => !/^e[35],/.test(line))
      .join('\n');
    const result = await importSet(admin, { ...files, 'users.csv': users, 'enrollments.csv': enrollments, 'classes.csv': files['classes.csv'].replace(/^c-west,active/m, 'c-west,tobedeleted') });

    expect(result.errors).toEqual([]);
    expect(result.counts.students).toEqual({ created: 0, updated: 0, deactivated: 2, unchanged: 1 });
    expect(result.counts.staff).toEqual({ created: 0, updated: 0, deactivated: 1, unchanged: 1 });
    expect(result.counts.groups).toEqual({ created: 0, updated: 0, deactivated: 1, unchanged: 1 });
    expect(result.counts.memberships).toEqual({ added: 0, removed: 2 });

    const students = await items(admin, '/api/students?pageSize=200');
    expect(students.map((s) => [s.localId, s.active]).sort()).toEqual([
      ['1001', true],
      ['1002', false],
      ['1003', false],
    ]);
    const aide = (await items(admin, '/api/staff?pageSize=200')).find((s) => s.lastName === 'Ortiz');
    expect(aide).toMatchObject({ active: false });
    expect((await items(admin, '/api/groups?pageSize=200')).map((g) => [g.name, g.active]).sort()).toEqual([
      ['Math West', false],
      ['Reading East', true],
    ]);
  });

  it('imports a OneRoster 1.1 set: staff at every school of orgSourcedIds, guardians linked through agentSourcedIds, administrators skipped', async () => {
    const { admin } = await newDistrict();
    const result = await importSet(admin, v11Set(), { zip: true });
    expect(result).toMatchObject({ version: '1.1', errorCount: 0 });
    expect(result.counts).toMatchObject({
      schools: { created: 2 },
      staff: { created: 2 },
      students: { created: 3 },
      guardians: { created: 2 },
      groups: { created: 2 },
      approvals: { added: 3, removed: 0 },
      guardianLinks: { added: 3, removed: 0 },
      memberships: { added: 3, removed: 0 },
      skippedUsers: 1,
    });
    const schools = await items(admin, '/api/schools?pageSize=200');
    const east = schools.find((s) => s.stateSchoolCode === '5550001')!;
    const west = schools.find((s) => s.stateSchoolCode === '5550002')!;
    const staff = await items(admin, '/api/staff?pageSize=200');
    expect(staff.find((s) => s.lastName === 'Miller')).toMatchObject({ providerKind: 'tutor', schoolIds: [east.id, west.id].sort() });
    expect(staff.find((s) => s.lastName === 'Ortiz')).toMatchObject({ providerKind: 'aide', schoolIds: [west.id] });
    expect(staff.find((s) => s.lastName === 'Boss')).toBeUndefined();

    const students = await items(admin, '/api/students?pageSize=200');
    const kim = students.find((s) => s.localId === '1001')!;
    expect(kim).toMatchObject({ stateId: '77001', grade: '3', schoolId: east.id });
    expect(students.find((s) => s.localId === '1002')).toMatchObject({ grade: 'K' });
    const kimGuardians = (await as(app, admin).get(`/api/students/${kim.id}/guardians`).expect(200)).body.items;
    expect(JSON.stringify(kimGuardians)).toContain('Pat');
    const max = students.find((s) => s.localId === '1003')!;
    expect(JSON.stringify((await as(app, admin).get(`/api/students/${max.id}/guardians`).expect(200)).body.items)).toContain('Gil');
    const groups = await items(admin, '/api/groups?pageSize=200');
    expect(groups.find((g) => g.name === 'Math West')).toMatchObject({ schoolId: west.id, providerId: staff.find((s) => s.lastName === 'Ortiz')!.id });
  });

  it('reports every bad row of the non-conformant 1.1 set with file, line, column and reason, and imports what is valid', async () => {
    const { admin } = await newDistrict();
    const result = await importSet(admin, readSet('oat-sa_OneRosterv1p1BaseCSV_nonconformant'));
    expect(result.version).toBe('1.1');
    expect(result.errorCount).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error).toEqual({ file: expect.stringMatching(/\.csv$/), line: expect.any(Number), column: expect.any(String), reason: expect.any(String), sourcedId: expect.any(String) });
      expect(error.line).toBeGreaterThanOrEqual(2);
    }
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'users.csv', line: 2, column: 'identifier', sourcedId: 'user1' }),
        expect.objectContaining({ file: 'classes.csv', line: 2, sourcedId: 'class1' }),
        expect.objectContaining({ file: 'enrollments.csv', line: 2, column: 'classSourcedId', sourcedId: 'enrol1' }),
      ]),
    );
    expect(result.errors).toHaveLength(8);
    expect(result.notices).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'users.csv', column: 'agents' }), expect.objectContaining({ file: 'courses.csv' })]));
    expect(result.notices.filter((notice) => notice.column === 'agents')).toHaveLength(1);
    expect(result.counts.schools).toMatchObject({ created: 2 });
    const schools = await items(admin, '/api/schools?pageSize=200');
    expect(schools.map((s) => s.stateSchoolCode)).toEqual(expect.arrayContaining(['my identifier', 'my identifier 2']));
  });

  it('refuses a file that is not OneRoster whole, saying which file and why, and writes nothing', async () => {
    const { admin } = await newDistrict();
    const files = { ...sample12(), 'users.csv': 'id,first,last\n1,Ann,Bee\n' };
    const response = await as(app, admin).post('/api/roster/imports').send({ files }).expect(400);
    expect(response.body).toMatchObject({
      code: 'ROSTER.NOT_ONEROSTER',
      fields: [{ field: 'users.csv', problems: [expect.stringContaining('missing columns sourcedId, givenName, familyName')] }],
    });
    expect(response.body.message).toContain('users.csv');
    expect((await as(app, admin).get('/api/roster/imports').expect(200)).body.total).toBe(0);
    expect(await items(admin, '/api/students')).toEqual([]);
  });

  it('reports on a dry run what would change, and changes nothing', async () => {
    const { admin } = await newDistrict();
    const schoolsBefore = await items(admin, '/api/schools?pageSize=200');
    const dry = await importSet(admin, v11Set(), { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, errorCount: 0 });
    expect(dry.counts).toMatchObject({ schools: { created: 2 }, students: { created: 3 }, guardians: { created: 2 }, memberships: { added: 3 } });
    expect(await items(admin, '/api/schools?pageSize=200')).toEqual(schoolsBefore);
    expect(await items(admin, '/api/students')).toEqual([]);
    expect(await items(admin, '/api/guardians')).toEqual([]);
    expect(await items(admin, '/api/staff?role=provider')).toEqual([]);

    const real = await importSet(admin, v11Set());
    expect(real.counts.students).toEqual(dry.counts.students);
  });

  it('lists imports newest first, and since an instant only those created, started or finished at or after it', async () => {
    const { admin } = await newDistrict();
    const first = await start(admin, sample12());
    await finished(admin, first.id);
    const between = new Date().toISOString();
    const second = await start(admin, sample12(), { dryRun: true });
    await finished(admin, second.id);

    const all = (await as(app, admin).get('/api/roster/imports').expect(200)).body;
    expect(all.items.map((item: { id: string }) => item.id)).toEqual([second.id, first.id]);
    expect(all.items[0].errors).toBeUndefined();
    const since = (await as(app, admin).get(`/api/roster/imports?updatedSince=${encodeURIComponent(between)}`).expect(200)).body;
    expect(since).toMatchObject({ total: 1, items: [{ id: second.id }] });
    const later = (await as(app, admin).get('/api/roster/imports?updatedSince=2999-01-01T00:00:00Z').expect(200)).body;
    expect(later.total).toBe(0);
    const bad = await as(app, admin).get('/api/roster/imports?updatedSince=yesterday').expect(400);
    expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'updatedSince' })]);
  });

  it('is for district admins only: a school admin gets 403, and another district sees 404 for the import', async () => {
    const { district, admin } = await newDistrict();
    const schoolAdmin = await signIn(app, (await district.user(['school_admin'], { schoolIds: [district.schools[0].id] })).email);
    await as(app, schoolAdmin).post('/api/roster/imports').send({ files: sample12() }).expect(403);
    await as(app, schoolAdmin).get('/api/roster/imports').expect(403);

    const mine = await start(admin, sample12());
    await finished(admin, mine.id);
    await as(app, schoolAdmin).get(`/api/roster/imports/${mine.id}`).expect(403);
    const other = await newDistrict();
    const response = await as(app, other.admin).get(`/api/roster/imports/${mine.id}`).expect(404);
    expect(response.body.code).toBe('ROSTER_IMPORT.NOT_FOUND');
    expect(JSON.stringify(response.body)).not.toContain('Lincoln');
    expect((await as(app, other.admin).get('/api/roster/imports').expect(200)).body.total).toBe(0);
    expect(await items(other.admin, '/api/students')).toEqual([]);
  });

  it('leaves nothing written when the import fails midway', async () => {
    const { admin } = await newDistrict();
    const poison = `Explode ${suffix}`;
    const pg = new Client({ connectionString: databaseUrl(currentTestRun().database) });
    await pg.connect();
    const trigger = `roster_test_fail_${suffix}`;
    try {
      // The database refuses one group, after schools, staff and students were written in the same transaction.
      await pg.query(`CREATE FUNCTION gateway.${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.name = '${poison}' THEN RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$`);
      await pg.query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON gateway.student_group FOR EACH ROW EXECUTE FUNCTION gateway.${trigger}()`);
      const files = v11Set();
      files['classes.csv'] = files['classes.csv'].replace('Math West', poison);
      const result = await finished(admin, (await start(admin, files)).id);
      expect(result.status).toBe('failed');
      expect(result.failure).toMatchObject({ code: 'ROSTER.IMPORT_FAILED', message: expect.stringContaining('nothing was written') });
    } finally {
      await pg.query(`DROP TRIGGER IF EXISTS ${trigger} ON gateway.student_group`);
      await pg.query(`DROP FUNCTION IF EXISTS gateway.${trigger}()`);
      await pg.end();
    }
    expect((await items(admin, '/api/schools?pageSize=200')).map((s) => s.stateSchoolCode)).not.toContain('5550001');
    expect(await items(admin, '/api/students')).toEqual([]);
    expect(await items(admin, '/api/guardians')).toEqual([]);
    expect(await items(admin, '/api/staff?role=provider')).toEqual([]);
  });

  it('refuses a second district’s roster row whose e-mail already signs in elsewhere as a row error, not a crash', async () => {
    const first = await newDistrict();
    const files = sample12();
    await importSet(first.admin, files);
    const second = await newDistrict();
    const result = await importSet(second.admin, files);
    expect(result.errors).toEqual([
      expect.objectContaining({ file: 'users.csv', line: 2, column: 'email', sourcedId: 'usr-t1', reason: expect.stringContaining('already signs in') }),
      expect.objectContaining({ file: 'classes.csv', line: 2, sourcedId: 'cls-math7-tut1' }),
      expect.objectContaining({ file: 'enrollments.csv', line: 2, column: 'classSourcedId' }),
      expect.objectContaining({ file: 'enrollments.csv', line: 3, column: 'classSourcedId' }),
      expect.objectContaining({ file: 'enrollments.csv', line: 4, column: 'classSourcedId' }),
    ]);
    expect(result.counts.students).toMatchObject({ created: 2 });
    // The first district is untouched by the second's import.
    expect((await items(first.admin, '/api/students?pageSize=200')).length).toBe(2);
  });

  it('applies the API’s e-mail rules: a look-alike address is a row error, a full-width one is stored in its ASCII spelling', async () => {
    const lookAlike = sample12();
    lookAlike['users.csv'] = lookAlike['users.csv'].replace(`jordan.lee@${suffix}.example.org`, `jord\u0430n.lee@${suffix}.example.org`);
    const { admin } = await newDistrict();
    const refused = await importSet(admin, lookAlike);
    expect(refused.errors).toContainEqual(expect.objectContaining({ file: 'users.csv', line: 2, column: 'email', reason: expect.stringContaining('writing systems') }));

    const fullWidth = sample12();
    const wide = [...'wide.lee'].map((char) => String.fromCodePoint(char.codePointAt(0)! + 0xfee0)).join('');
    fullWidth['users.csv'] = fullWidth['users.csv'].replace(`jordan.lee@${suffix}.example.org`, `${wide}@${suffix}.example.org`);
    const other = await newDistrict();
    const imported = await importSet(other.admin, fullWidth);
    expect(imported.errors).toEqual([]);
    const staff = await items(other.admin, '/api/staff?pageSize=200');
    expect(staff.map((member) => member.email)).toContain(`wide.lee@${suffix}.example.org`);
  });

  it('imports a folder from disk with the operator command, recorded like an upload', async () => {
    const { district, admin } = await newDistrict();
    const saved = { ...process.env };
    const output: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => output.push(String(chunk)) > 0);
    try {
      Object.assign(process.env, testEnvironmentFor('gateway', currentTestRun()));
      await rosterImportCommand(['--district', district.id, '--dir', join(DATA, 'sample_constructed_v1.2')]);
    } finally {
      write.mockRestore();
      process.env = saved;
    }
    const printed = JSON.parse(output.join(''));
    expect(printed).toMatchObject({ status: 'succeeded', source: 'operator', errorCount: 0, counts: { students: { created: 2 } } });
    expect((await as(app, admin).get(`/api/roster/imports/${printed.id}`).expect(200)).body).toMatchObject({ status: 'succeeded', source: 'operator' });
    expect((await items(admin, '/api/students')).map((s) => s.localId).sort()).toEqual(['S2001', 'S2002']);
  });

  /** The sample with users.csv = its header and one 100 MiB line of `A`: about 100 KB deflated at level 9. */
  let hostileZip: Buffer | undefined;
  function hostile(): Buffer {
    if (!hostileZip) {
      const files: Record<string, string | Buffer> = sample12();
      const header = (files['users.csv'] as string).split('\n')[0];
      files['users.csv'] = Buffer.concat([Buffer.from(`${header}\n`), Buffer.alloc(100 * MIB, 'A'), Buffer.from('\n')]);
      hostileZip = writeZip(files, { level: 9 });
    }
    return hostileZip;
  }

  /** Polls an import to its end, checking on every round that the gateway still answers probes and an authenticated read. */
  async function finishedWhileAnswering(on: NestFastifyApplication, admin: Session, id: string, timeoutMs = 150_000): Promise<{ result: ImportBody; slowestMs: number }> {
    const deadline = Date.now() + timeoutMs;
    let slowestMs = 0;
    for (;;) {
      const asked = Date.now();
      await request(on.getHttpServer()).get('/health/live').expect(200);
      const result = (await as(on, admin).get(`/api/roster/imports/${id}`).expect(200)).body as ImportBody;
      slowestMs = Math.max(slowestMs, Date.now() - asked);
      if (result.status === 'succeeded' || result.status === 'failed') return { result, slowestMs };
      if (Date.now() > deadline) throw new Error(`import ${id} still ${result.status}`);
      await sleep(100);
    }
  }

  describe('hostile and broken uploads', () => {
    it('survives one 100 MiB line: the import runs outside the gateway, the line is a row error naming users.csv and line 2, the API answers throughout and the gateway’s memory stays flat', async () => {
      const { admin } = await newDistrict();
      const zip = hostile();
      expect(zip.length).toBeLessThan(MIB);
      const baseline = process.memoryUsage();
      let peakRss = baseline.rss;
      let peakHeap = baseline.heapUsed;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
      }, 10);
      let outcome: { result: ImportBody; slowestMs: number };
      try {
        const accepted = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(zip).expect(202);
        outcome = await finishedWhileAnswering(app, admin, accepted.body.id);
      } finally {
        clearInterval(sampler);
      }
      const { result, slowestMs } = outcome;
      expect(result.status).toBe('succeeded');
      expect(result.errors).toContainEqual({ file: 'users.csv', line: 2, column: 'sourcedId', reason: 'the value is longer than 65,536 characters; the row was skipped' });
      expect(result.counts.rowsRead['users.csv']).toBe(1);
      // Before: the gateway grew 40-80 times the line (4-8 GiB) and died. Now it only streams the upload into PostgreSQL.
      expect(peakRss - baseline.rss).toBeLessThan(200 * MIB);
      expect(peakHeap - baseline.heapUsed).toBeLessThan(100 * MIB);
      expect(slowestMs).toBeLessThan(2000);
    });

    it('refuses an entry that would inflate past ROSTER_ZIP_MAX_ENTRY_BYTES before inflating it, naming the entry', async () => {
      const { admin } = await newDistrict();
      const zip = writeZip(sample12());
      patchCentral(zip, 'users.csv', 24, 1536 * MIB);
      const response = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(zip).expect(400);
      expect(response.body).toMatchObject({
        code: 'ROSTER.ZIP_TOO_LARGE',
        message: expect.stringContaining('users.csv inflates to 1,610,612,736 bytes; an entry may hold at most 1 GiB'),
        fields: [{ field: 'users.csv', problems: [expect.any(String)] }],
        correlationId: expect.any(String),
      });
      expect((await as(app, admin).get('/api/roster/imports').expect(200)).body.total).toBe(0);
    });

    it('refuses an entry whose bytes do not match its CRC-32', async () => {
      const { admin } = await newDistrict();
      const zip = writeZip(sample12());
      patchCentral(zip, 'users.csv', 16, 0x12345678);
      const response = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(zip).expect(400);
      expect(response.body).toMatchObject({ code: 'ROSTER.BAD_ZIP', fields: [{ field: 'users.csv', problems: [expect.stringContaining('CRC-32')] }] });
      expect((await as(app, admin).get('/api/roster/imports').expect(200)).body.total).toBe(0);
    });

    it('refuses a users.csv that is not UTF-8 (Latin-1), naming the file and the line, and writes nothing', async () => {
      const { admin } = await newDistrict();
      const files: Record<string, string | Buffer> = sample12();
      files['users.csv'] = Buffer.from((files['users.csv'] as string).replace('Avery,Smith', 'Zoë,Núñez'), 'latin1');
      // The upload reads the first chunk of every file for its header: a bad byte there is refused at once.
      const refused = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(writeZip(files)).expect(400);
      expect(refused.body).toMatchObject({ code: 'ROSTER.NOT_UTF8', fields: [{ field: 'users.csv', problems: [expect.stringContaining('users.csv is not UTF-8 text: line 3')] }] });
      // One found further on, by the import, fails it the same way.
      const padded = Buffer.concat([Buffer.from(`${(files['users.csv'] as Buffer).toString('latin1').split('\n')[0]}\n`), Buffer.from(`${'#'.repeat(80)}\n`.repeat(20_000)), files['users.csv'] as Buffer]);
      const accepted = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(writeZip({ ...files, 'users.csv': padded })).expect(202);
      const result = await finished(admin, accepted.body.id);
      expect(result).toMatchObject({ status: 'failed', failure: { code: 'ROSTER.NOT_UTF8', file: 'users.csv', line: 20_004, message: expect.stringContaining('users.csv is not UTF-8 text: line 20004') } });
      expect(await items(admin, '/api/students')).toEqual([]);
    });

    it('reports a 9 KB sourcedId and a NUL byte as row errors, imports the other rows, and shows no SQL', async () => {
      const { admin } = await newDistrict();
      const files = sample12();
      const stamp = 'active,2025-08-01T00:00:00Z,true';
      files['users.csv'] +=
        `${'X'.repeat(9000)},${stamp},huge,{SIS:S2003},Huge,Id,,S2003,,,,,07,,,,,,org-s1,\n` + `usr-s4,${stamp},nul,{SIS:S2004},Ca\u0000rl,Nul,,S2004,,,,,07,,,,,,org-s1,\n`;
      const accepted = await as(app, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(writeZip(files)).expect(202);
      const result = await finished(admin, accepted.body.id);
      expect(result.status).toBe('succeeded');
      expect(result.errors).toEqual(
        expect.arrayContaining([
          { file: 'users.csv', line: 5, column: 'sourcedId', reason: 'the value is 9,000 characters long; at most 255 are allowed' },
          { file: 'users.csv', line: 6, column: 'givenName', sourcedId: 'usr-s4', reason: 'the value contains a NUL character (byte 0), which a text value cannot hold' },
        ]),
      );
      expect(result.counts.students).toMatchObject({ created: 2 });
      expect(JSON.stringify(result)).not.toMatch(/index row|btree|violates|syntax|SQL|\\u0000/i);
      expect((await items(admin, '/api/students?pageSize=200')).map((s) => s.localId).sort()).toEqual(['S2001', 'S2002']);
    });

    it('takes a JSON upload larger than the global body limit: the roster route has its own', async () => {
      const { admin } = await newDistrict();
      const files = { ...sample12(), 'courses.csv': `sourcedId,title\n${'c,'.repeat(800_000)}x\n` };
      expect(JSON.stringify({ files }).length).toBeGreaterThan(1.5 * MIB);
      const accepted = await as(app, admin).post('/api/roster/imports').send({ files }).expect(202);
      expect((await finished(admin, accepted.body.id)).status).toBe('succeeded');
    });

    it('fails an import for good after its worker is killed twice, with a reason the admin can read', async () => {
      const { admin } = await newDistrict();
      const queue = app.get(RosterImportQueue);
      const accepted = await as(app, admin).post('/api/roster/imports').send({ files: v11Set() }).expect(202);
      // A killed child stays listed until its exit is reaped, which a loaded machine can delay: each attempt waits for a child it has not killed yet.
      const killed = new Set<number>();
      for (let attempt = 1; attempt <= 2; attempt++) {
        const deadline = Date.now() + 20_000;
        let fresh: number | undefined;
        while ((fresh = queue.runningChildren().find((pid) => !killed.has(pid))) === undefined) {
          if (Date.now() > deadline) throw new Error(`no worker for attempt ${attempt}`);
          await sleep(20);
        }
        process.kill(fresh, 'SIGKILL');
        killed.add(fresh);
      }
      const { result } = await finishedWhileAnswering(app, admin, accepted.body.id);
      expect(result).toMatchObject({
        status: 'failed',
        failure: { code: 'ROSTER.WORKER_DIED', message: expect.stringMatching(/nothing was written: its worker process was killed \(SIGKILL\)\. It was tried 2 times and will not be retried/) },
      });
      expect(await items(admin, '/api/students')).toEqual([]);
    }, 120_000);
  });

  describe('on a gateway whose import workers have a tiny heap and whose upload limit is 1 MiB', () => {
    let small: NestFastifyApplication;
    const prefix = `${currentTestRun().redisPrefix}-small`;

    beforeAll(async () => {
      small = await startGateway({
        REDIS_PREFIX: prefix,
        // No import fits in 16 MiB: every child runs out of memory, as one fed a hostile roster would.
        ROSTER_IMPORT_MAX_HEAP_MB: '16',
        ROSTER_UPLOAD_MAX_BYTES: String(MIB),
      });
    });

    afterAll(() => stopApps(small));

    it('fails the import for good when its worker runs out of memory twice: status readable, no third try, the gateway keeps answering', async () => {
      const { admin } = await newDistrict();
      const accepted = await as(small, admin).post('/api/roster/imports').send({ files: v11Set() }).expect(202);
      const { result, slowestMs } = await finishedWhileAnswering(small, admin, accepted.body.id);
      expect(result).toMatchObject({
        status: 'failed',
        failure: { code: 'ROSTER.WORKER_DIED', message: expect.stringMatching(/the import ran out of memory: its worker process reached its 16 MiB heap limit and died\. It was tried 2 times/) },
      });
      expect(slowestMs).toBeLessThan(2000);
      const queue = new Queue(ROSTER_IMPORT_QUEUE, { connection: redisOptionsFrom(TEST_REDIS, 'commands'), prefix });
      try {
        const job = await queue.getJob(accepted.body.id);
        expect(await job!.getState()).toBe('failed');
        expect(job!.attemptsStarted).toBe(2);
        await sleep(1000);
        expect(await job!.getState()).toBe('failed');
      } finally {
        await queue.close();
      }
      expect(small.get(RosterImportQueue).runningChildren()).toEqual([]);
      expect((await as(small, admin).get(`/api/roster/imports/${accepted.body.id}`).expect(200)).body.status).toBe('failed');
      expect(await items(admin, '/api/students')).toEqual([]);
    });

    it('answers 413 in the platform’s error shape to an upload over ROSTER_UPLOAD_MAX_BYTES', async () => {
      const { admin } = await newDistrict();
      const response = await as(small, admin).post('/api/roster/imports').set('Content-Type', 'application/zip').send(Buffer.alloc(MIB + 1024)).expect(413);
      expect(response.body).toEqual({ code: 'REQUEST.TOO_LARGE', message: expect.any(String), correlationId: expect.any(String) });
    });
  });
});
