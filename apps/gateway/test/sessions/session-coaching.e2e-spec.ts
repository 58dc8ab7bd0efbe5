import { DEFAULT_SESSION_CATALOG, SessionCatalogDocument } from '@sessionledger/session-rules';
import { as, Session, signIn, TestDistrict, TestUser } from '../support/gateway-harness';
import { addStudent, guardianOf } from '../support/session-fixtures';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

function fieldsOf(body: { fields?: { field: string }[] }): string[] {
  return (body.fields ?? []).map((f) => f.field).sort();
}

/** A copy of the default catalog to edit (the default itself is frozen). */
function catalogCopy(): SessionCatalogDocument {
  return JSON.parse(JSON.stringify(DEFAULT_SESSION_CATALOG));
}

/** A district that measures its coaching its own way. */
function ownCoachingCatalog(): SessionCatalogDocument {
  return {
    ...catalogCopy(),
    coachingFields: [
      { name: 'minutes_observed', label: 'Minutes observed', type: 'number', required: true },
      { name: 'domains', label: 'Domains', type: 'multi_choice', options: ['Classroom environment', 'Instruction', 'Assessment'], required: true },
      { name: 'follow_up', label: 'Follow-up planned', type: 'boolean', required: false },
    ],
  };
}

describe('Session catalog and coaching sessions (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let schoolAdmin: Session;
  let coach: TestUser;
  let coachSession: Session;
  let teacher: TestUser;
  let tutorSession: Session;
  let guardian: Session;
  let student: { id: string };

  beforeAll(async () => {
    platform = await startSessionPlatform();
    [district, other] = await Promise.all([platform.district(2), platform.district(1)]);
    const school = district.schools[0].id;
    [admin, otherAdmin] = await Promise.all([signIn(platform.gateway, district.admin.email), signIn(platform.gateway, other.admin.email)]);
    coach = await district.user(['provider'], { schoolIds: [school], providerKind: 'coach' });
    teacher = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Terry' });
    const tutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
    const schoolAdminUser = await district.user(['school_admin'], { schoolIds: [school] });
    student = await addStudent(platform.gateway, admin, school);
    const guardianUser = await guardianOf(platform.gateway, district, [student.id]);
    [coachSession, tutorSession, schoolAdmin, guardian] = await Promise.all(
      [coach, tutor, schoolAdminUser, guardianUser].map((user) => signIn(platform.gateway, user.email)),
    );
  });

  afterAll(() => platform.stop());

  /** A running coaching session of `coach` with the teacher in it; ended afterwards so the next test can start one. */
  async function coachingSession(provider = coachSession): Promise<{ id: string; version: number }> {
    const started = await startSession(platform.gateway, provider, { service: 'coaching', startedAt: minutesAgo(45) });
    const added = await as(platform.gateway, provider).post(`/api/sessions/${started.id}/participants`).send({ staffId: teacher.id });
    expect(added.status).toBe(201);
    return { id: started.id, version: added.body.version };
  }

  async function endSession(provider: Session, session: { id: string; version: number }) {
    await as(platform.gateway, provider).post(`/api/sessions/${session.id}/end`).send({ version: session.version, endedAt: minutesAgo(1) }).expect(200);
  }

  describe('GET/PUT /api/session-catalog', () => {
    it('answers providers and admins with the default catalog at version 1, and refuses guardians', async () => {
      for (const reader of [coachSession, schoolAdmin, admin]) {
        const response = await as(platform.gateway, reader).get('/api/session-catalog').expect(200);
        expect(response.body).toEqual({ version: 1, catalog: JSON.parse(JSON.stringify(DEFAULT_SESSION_CATALOG)) });
      }
      const refused = await as(platform.gateway, guardian).get('/api/session-catalog');
      expect(refused.status).toBe(403);
    });

    it('lets only a district admin replace it', async () => {
      for (const writer of [schoolAdmin, coachSession]) {
        const response = await as(platform.gateway, writer).put('/api/session-catalog').send({ version: 1, catalog: catalogCopy() });
        expect(response.status).toBe(403);
      }
      const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select count(*)::int as n from session_log.session_catalog');
      expect(row).toEqual({ n: 0 });
    });

    it('refuses duplicate service codes, a choice field without options (absent or empty) and a badly written code, naming each field', async () => {
      const duplicate = catalogCopy();
      duplicate.services.push({ ...duplicate.services[0], name: 'Tutoring again' });
      const noOptions = catalogCopy();
      noOptions.coachingFields.push({ name: 'rating', label: 'Rating', type: 'choice', required: false });
      const emptyOptions = catalogCopy();
      emptyOptions.coachingFields[0].options = [];
      const badCode = catalogCopy();
      badCode.services[1].code = 'Personal Care';

      const cases: [SessionCatalogDocument, string][] = [
        [duplicate, 'catalog.services'],
        [noOptions, 'catalog.coachingFields.2.options'],
        [emptyOptions, 'catalog.coachingFields.0.options'],
        [badCode, 'catalog.services.1.code'],
      ];
      for (const [catalog, field] of cases) {
        const response = await as(platform.gateway, admin).put('/api/session-catalog').send({ version: 1, catalog });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('REQUEST.INVALID');
        expect(fieldsOf(response.body)).toEqual([field]);
      }
      const read = await as(platform.gateway, admin).get('/api/session-catalog').expect(200);
      expect(read.body.version).toBe(1);
    });

    it('replaces the catalog as version 2, refuses the stale version 1, and leaves other districts on the default', async () => {
      const catalog = ownCoachingCatalog();
      const saved = await as(platform.gateway, admin).put('/api/session-catalog').send({ version: 1, catalog });
      expect(saved.status).toBe(200);
      expect(saved.body).toEqual({ version: 2, catalog });

      const read = await as(platform.gateway, coachSession).get('/api/session-catalog').expect(200);
      expect(read.body).toEqual({ version: 2, catalog });
      const [row] = await sessionLogRows<{ version: number; document: SessionCatalogDocument }>(
        platform.sessionLog,
        district.id,
        'select version, document from session_log.session_catalog where district_id = ?',
        [district.id],
      );
      expect(row).toEqual({ version: 2, document: catalog });

      const stale = await as(platform.gateway, admin).put('/api/session-catalog').send({ version: 1, catalog: catalogCopy() });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'SESSION_CATALOG.STALE' });

      const again = await as(platform.gateway, admin).put('/api/session-catalog').send({ version: 2, catalog });
      expect(again.status).toBe(200);
      expect(again.body.version).toBe(3);

      const otherRead = await as(platform.gateway, otherAdmin).get('/api/session-catalog').expect(200);
      expect(otherRead.body).toEqual({ version: 1, catalog: JSON.parse(JSON.stringify(DEFAULT_SESSION_CATALOG)) });
    });
  });

  describe('coaching sessions', () => {
    // `other` keeps the default catalog (category, focus); `district` saved its own fields above.
    let otherCoachSession: Session;
    let otherTeacher: TestUser;

    beforeAll(async () => {
      const school = other.schools[0].id;
      const otherCoach = await other.user(['provider'], { schoolIds: [school], providerKind: 'coach' });
      otherTeacher = await other.user(['provider'], { schoolIds: [school], providerKind: 'tutor' });
      otherCoachSession = await signIn(platform.gateway, otherCoach.email);
    });

    it('coaches a teacher: staff join by staffId, a student of the district is refused', async () => {
      const otherStudent = await addStudent(platform.gateway, otherAdmin, other.schools[0].id);
      const started = await startSession(platform.gateway, otherCoachSession, { service: 'coaching', startedAt: minutesAgo(30) });
      expect(started).toMatchObject({ service: 'coaching', participantKind: 'staff', participants: [], coachingLog: null });

      const withStudent = await as(platform.gateway, otherCoachSession).post(`/api/sessions/${started.id}/participants`).send({ studentId: otherStudent.id });
      expect(withStudent.status).toBe(400);
      expect(withStudent.body.fields).toEqual([{ field: 'studentId', problems: [expect.stringContaining('takes staff members')] }]);

      const added = await as(platform.gateway, otherCoachSession).post(`/api/sessions/${started.id}/participants`).send({ staffId: otherTeacher.id });
      expect(added.status).toBe(201);
      expect(added.body.participants).toEqual([expect.objectContaining({ kind: 'staff', personId: otherTeacher.id })]);
      const rows = await sessionLogRows(platform.sessionLog, other.id, 'select kind, person_id from session_log.participant where session_id = ?', [started.id]);
      expect(rows).toEqual([{ kind: 'staff', person_id: otherTeacher.id }]);
      await endSession(otherCoachSession, { id: started.id, version: added.body.version });
    });

    it('validates the log against the default coaching fields and stores a valid one', async () => {
      const started = await startSession(platform.gateway, otherCoachSession, { service: 'coaching', startedAt: minutesAgo(30) });
      const added = await as(platform.gateway, otherCoachSession).post(`/api/sessions/${started.id}/participants`).send({ staffId: otherTeacher.id }).expect(201);
      const version = added.body.version;
      const put = (values: Record<string, unknown>, v = version) =>
        as(platform.gateway, otherCoachSession).put(`/api/sessions/${started.id}/coaching-log`).send({ version: v, values });

      const refusals: [Record<string, unknown>, string[]][] = [
        [{ category: 'Planning', mood: 'sunny' }, ['values.mood']],
        [{ category: 'Planning', focus: 5 }, ['values.focus']],
        [{ category: 'Gardening' }, ['values.category']],
        [{ focus: 'Questioning strategies' }, ['values.category']],
      ];
      for (const [values, fields] of refusals) {
        const response = await put(values);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('REQUEST.INVALID');
        expect(fieldsOf(response.body)).toEqual(fields);
      }
      const [untouched] = await sessionLogRows(platform.sessionLog, other.id, 'select coaching_log, version from session_log.session where id = ?', [started.id]);
      expect(untouched).toEqual({ coaching_log: null, version });

      const values = { category: 'Feedback', focus: 'Questioning strategies' };
      const saved = await put(values);
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ coachingLog: values, version: version + 1 });
      const [row] = await sessionLogRows(platform.sessionLog, other.id, 'select coaching_log from session_log.session where id = ?', [started.id]);
      expect(row).toEqual({ coaching_log: values });

      const stale = await put({ category: 'Data' }, version);
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('SESSION.STALE');
      await endSession(otherCoachSession, { id: started.id, version: version + 1 });
    });

    it('validates against the fields a district defined for itself', async () => {
      // `district` saved ownCoachingCatalog() above: category and focus are no longer its fields.
      const session = await coachingSession();
      const put = (values: Record<string, unknown>) =>
        as(platform.gateway, coachSession).put(`/api/sessions/${session.id}/coaching-log`).send({ version: session.version, values });

      const refusals: [Record<string, unknown>, string[]][] = [
        [{ category: 'Planning', minutes_observed: 20, domains: ['Instruction'] }, ['values.category']],
        [{ minutes_observed: 'twenty', domains: ['Instruction'] }, ['values.minutes_observed']],
        [{ minutes_observed: 20, domains: ['Instruction', 'Lunch duty'] }, ['values.domains']],
        [{ minutes_observed: 20, domains: ['Instruction'], follow_up: 'yes' }, ['values.follow_up']],
        [{ domains: ['Instruction'] }, ['values.minutes_observed']],
      ];
      for (const [values, fields] of refusals) {
        const response = await put(values);
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toEqual(fields);
      }

      const values = { minutes_observed: 20, domains: ['Instruction', 'Assessment'], follow_up: true };
      const saved = await put(values);
      expect(saved.status).toBe(200);
      const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select coaching_log from session_log.session where id = ?', [session.id]);
      expect(row).toEqual({ coaching_log: values });
      await endSession(coachSession, { id: session.id, version: saved.body.version });
    });

    it('refuses a coaching log on a tutoring session', async () => {
      const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', startedAt: minutesAgo(30) });
      const response = await as(platform.gateway, tutorSession)
        .put(`/api/sessions/${started.id}/coaching-log`)
        .send({ version: started.version, values: { minutes_observed: 20, domains: ['Instruction'] } });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('SESSION.NOT_COACHING');
      const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select coaching_log from session_log.session where id = ?', [started.id]);
      expect(row).toEqual({ coaching_log: null });
      await endSession(tutorSession, started);
    });
  });
});
