import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent, guardianOf, linkStudentAccount } from '../support/session-fixtures';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

interface ParticipantBody {
  id: string;
  personId: string;
  version: number;
  [key: string]: unknown;
}
interface SessionBody {
  id: string;
  version: number;
  participants: ParticipantBody[];
  [key: string]: unknown;
}

const canary = (label: string) => `${label}-${randomBytes(8).toString('hex')}`;

/** What a provider writes to the student; 4 sentences, about them and their next step. */
const GOOD_NOTE =
  'You explained equivalent fractions clearly with your own drawings. Your number line made the idea easy to follow. Keep checking each answer against the picture. Next time you will try mixed numbers on your own.';

describe('Session notes: writing, hints, audiences and read scoping', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let otherDistrictAdmin: Session;
  let schoolAdmin: Session;
  let tutorA: TestUser;
  let tutorASession: Session;
  let tutorBSession: Session;
  let tutorCSession: Session;
  let studentSession: Session;
  let guardianSession: Session;
  let child: { id: string };
  let otherChild: { id: string };

  /** Canaries: text a student (client + admin notes) or a guardian (admin note, other child) must never receive. */
  const ADMIN_CANARY = canary('admin-only');
  const CLIENT_CANARY = canary('client-only');
  const OTHER_CHILD_CANARY = canary('other-child');

  /** Group session of tutor A (school 1) with the child and another child; notes written, flagged, ended. */
  let shared: SessionBody;
  let notesReply: SessionBody & { noteHints: unknown[] };
  let flagReply: SessionBody;
  /** Tutor C's session (school 1) with the other child only. */
  let otherChildSession: SessionBody;
  /** Tutor B's session at school 2, flagged. */
  let otherSchoolSession: SessionBody;

  const participantOf = (session: SessionBody, studentId: string) => session.participants.find((p) => p.personId === studentId)!;

  async function ok(response: Promise<Response> | Response, status = 200): Promise<SessionBody> {
    const res = await response;
    if (res.status !== status) throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    const { gateway } = platform;
    district = await platform.district(2);
    const otherDistrict = await platform.district(1);
    const [school1, school2] = district.schools.map((s) => s.id);
    admin = await signIn(gateway, district.admin.email);
    otherDistrictAdmin = await signIn(gateway, otherDistrict.admin.email);

    tutorA = await district.user(['provider'], { schoolIds: [school1], providerKind: 'tutor' });
    const tutorB = await district.user(['provider'], { schoolIds: [school2], providerKind: 'tutor' });
    const tutorC = await district.user(['provider'], { schoolIds: [school1], providerKind: 'tutor' });
    const schoolAdminUser = await district.user(['school_admin'], { schoolIds: [school1] });
    [tutorASession, tutorBSession, tutorCSession, schoolAdmin] = await Promise.all([tutorA, tutorB, tutorC, schoolAdminUser].map((u) => signIn(gateway, u.email)));

    child = await addStudent(gateway, admin, school1, { firstName: 'Kid' });
    otherChild = await addStudent(gateway, admin, school1, { firstName: 'Other' });
    const schoolTwoStudent = await addStudent(gateway, admin, school2);
    const studentUser = await linkStudentAccount(gateway, district, child.id);
    const guardian = await guardianOf(gateway, district, [child.id]);
    [studentSession, guardianSession] = await Promise.all([signIn(gateway, studentUser.email), signIn(gateway, guardian.email)]);

    const groupA = await addGroup(gateway, admin, school1, tutorA.id, [child.id, otherChild.id]);
    const groupB = await addGroup(gateway, admin, school2, tutorB.id, [schoolTwoStudent.id]);
    const groupC = await addGroup(gateway, admin, school1, tutorC.id, [otherChild.id]);

    shared = await startSession(gateway, tutorASession, { service: 'tutoring', groupId: groupA.id, startedAt: minutesAgo(60), description: 'Fractions' });
    otherChildSession = await startSession(gateway, tutorCSession, { service: 'tutoring', groupId: groupC.id, startedAt: minutesAgo(60), description: 'Reading' });
    otherSchoolSession = await startSession(gateway, tutorBSession, { service: 'tutoring', groupId: groupB.id, startedAt: minutesAgo(60), description: 'Algebra' });

    // The child's notes, one write; the other child's notes carry the canary the guardian must never see.
    const mine = participantOf(shared, child.id);
    notesReply = (await ok(
      as(gateway, tutorASession)
        .patch(`/api/sessions/${shared.id}/participants/${mine.id}`)
        .send({ version: mine.version, present: true, studentNote: GOOD_NOTE, clientNote: `For the family: ${CLIENT_CANARY}`, adminNote: `Internal: ${ADMIN_CANARY}` }),
    )) as SessionBody & { noteHints: unknown[] };
    const theirs = participantOf(shared, otherChild.id);
    const afterOther = await ok(
      as(gateway, tutorASession)
        .patch(`/api/sessions/${shared.id}/participants/${theirs.id}`)
        .send({ version: theirs.version, present: true, studentNote: `Student note ${OTHER_CHILD_CANARY}.`, clientNote: `Client ${OTHER_CHILD_CANARY}`, adminNote: `Admin ${ADMIN_CANARY}` }),
    );
    flagReply = await ok(as(gateway, tutorASession).patch(`/api/sessions/${shared.id}`).send({ version: afterOther.version, needsAttention: true }));
    shared = await ok(as(gateway, tutorASession).post(`/api/sessions/${shared.id}/end`).send({ version: flagReply.version, endedAt: minutesAgo(1) }));

    otherSchoolSession = await ok(as(gateway, tutorBSession).patch(`/api/sessions/${otherSchoolSession.id}`).send({ version: otherSchoolSession.version, needsAttention: true }));
    const otherChildEntry = participantOf(otherChildSession, otherChild.id);
    otherChildSession = await ok(
      as(gateway, tutorCSession)
        .patch(`/api/sessions/${otherChildSession.id}/participants/${otherChildEntry.id}`)
        .send({ version: otherChildEntry.version, studentNote: `Only theirs ${OTHER_CHILD_CANARY}.`, adminNote: `Admin ${ADMIN_CANARY}` }),
    );
  });

  afterAll(() => platform.stop());

  it('stores per-participant notes and the session flag written by the provider', async () => {
    const written = participantOf(notesReply, child.id);
    expect(written).toMatchObject({ studentNote: GOOD_NOTE, clientNote: `For the family: ${CLIENT_CANARY}`, adminNote: `Internal: ${ADMIN_CANARY}`, version: 2 });
    expect(notesReply.noteHints).toEqual([]);
    expect(flagReply).toMatchObject({ needsAttention: true });

    const rows = await sessionLogRows(
      platform.sessionLog,
      district.id,
      'select person_id, student_note, client_note, admin_note from session_log.participant where session_id = ? order by person_id',
      [shared.id],
    );
    expect(rows).toEqual(
      [
        { person_id: child.id, student_note: GOOD_NOTE, client_note: `For the family: ${CLIENT_CANARY}`, admin_note: `Internal: ${ADMIN_CANARY}` },
        { person_id: otherChild.id, student_note: `Student note ${OTHER_CHILD_CANARY}.`, client_note: `Client ${OTHER_CHILD_CANARY}`, admin_note: `Admin ${ADMIN_CANARY}` },
      ].sort((a, b) => a.person_id.localeCompare(b.person_id)),
    );
    const [session] = await sessionLogRows(platform.sessionLog, district.id, 'select needs_attention from session_log.session where id = ?', [shared.id]);
    expect(session).toEqual({ needs_attention: true });
  });

  it('answers a student note with non-blocking hints, and saves it whatever they say', async () => {
    const entryId = participantOf(otherChildSession, otherChild.id).id;
    let version = participantOf(otherChildSession, otherChild.id).version;
    const cases: [string, string[]][] = [
      ['You did well. Keep going.', ['NOTE.TOO_SHORT']],
      [
        'You read with expression. You slowed down at commas. You asked good questions. You found the main idea. You used context clues. You summarized the ending. You chose your next book.',
        ['NOTE.TOO_LONG'],
      ],
      ['Today we did x. Then we reviewed y. We practiced z.', ['NOTE.ONLY_RECAP']],
      [GOOD_NOTE, []],
    ];
    for (const [note, codes] of cases) {
      const response = await as(platform.gateway, tutorCSession).patch(`/api/sessions/${otherChildSession.id}/participants/${entryId}`).send({ version, studentNote: note });
      expect(response.status).toBe(200);
      expect(response.body.noteHints.map((h: { code: string }) => h.code)).toEqual(codes);
      expect(response.body.noteHints.every((h: { participantId: string; message: string }) => h.participantId === entryId && h.message.length > 0)).toBe(true);
      version = participantOf(response.body, otherChild.id).version;
      const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select student_note from session_log.participant where id = ?', [entryId]);
      expect(row).toEqual({ student_note: note });
    }
  });

  it('hides a session from guardians and students until it is posted (404, absent from every list), then shows it', async () => {
    for (const reader of [studentSession, guardianSession]) {
      const client = as(platform.gateway, reader);
      await client.get(`/api/sessions/${shared.id}`).expect(404);
      for (const url of ['/api/sessions', `/api/sessions?studentId=${child.id}`, `/api/sessions?providerId=${tutorA.id}`]) {
        expect((await client.get(url).expect(200)).body).toMatchObject({ items: [], total: 0 });
      }
    }
    await as(platform.gateway, tutorASession).post(`/api/sessions/${shared.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    shared = await ok(as(platform.gateway, tutorASession).get(`/api/sessions/${shared.id}`));
    for (const reader of [studentSession, guardianSession]) {
      await as(platform.gateway, reader).get(`/api/sessions/${shared.id}`).expect(200);
      expect((await as(platform.gateway, reader).get('/api/sessions').expect(200)).body.items.map((s: SessionBody) => s.id)).toEqual([shared.id]);
    }
  });

  it('shows a student only their own entry and only its student note, on every route they can call', async () => {
    const student = as(platform.gateway, studentSession);
    const one = await student.get(`/api/sessions/${shared.id}`).expect(200);
    const list = await student.get('/api/sessions').expect(200);
    const listed = list.body.items.find((s: SessionBody) => s.id === shared.id);
    expect(list.body.items.map((s: SessionBody) => s.id)).toEqual([shared.id]);
    for (const body of [one.body, listed]) {
      expect(body.audience).toBe('student');
      expect(body).not.toHaveProperty('needsAttention');
      expect(body.participants).toHaveLength(1);
      const [entry] = body.participants;
      expect(entry).toMatchObject({ personId: child.id, studentNote: GOOD_NOTE });
      expect(entry).not.toHaveProperty('clientNote');
      expect(entry).not.toHaveProperty('adminNote');
    }
    await student.get(`/api/sessions/${otherChildSession.id}`).expect(404);
    await student.get(`/api/sessions/${otherSchoolSession.id}`).expect(404);

    const responses = await readerResponses(studentSession);
    for (const response of responses) {
      for (const secret of [ADMIN_CANARY, CLIENT_CANARY, OTHER_CHILD_CANARY]) expect(response.text).not.toContain(secret);
    }
  });

  it('shows a guardian student and client notes of their own child only, never admin notes or other children', async () => {
    const guardian = as(platform.gateway, guardianSession);
    const one = await guardian.get(`/api/sessions/${shared.id}`).expect(200);
    const list = await guardian.get('/api/sessions').expect(200);
    expect(list.body.items.map((s: SessionBody) => s.id)).toEqual([shared.id]);
    for (const body of [one.body, list.body.items[0]]) {
      expect(body.audience).toBe('guardian');
      expect(body).not.toHaveProperty('needsAttention');
      expect(body.participants).toHaveLength(1);
      const [entry] = body.participants;
      expect(entry).toMatchObject({ personId: child.id, studentNote: GOOD_NOTE, clientNote: `For the family: ${CLIENT_CANARY}` });
      expect(entry).not.toHaveProperty('adminNote');
    }
    await guardian.get(`/api/sessions/${otherChildSession.id}`).expect(404);

    const responses = await readerResponses(guardianSession);
    for (const response of responses) {
      for (const secret of [ADMIN_CANARY, OTHER_CHILD_CANARY]) expect(response.text).not.toContain(secret);
    }
  });

  it('does not let list filters reveal the attention flag or other children to guardians and students', async () => {
    for (const reader of [guardianSession, studentSession]) {
      const flagged = await as(platform.gateway, reader).get('/api/sessions?needsAttention=true').expect(200);
      const unflagged = await as(platform.gateway, reader).get('/api/sessions?needsAttention=false').expect(200);
      expect(flagged.body.items.map((s: SessionBody) => s.id)).toEqual(unflagged.body.items.map((s: SessionBody) => s.id));
      expect(flagged.body.total).toBe(unflagged.body.total);

      const byOtherChild = await as(platform.gateway, reader).get(`/api/sessions?studentId=${otherChild.id}`).expect(200);
      expect(byOtherChild.body).toMatchObject({ items: [], total: 0 });
      const byOwnChild = await as(platform.gateway, reader).get(`/api/sessions?studentId=${child.id}`).expect(200);
      expect(byOwnChild.body.items.map((s: SessionBody) => s.id)).toEqual([shared.id]);
    }
  });

  it('refuses every write, the audit and the history to guardians and students (403), changing nothing', async () => {
    const entry = participantOf(shared, child.id);
    for (const reader of [guardianSession, studentSession]) {
      const client = as(platform.gateway, reader);
      const refusals: [string, Promise<Response>][] = [
        ['start', client.post('/api/sessions').send({ service: 'tutoring', startedAt: minutesAgo(5) })],
        ['update', client.patch(`/api/sessions/${shared.id}`).send({ version: shared.version, needsAttention: false })],
        ['notes', client.patch(`/api/sessions/${shared.id}/participants/${entry.id}`).send({ version: entry.version, studentNote: 'rewritten', adminNote: null })],
        ['add participant', client.post(`/api/sessions/${shared.id}/participants`).send({ studentId: otherChild.id })],
        ['remove participant', client.delete(`/api/sessions/${shared.id}/participants/${entry.id}`)],
        ['end', client.post(`/api/sessions/${shared.id}/end`).send({ version: shared.version, endedAt: minutesAgo(1) })],
        ['cancel', client.post(`/api/sessions/${shared.id}/cancel`).send({ version: shared.version, cancelledAt: minutesAgo(90) })],
        ['no-show', client.post(`/api/sessions/${shared.id}/no-show`).send({ version: shared.version })],
        ['duration', client.put(`/api/sessions/${shared.id}/duration`).send({ version: shared.version, minutes: 30 })],
        ['tags', client.put(`/api/sessions/${shared.id}/tags`).send({ version: shared.version, tags: [] })],
        ['work order', client.put(`/api/sessions/${shared.id}/work-order`).send({ version: shared.version, workOrderId: shared.id })],
        ['coaching log', client.put(`/api/sessions/${shared.id}/coaching-log`).send({ version: shared.version, fields: {} })],
        ['delete', client.delete(`/api/sessions/${shared.id}`)],
        ['audit', client.get(`/api/sessions/${shared.id}/audit`)],
        ['history', client.get(`/api/sessions/${shared.id}/history`)],
        ['needs attention', client.get('/api/needs-attention')],
        ['tasks', client.get('/api/tasks')],
        ['my tasks', client.get('/api/me/tasks')],
      ];
      for (const [route, pending] of refusals) {
        const response = await pending;
        expect({ route, status: response.status }).toEqual({ route, status: 403 });
        expect(response.text).not.toContain(ADMIN_CANARY);
      }
    }
    const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select student_note, admin_note from session_log.participant where id = ?', [entry.id]);
    expect(row).toEqual({ student_note: GOOD_NOTE, admin_note: `Internal: ${ADMIN_CANARY}` });
    const [session] = await sessionLogRows(platform.sessionLog, district.id, 'select state, needs_attention, version from session_log.session where id = ?', [shared.id]);
    expect(session).toEqual({ state: 'ended', needs_attention: true, version: shared.version });
  });

  it('shows a provider their own sessions only, with every note', async () => {
    const tutor = as(platform.gateway, tutorASession);
    const own = await tutor.get(`/api/sessions/${shared.id}`).expect(200);
    expect(own.body).toMatchObject({ audience: 'provider', needsAttention: true });
    expect(own.body.participants).toHaveLength(2);
    expect(participantOf(own.body, child.id)).toMatchObject({ clientNote: `For the family: ${CLIENT_CANARY}`, adminNote: `Internal: ${ADMIN_CANARY}` });

    await tutor.get(`/api/sessions/${otherChildSession.id}`).expect(404);
    await tutor.get(`/api/sessions/${otherSchoolSession.id}`).expect(404);
    await tutor.get(`/api/sessions/${otherChildSession.id}/history`).expect(404);
    await tutor.patch(`/api/sessions/${otherChildSession.id}`).send({ version: otherChildSession.version, needsAttention: true }).expect(404);
    const list = await tutor.get('/api/sessions').expect(200);
    expect(list.body.items.map((s: SessionBody) => s.id)).toEqual([shared.id]);
    const byProvider = await tutor.get(`/api/sessions?providerId=${otherChildSession.providerId}`).expect(200);
    expect(byProvider.body).toMatchObject({ items: [], total: 0 });
  });

  it('shows a school admin the sessions of their schools only, and another district nothing', async () => {
    const schoolAdminClient = as(platform.gateway, schoolAdmin);
    const seen = await schoolAdminClient.get(`/api/sessions/${shared.id}`).expect(200);
    expect(seen.body).toMatchObject({ audience: 'admin', needsAttention: true });
    expect(participantOf(seen.body, child.id)).toMatchObject({ adminNote: `Internal: ${ADMIN_CANARY}` });
    await schoolAdminClient.get(`/api/sessions/${otherSchoolSession.id}`).expect(404);
    await schoolAdminClient.get(`/api/sessions/${otherSchoolSession.id}/audit`).expect(404);
    const listed = (await schoolAdminClient.get('/api/sessions').expect(200)).body.items.map((s: SessionBody) => s.id);
    expect(listed.sort()).toEqual([shared.id, otherChildSession.id].sort());

    const stranger = as(platform.gateway, otherDistrictAdmin);
    const notFound = await stranger.get(`/api/sessions/${shared.id}`).expect(404);
    expect(notFound.text).not.toContain(ADMIN_CANARY);
    await stranger.get(`/api/sessions/${shared.id}/audit`).expect(404);
    await stranger.patch(`/api/sessions/${shared.id}`).send({ version: shared.version, needsAttention: false }).expect(404);
    const strangerList = await stranger.get('/api/sessions').expect(200);
    expect(strangerList.body.items.map((s: SessionBody) => s.id)).not.toEqual(expect.arrayContaining([shared.id]));
    expect(strangerList.text).not.toContain(ADMIN_CANARY);
  });

  it('queues flagged sessions for the admins of their schools, and refuses providers', async () => {
    const ids = (response: Response) => response.body.items.map((s: SessionBody) => s.id);
    const forSchoolAdmin = await as(platform.gateway, schoolAdmin).get('/api/needs-attention').expect(200);
    expect(ids(forSchoolAdmin)).toEqual([shared.id]);
    const forDistrictAdmin = await as(platform.gateway, admin).get('/api/needs-attention').expect(200);
    expect(ids(forDistrictAdmin).sort()).toEqual([shared.id, otherSchoolSession.id].sort());
    const forStranger = await as(platform.gateway, otherDistrictAdmin).get('/api/needs-attention').expect(200);
    expect(ids(forStranger)).not.toEqual(expect.arrayContaining([shared.id]));
    expect(ids(forStranger)).not.toEqual(expect.arrayContaining([otherSchoolSession.id]));
    await as(platform.gateway, tutorASession).get('/api/needs-attention').expect(403);
    await as(platform.gateway, tutorBSession).get('/api/needs-attention').expect(403);

    // Cleared by an admin of its school, it leaves the queue (the shared session is posted by now: it changes only by amendment).
    const current = await as(platform.gateway, admin).get(`/api/sessions/${otherSchoolSession.id}`).expect(200);
    await as(platform.gateway, admin).patch(`/api/sessions/${otherSchoolSession.id}`).send({ version: current.body.version, needsAttention: false }).expect(200);
    const after = await as(platform.gateway, admin).get('/api/needs-attention').expect(200);
    expect(ids(after)).toEqual([shared.id]);
  });

  /** Every route a guardian or student may call, as they would call it. */
  async function readerResponses(reader: Session): Promise<Response[]> {
    const client = as(platform.gateway, reader);
    const urls = [
      '/api/sessions',
      `/api/sessions/${shared.id}`,
      `/api/sessions?studentId=${child.id}`,
      `/api/sessions?studentId=${otherChild.id}`,
      '/api/sessions?needsAttention=true',
      `/api/sessions?providerId=${tutorA.id}`,
      `/api/sessions/${otherChildSession.id}`,
      '/api/me',
      '/api/district',
    ];
    const responses = await Promise.all(urls.map((url) => client.get(url)));
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    return responses;
  }
});
