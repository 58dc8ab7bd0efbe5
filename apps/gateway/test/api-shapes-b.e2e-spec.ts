import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict, TestUser } from './support/gateway-harness';

const TEMPLATES = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'oneroster', 'templates_constructed', 'v1.1');
const ACTIVE = ['active', '2025-08-01T00:00:00Z'];
const header = (file: string) => readFileSync(join(TEMPLATES, file), 'utf8').split(/\r?\n/)[0];
const csv = (file: string, rows: string[][]) => [header(file), ...rows.map((row) => row.join(','))].join('\n') + '\n';

/** A OneRoster 1.1 set with one school, a teacher, a student, a parent and a class. */
function rosterSet(tag: string): Record<string, string> {
  return {
    'manifest.csv': 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n',
    'orgs.csv': csv('orgs.csv', [['org-school', ...ACTIVE, 'Roster Elementary', 'school', `R-${tag}`, '']]),
    // sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
    'users.csv': csv('users.csv', [
      ['user-teacher', ...ACTIVE, 'true', 'org-school', 'teacher', 'tess', '', 'Tess', 'Roster', '', 'T1', `tess@${tag}.example.org`, '', '', '', '', ''],
      ['user-student', ...ACTIVE, 'true', 'org-school', 'student', 'kim', '', 'Kim', 'Roster', '', `R${tag}`, '', '', '', 'user-parent', '03', ''],
      ['user-parent', ...ACTIVE, 'true', '', 'parent', 'pat', '', 'Pat', 'Roster', '', '', '', '', '555-0100', 'user-student', '', ''],
    ]),
    'classes.csv': csv('classes.csv', [['class-reading', ...ACTIVE, 'Reading Roster', '03', '', 'RR', 'scheduled', '', 'org-school', '', '', '', '']]),
    'enrollments.csv': csv('enrollments.csv', [
      ['enr-1', ...ACTIVE, 'class-reading', 'org-school', 'user-teacher', 'teacher', 'true', '', ''],
      ['enr-2', ...ACTIVE, 'class-reading', 'org-school', 'user-student', 'student', 'false', '', ''],
    ]),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An instant strictly between what was written before and what is written after. */
async function mark(): Promise<string> {
  await pause(20);
  const at = new Date().toISOString();
  await pause(20);
  return at;
}

describe('API shapes of the directory (issue 14, area B): pages, updatedSince, stable order, sourcedId', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let schoolId: string;
  let tutor: TestUser;

  const get = async (url: string, session = admin) => (await as(app, session).get(url).expect(200)).body;
  const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

  async function addStudent(fields: Record<string, unknown> = {}) {
    const localId = `L${Math.random().toString(36).slice(2, 10)}`;
    return (await as(app, admin).post('/api/students').send({ localId, firstName: 'Sam', lastName: 'Same', grade: '3', schoolId, ...fields }).expect(201)).body;
  }

  beforeAll(async () => {
    app = await startGateway();
    district = await createDistrict(app, 1);
    schoolId = district.schools[0].id;
    admin = await signIn(app, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [schoolId], providerKind: 'tutor' });
  });

  afterAll(() => stopApps(app));

  it('answers the lists that were bare arrays in the paged shape: a student’s guardians, staff groups', async () => {
    const student = await addStudent();
    const guardians = await Promise.all(
      ['Ames', 'Bell', 'Cruz'].map(
        async (lastName) => (await as(app, admin).post('/api/guardians').send({ firstName: 'G', lastName, studentIds: [student.id], relationship: 'aunt' }).expect(201)).body,
      ),
    );
    const first = await get(`/api/students/${student.id}/guardians?pageSize=2`);
    expect(first).toEqual({ items: [expect.any(Object), expect.any(Object)], page: 1, pageSize: 2, total: 3 });
    expect(first.items[0]).toEqual({
      id: guardians[0].id,
      firstName: 'G',
      lastName: 'Ames',
      email: null,
      phone: null,
      active: true,
      relationship: 'aunt',
      sourcedId: null,
      version: 1,
    });
    const second = await get(`/api/students/${student.id}/guardians?page=2&pageSize=2`);
    expect(ids(second)).toEqual([guardians[2].id]);

    const groups = [];
    for (const name of ['Team B', 'Team A']) groups.push((await as(app, admin).post('/api/staff-groups').send({ name, schoolId }).expect(201)).body);
    const staffGroups = await get('/api/staff-groups?pageSize=1');
    expect(staffGroups).toEqual({ items: [expect.objectContaining({ id: groups[1].id, name: 'Team A' })], page: 1, pageSize: 1, total: 2 });
    expect(ids(await get('/api/staff-groups?page=2&pageSize=1'))).toEqual([groups[0].id]);
  });

  it('lists only what changed at or after updatedSince, link changes included, on every directory list', async () => {
    const [older, changed] = [await addStudent({ lastName: 'Older' }), await addStudent({ lastName: 'Changed' })];
    const guardian = (await as(app, admin).post('/api/guardians').send({ firstName: 'Gia', lastName: 'Links', studentIds: [older.id] }).expect(201)).body;
    const untouchedGuardian = (await as(app, admin).post('/api/guardians').send({ firstName: 'Una', lastName: 'Touched', studentIds: [older.id] }).expect(201)).body;
    const group = (await as(app, admin).post('/api/groups').send({ name: 'Sync group', schoolId, providerId: tutor.id }).expect(201)).body;
    const quietGroup = (await as(app, admin).post('/api/groups').send({ name: 'Quiet group', schoolId, providerId: tutor.id }).expect(201)).body;
    const staffGroup = (await as(app, admin).post('/api/staff-groups').send({ name: 'Sync staff', schoolId }).expect(201)).body;
    const staff = (await get(`/api/staff/${tutor.id}`)) as { version: number };
    const since = await mark();

    await as(app, admin).patch(`/api/students/${changed.id}`).send({ version: changed.version, hasIep: true }).expect(200);
    // Changing only a record's links (its reply carries them) is a change of the record.
    await as(app, admin).put(`/api/guardians/${guardian.id}/students`).send({ studentIds: [older.id, changed.id] }).expect(200);
    await as(app, admin).put(`/api/groups/${group.id}/members`).send({ studentIds: [changed.id] }).expect(200);
    await as(app, admin).put(`/api/staff-groups/${staffGroup.id}/members`).send({ version: 1, userIds: [tutor.id] }).expect(200);
    await as(app, admin).patch(`/api/staff/${tutor.id}`).send({ version: staff.version, firstName: 'Tia' }).expect(200);
    const q = encodeURIComponent(since);

    expect(ids(await get(`/api/students?updatedSince=${q}`))).toEqual([changed.id]);
    expect(ids(await get(`/api/guardians?updatedSince=${q}`))).toEqual([guardian.id]);
    expect(ids(await get(`/api/groups?updatedSince=${q}`))).toEqual([group.id]);
    expect(ids(await get(`/api/staff-groups?updatedSince=${q}`))).toEqual([staffGroup.id]);
    expect(ids(await get(`/api/staff?updatedSince=${q}`))).toEqual([tutor.id]);
    expect(ids(await get(`/api/schools?updatedSince=${q}`))).toEqual([]);
    expect(ids(await get(`/api/students/${older.id}/guardians?updatedSince=${q}`))).toEqual([guardian.id]);
    expect((await get(`/api/students/search?q=Chan&updatedSince=${q}`)).items.map((s: { id: string }) => s.id)).toEqual([changed.id]);
    expect((await get(`/api/students/search?q=Old&updatedSince=${q}`)).total).toBe(0);
    // Without the filter, everything is still there.
    expect(ids(await get('/api/guardians?pageSize=200'))).toEqual(expect.arrayContaining([guardian.id, untouchedGuardian.id]));
    expect(ids(await get('/api/groups?pageSize=200'))).toEqual(expect.arrayContaining([group.id, quietGroup.id]));

    // An offset other than Z names the same instant.
    const local = new Date(new Date(since).getTime() - 5 * 3_600_000).toISOString().replace('Z', '-05:00');
    expect(ids(await get(`/api/students?updatedSince=${encodeURIComponent(local)}`))).toEqual([changed.id]);
  });

  it('refuses an updatedSince that is not an instant with its offset, naming it', async () => {
    for (const bad of ['yesterday', '2026-09-01', '2026-09-01T00:00:00', '2026-13-01T00:00:00Z', 'x'.repeat(41)]) {
      for (const url of ['/api/students', '/api/staff-groups', '/api/schools', '/api/students/search?q=a&']) {
        const response = await as(app, admin).get(`${url}${url.includes('?') ? '' : '?'}updatedSince=${encodeURIComponent(bad)}`).expect(400);
        expect(response.body.fields.map((f: { field: string }) => f.field)).toEqual(['updatedSince']);
      }
    }
  });

  it('keeps the order stable across pages when the sort keys are equal: ties go by id', async () => {
    const twins = [];
    for (let i = 0; i < 4; i++) twins.push(await addStudent({ firstName: 'Tie', lastName: 'Twin' }));
    const paged = [];
    for (let page = 1; page <= 4; page++) paged.push(...ids(await get(`/api/students?q=tie%20twin&pageSize=1&page=${page}`)));
    expect(paged).toEqual(twins.map((s) => s.id).sort());

    const groups = [];
    for (let i = 0; i < 3; i++) groups.push((await as(app, admin).post('/api/groups').send({ name: 'Same name', schoolId, providerId: tutor.id }).expect(201)).body.id);
    const groupPages = [];
    for (let page = 1; page <= 3; page++) groupPages.push(...ids(await get(`/api/groups?q=Same%20name&pageSize=1&page=${page}`)));
    expect(groupPages).toEqual([...groups].sort());
  });

  describe('records from a roster import', () => {
    let rostered: TestDistrict;
    let rosterAdmin: Session;
    const tag = Math.random().toString(36).slice(2, 8);

    async function importRoster(): Promise<void> {
      const started = await as(app, rosterAdmin).post('/api/roster/imports').send({ files: rosterSet(tag) }).expect(202);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const body = (await as(app, rosterAdmin).get(`/api/roster/imports/${started.body.id}`).expect(200)).body;
        if (body.status === 'succeeded') return;
        if (body.status === 'failed' || Date.now() > deadline) throw new Error(`import ${body.status}: ${JSON.stringify(body.failure ?? body.errors)}`);
        await pause(100);
      }
    }

    beforeAll(async () => {
      rostered = await createDistrict(app, 1);
      rosterAdmin = await signIn(app, rostered.admin.email);
    });

    it('expose their OneRoster sourcedId (null for records entered through the API), and a repeated import changes nothing', async () => {
      const before = await mark();
      await importRoster();
      const g = async (url: string) => (await as(app, rosterAdmin).get(url).expect(200)).body;
      const student = (await g('/api/students')).items.find((s: { localId: string }) => s.localId === `R${tag}`);
      expect(student).toMatchObject({ firstName: 'Kim', sourcedId: 'user-student' });
      expect(await g(`/api/students/${student.id}`)).toMatchObject({ sourcedId: 'user-student' });
      const school = (await g('/api/schools')).items.find((s: { stateSchoolCode: string }) => s.stateSchoolCode === `R-${tag}`);
      expect(school).toMatchObject({ name: 'Roster Elementary', sourcedId: 'org-school' });
      const teacher = (await g('/api/staff?q=Tess')).items[0];
      expect(teacher).toMatchObject({ email: `tess@${tag}.example.org`, sourcedId: 'user-teacher' });
      expect((await g('/api/guardians?q=Pat')).items[0]).toMatchObject({ sourcedId: 'user-parent', students: [{ studentId: student.id, relationship: 'parent' }] });
      expect((await g(`/api/students/${student.id}/guardians`)).items[0]).toMatchObject({ sourcedId: 'user-parent' });
      const group = (await g('/api/groups')).items[0];
      expect(group).toMatchObject({ name: 'Reading Roster', sourcedId: 'class-reading', memberCount: 1 });
      expect(await g(`/api/groups/${group.id}`)).toMatchObject({ sourcedId: 'class-reading' });

      // The import's set-based SQL is stamped like any other write.
      const since = encodeURIComponent(before);
      expect(ids(await g(`/api/students?updatedSince=${since}`))).toEqual([student.id]);
      expect(ids(await g(`/api/groups?updatedSince=${since}`))).toEqual([group.id]);

      const [adminRecord] = (await g(`/api/staff?q=Ada`)).items;
      expect(adminRecord.sourcedId).toBeNull();
      const typedIn = (await as(app, rosterAdmin).post('/api/students').send({ localId: `T${tag}`, firstName: 'Typed', lastName: 'In', grade: 'K', schoolId: school.id }).expect(201)).body;
      expect(typedIn.sourcedId).toBeNull();
      expect((await g(`/api/students/${typedIn.id}`)).sourcedId).toBeNull();

      const afterFirst = encodeURIComponent(await mark());
      await importRoster();
      for (const list of ['students', 'staff', 'guardians', 'groups', 'schools']) expect(ids(await g(`/api/${list}?updatedSince=${afterFirst}`))).toEqual([]);
    });
  });
});
