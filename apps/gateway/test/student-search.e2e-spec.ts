import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { Role } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { stopApps } from '@sessionledger/testing';
import { nameSearchKey } from '../src/directory/shared/name-search';
import { as, createDistrict, Session, signIn, startGateway, TestDistrict } from './support/gateway-harness';

interface Found {
  id: string;
  firstName: string;
  lastName: string;
  grade: string;
  schoolId: string;
  localId: string;
}

interface SearchPage {
  items: Found[];
  page: number;
  pageSize: number;
  total: number;
}

/** The Latin letters in common use in the district's names, each with what a search may type for it. */
const COMMON_ACCENTED = 'áàâäãåāçéèêëēíìîïñóòôöõøúùûüýÿ';
const COMMON_PLAIN = 'aaaaaaaceeeeeiiiinoooooouuuuyy';

describe('Student search (/api/students/search)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startGateway();
  });

  afterAll(() => stopApps(app));

  /** A district of its own per test, so totals and orders are this test's alone. */
  async function districtWith(schoolCount = 2): Promise<{ district: TestDistrict; admin: Session }> {
    const district = await createDistrict(app, schoolCount);
    return { district, admin: await signIn(app, district.admin.email) };
  }

  async function addStudent(admin: Session, schoolId: string, firstName: string, lastName: string, extra: Record<string, unknown> = {}): Promise<Found> {
    const body = { localId: `L${randomBytes(4).toString('hex')}`, firstName, lastName, grade: '4', schoolId, ...extra };
    return (await as(app, admin).post('/api/students').send(body).expect(201)).body;
  }

  async function userOf(district: TestDistrict, roles: Role[], schoolIds?: string[]): Promise<Session> {
    const user = await district.user(roles, { schoolIds, providerKind: roles.includes('provider') ? 'tutor' : undefined });
    return signIn(app, user.email);
  }

  async function search(session: Session, q: string, paging = ''): Promise<SearchPage> {
    return (await as(app, session).get(`/api/students/search?q=${encodeURIComponent(q)}${paging}`).expect(200)).body;
  }

  const fullNames = (page: SearchPage) => page.items.map((s) => `${s.firstName} ${s.lastName}`);

  it('finds students by the first letters of the first or last name, ignoring accents and case both ways', async () => {
    const { district, admin } = await districtWith(1);
    const school = district.schools[0].id;
    await addStudent(admin, school, 'Zoé', 'Müller');
    await addStudent(admin, school, 'Chloé', 'Álvarez');
    await addStudent(admin, school, 'Zoe', 'Muller');
    await addStudent(admin, school, 'Maya', 'Garcia');
    const provider = await userOf(district, ['provider'], [school]);

    expect(fullNames(await search(provider, 'zoe'))).toEqual(['Zoé Müller', 'Zoe Muller']);
    expect(fullNames(await search(provider, 'ZOÉ'))).toEqual(['Zoé Müller', 'Zoe Muller']);
    expect(fullNames(await search(provider, 'chloe'))).toEqual(['Chloé Álvarez']);
    expect(fullNames(await search(provider, 'CHLOÉ'))).toEqual(['Chloé Álvarez']);
    expect(fullNames(await search(provider, 'alv'))).toEqual(['Chloé Álvarez']);
    expect(fullNames(await search(provider, 'Álv'))).toEqual(['Chloé Álvarez']);
    expect(fullNames(await search(provider, 'MU'))).toEqual(['Zoé Müller', 'Zoe Muller']);
    expect(fullNames(await search(provider, 'mü'))).toEqual(['Zoé Müller', 'Zoe Muller']);
    // Decomposed input (as some keyboards send it) is the same search.
    expect(fullNames(await search(provider, 'Zoe\u0301'))).toEqual(['Zoé Müller', 'Zoe Muller']);
    // A prefix, not a substring: neither "ller" nor "oe" is the start of a name.
    expect((await search(provider, 'ller')).total).toBe(0);
    expect((await search(provider, 'oe')).total).toBe(0);
  });

  it('folds every common accented Latin letter, lower and upper case, to its plain letter in stored names and in searches', async () => {
    const { district, admin } = await districtWith(1);
    const provider = await userOf(district, ['provider'], [district.schools[0].id]);
    const letters = [...COMMON_ACCENTED, ...COMMON_ACCENTED.toUpperCase()];
    const plain = [...COMMON_PLAIN, ...COMMON_PLAIN];
    // One student per letter, named "<letter>qz": found by the plain letter, the accented one and its other case.
    await Promise.all(letters.map((letter) => addStudent(admin, district.schools[0].id, `${letter}qz`, 'Test')));
    for (const [i, letter] of letters.entries()) {
      const found = fullNames(await search(provider, `${plain[i]}qz`, '&pageSize=200'));
      expect(found).toContain(`${letter}qz Test`);
      expect(found.every((name) => nameSearchKey(name).startsWith(`${plain[i]}qz`))).toBe(true);
      expect(fullNames(await search(provider, `${letter.toUpperCase()}QZ`, '&pageSize=200'))).toEqual(found);
      expect(fullNames(await search(provider, `${letter.toLowerCase()}qz`, '&pageSize=200'))).toEqual(found);
    }
  });

  it('folds names in the database exactly as the application folds a search', async () => {
    const latin = String.fromCodePoint(...range(0xc0, 0x24f), ...range(0x1e00, 0x1eff));
    const samples = [
      ...`${COMMON_ACCENTED}${COMMON_ACCENTED.toUpperCase()}`,
      ...latin,
      'Zoé', 'Zoe\u0301', 'ÁLVAREZ', 'Müller', 'Øyvind', 'Łukasz', 'Đorđe', 'İlhan', 'Işık', 'Nguyễn', 'O’Brien', 'Ñúñez', 'Ægir', 'Straße', '50% _off\\',
    ];
    const rows = await app.get(TenantTransactions).runWithoutTenant((em) =>
      em.execute<{ key: string }[]>('SELECT gateway.name_search_key(value) AS key FROM json_array_elements_text(?::json) WITH ORDINALITY ORDER BY ordinality', [
        JSON.stringify(samples),
      ]),
    );
    const disagreements = samples
      .map((sample, i) => ({ sample, database: rows[i].key, application: nameSearchKey(sample) }))
      .filter((row) => row.database !== row.application);
    expect(disagreements).toEqual([]);
    expect([...COMMON_ACCENTED, ...COMMON_ACCENTED.toUpperCase()].map(nameSearchKey).join('')).toBe(COMMON_PLAIN + COMMON_PLAIN);
  });

  it('requires every word to start the first or the last name, in any order', async () => {
    const { district, admin } = await districtWith(1);
    const school = district.schools[0].id;
    await addStudent(admin, school, 'Zoé', 'Müller');
    await addStudent(admin, school, 'Zoe', 'Smith');
    await addStudent(admin, school, 'Mia', 'Zorn');
    await addStudent(admin, school, 'Muna', 'Zola');
    await addStudent(admin, school, 'Ana', 'María López');
    const provider = await userOf(district, ['provider'], [school]);

    expect(fullNames(await search(provider, 'zo mu'))).toEqual(['Zoé Müller', 'Muna Zola']);
    expect(fullNames(await search(provider, 'MU  zo'))).toEqual(['Zoé Müller', 'Muna Zola']);
    expect(fullNames(await search(provider, 'zoe sm'))).toEqual(['Zoe Smith']);
    expect(fullNames(await search(provider, 'zo zo'))).toEqual(['Zoé Müller', 'Zoe Smith', 'Muna Zola', 'Mia Zorn']);
    expect((await search(provider, 'zo al')).total).toBe(0);
    expect(fullNames(await search(provider, 'ana mar'))).toEqual(['Ana María López']);
    expect((await search(provider, 'ana lop')).total).toBe(0);
  });

  it('searches every school of the district, for a provider and a school admin of one school and for a district admin', async () => {
    const { district, admin } = await districtWith(2);
    const [schoolA, schoolB] = district.schools.map((s) => s.id);
    const atA = await addStudent(admin, schoolA, 'Noa', 'Acosta');
    const atB = await addStudent(admin, schoolB, 'Noah', 'Baker');
    const provider = await userOf(district, ['provider'], [schoolA]);
    const schoolAdmin = await userOf(district, ['school_admin'], [schoolA]);

    for (const session of [provider, schoolAdmin, admin]) {
      const found = await search(session, 'noa');
      expect(found.items.map((s) => [s.id, s.schoolId])).toEqual([
        [atA.id, schoolA],
        [atB.id, schoolB],
      ]);
    }
  });

  it('finds active students only', async () => {
    const { district, admin } = await districtWith(1);
    const school = district.schools[0].id;
    const leaving = await addStudent(admin, school, 'Ivy', 'Quist');
    const staying = await addStudent(admin, school, 'Ivan', 'Quist');
    const provider = await userOf(district, ['provider'], [school]);
    expect((await search(provider, 'quist')).total).toBe(2);

    await as(app, admin).post(`/api/students/${leaving.id}/deactivate`).expect(200);
    const after = await search(provider, 'quist');
    expect(after).toMatchObject({ total: 1, items: [{ id: staying.id }] });

    await as(app, admin).post(`/api/students/${leaving.id}/reactivate`).expect(200);
    expect((await search(provider, 'quist')).total).toBe(2);
  });

  it("never shows another district's students, even with the same name", async () => {
    const ours = await districtWith(1);
    const theirs = await districtWith(1);
    const mine = await addStudent(ours.admin, ours.district.schools[0].id, 'Zoé', 'Wexley');
    const foreign = await addStudent(theirs.admin, theirs.district.schools[0].id, 'Zoé', 'Wexley');
    const provider = await userOf(ours.district, ['provider'], [ours.district.schools[0].id]);
    const theirProvider = await userOf(theirs.district, ['provider'], [theirs.district.schools[0].id]);

    for (const q of ['zoe', 'wex', 'zoe wexley']) {
      expect((await search(provider, q)).items.map((s) => s.id)).toEqual([mine.id]);
      expect((await search(ours.admin, q)).items.map((s) => s.id)).toEqual([mine.id]);
      expect((await search(theirProvider, q)).items.map((s) => s.id)).toEqual([foreign.id]);
    }
  });

  it('refuses guardians, students and payroll with 403', async () => {
    const { district } = await districtWith(1);
    for (const role of ['guardian', 'student', 'payroll'] as const) {
      const session = await userOf(district, [role]);
      const refused = await as(app, session).get('/api/students/search?q=a').expect(403);
      expect(refused.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    }
    await as(app, await userOf(district, ['provider'], [district.schools[0].id])).get('/api/students/search?q=a').expect(200);
  });

  it('refuses a missing, blank or too long q with 400 naming q', async () => {
    const { district, admin } = await districtWith(1);
    const provider = await userOf(district, ['provider'], [district.schools[0].id]);
    for (const url of [
      '/api/students/search',
      '/api/students/search?q=',
      '/api/students/search?q=%20%20',
      `/api/students/search?q=${'a'.repeat(101)}`,
      '/api/students/search?q=a%00b',
    ]) {
      const refused = await as(app, provider).get(url).expect(400);
      expect({ url, fields: refused.body.fields.map((f: { field: string }) => f.field) }).toEqual({ url, fields: ['q'] });
    }
    const bad = await as(app, provider).get('/api/students/search?q=a&page=0&pageSize=201').expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['page', 'pageSize']);

    await addStudent(admin, district.schools[0].id, 'A'.repeat(100), 'Long');
    expect((await search(provider, 'a'.repeat(100))).total).toBe(1);
  });

  it('answers providers the same on GET /api/students?q= (q required); admins keep their school list there', async () => {
    const { district, admin } = await districtWith(2);
    const [schoolA, schoolB] = district.schools.map((s) => s.id);
    const here = await addStudent(admin, schoolA, 'Quinn', 'Oduya');
    const there = await addStudent(admin, schoolB, 'Quincy', 'Adams');
    const provider = await userOf(district, ['provider'], [schoolA]);
    const viaList = (await as(app, provider).get('/api/students?q=qui&pageSize=10').expect(200)).body;
    expect(viaList).toEqual(await search(provider, 'qui', '&pageSize=10'));
    expect(viaList.items.map((s: { id: string }) => s.id).sort()).toEqual([here.id, there.id].sort());
    for (const url of ['/api/students', '/api/students?q=%20', '/api/students?q=a%00b']) {
      const refused = await as(app, provider).get(url).expect(400);
      expect(refused.body.fields.map((f: { field: string }) => f.field)).toEqual(['q']);
    }
    // The admin's list is the directory list (full records of their schools), not the search.
    const listed = (await as(app, admin).get('/api/students?q=qui').expect(200)).body;
    expect(listed.items[0]).toHaveProperty('localId');
  });

  it('takes %, _ and \\ literally', async () => {
    const { district, admin } = await districtWith(1);
    await addStudent(admin, district.schools[0].id, 'Maya', 'Garcia');
    await addStudent(admin, district.schools[0].id, 'Ma_ya', '100%');
    const provider = await userOf(district, ['provider'], [district.schools[0].id]);
    expect((await search(provider, '%')).total).toBe(0);
    expect((await search(provider, '_')).total).toBe(0);
    expect((await search(provider, '\\')).total).toBe(0);
    expect(fullNames(await search(provider, 'ma_'))).toEqual(['Ma_ya 100%']);
    expect(fullNames(await search(provider, '100%'))).toEqual(['Ma_ya 100%']);
  });

  it('pages through the matches ordered by last name, first name and id, accents and case aside', async () => {
    const { district, admin } = await districtWith(2);
    const [schoolA, schoolB] = district.schools.map((s) => s.id);
    const twins = [await addStudent(admin, schoolA, 'Bea', 'Alvarado'), await addStudent(admin, schoolB, 'Bea', 'Alvarado')].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    await addStudent(admin, schoolB, 'Bruno', 'Zimmer');
    await addStudent(admin, schoolA, 'Bo', 'de Vries');
    await addStudent(admin, schoolB, 'Bianca', 'Álvarez');
    await addStudent(admin, schoolA, 'Ben', 'Alvarez');
    await addStudent(admin, schoolA, 'Bella', 'Baker');
    await addStudent(admin, schoolB, 'Carl', 'Bates');
    const provider = await userOf(district, ['provider'], [schoolA]);
    const expected = ['Bea Alvarado', 'Bea Alvarado', 'Ben Alvarez', 'Bianca Álvarez', 'Bella Baker', 'Carl Bates', 'Bo de Vries', 'Bruno Zimmer'];

    const all = await search(provider, 'b');
    expect(all).toMatchObject({ page: 1, pageSize: 50, total: 8 });
    expect(fullNames(all)).toEqual(expected);
    expect(all.items.slice(0, 2).map((s) => s.id)).toEqual(twins.map((s) => s.id));

    const pages = await Promise.all([1, 2, 3, 4].map((page) => search(provider, 'b', `&page=${page}&pageSize=3`)));
    expect(pages.map((p) => [p.page, p.pageSize, p.total])).toEqual([
      [1, 3, 8],
      [2, 3, 8],
      [3, 3, 8],
      [4, 3, 8],
    ]);
    expect(pages.flatMap(fullNames)).toEqual(expected);
    expect(pages[3].items).toEqual([]);
    expect(pages.flatMap((p) => p.items.map((s) => s.id))).toEqual(all.items.map((s) => s.id));
  });

  it('answers exactly id, firstName, lastName, grade, schoolId and localId: no guardians, notes, IEP or other ids', async () => {
    const { district, admin } = await districtWith(1);
    const school = district.schools[0].id;
    const teacher = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
    const student = await addStudent(admin, school, 'Iris', 'Quayle', {
      grade: 'kg',
      stateId: `S${randomBytes(4).toString('hex')}`,
      hasIep: true,
      homeboundTeacherId: teacher.id,
    });
    await as(app, admin)
      .post('/api/guardians')
      .send({ firstName: 'Rosa', lastName: 'Quayle', email: 'rosa@example.org', studentIds: [student.id], relationship: 'mother' })
      .expect(201);
    const provider = await signIn(app, teacher.email);

    const found = await search(provider, 'iris qu');
    expect(Object.keys(found).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
    expect(found.items).toEqual([
      { id: student.id, firstName: 'Iris', lastName: 'Quayle', grade: 'K', schoolId: school, localId: student.localId },
    ]);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
