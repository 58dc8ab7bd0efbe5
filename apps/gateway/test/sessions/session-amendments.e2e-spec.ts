import { randomBytes } from 'node:crypto';
import { SIGNATURE_MEANING } from '@sessionledger/contracts';
import { postedContentHash } from '@sessionledger/session-rules';
import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent, addWorkOrder, guardianOf } from '../support/session-fixtures';
import { SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

const GOOD_NOTE = 'Sam, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';
const DETENTION = { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] };

interface VersionRow {
  version: number;
  signer_id: string;
  signer_name: string;
  signer_role: string;
  meaning: string;
  signed_at: string;
  reason: string | null;
  content_hash: string;
  snapshot: Record<string, unknown>;
}

describe('Amending posted sessions (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  /** Made through the API, so its state code reaches session-log's school replica. */
  let school: { id: string; stateSchoolCode: string };
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string; stateId: string }[];
  let group: { id: string };
  let workOrder: { id: string };
  let schoolAdmin: TestUser;
  let schoolAdminSession: Session;
  let otherSchoolAdminSession: Session;
  let otherTutorSession: Session;
  let guardianSession: Session;

  /**
   * Ended 45 minutes after it started: the first student missed it (billable),
   * the others attended in detention with a note.
   */
  async function completeSession() {
    const startedAt = new Date(Date.now() - 50 * 60_000);
    const started = await startSession(platform.gateway, tutorSession, {
      service: 'tutoring',
      groupId: group.id,
      workOrderId: workOrder.id,
      startedAt: startedAt.toISOString(),
    });
    for (const p of started.participants) {
      const entry = p.personId === students[0].id ? { attendanceStatus: 'missed_billable' } : { present: true, qualifiers: DETENTION, studentNote: GOOD_NOTE };
      await as(platform.gateway, tutorSession).patch(`/api/sessions/${started.id}/participants/${p.id}`).send({ version: 1, ...entry }).expect(200);
    }
    const ended = await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    return ended.body;
  }

  async function postedSession() {
    const session = await completeSession();
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    return session;
  }

  const amend = (who: Session, sessionId: string, body: Record<string, unknown>) =>
    as(platform.gateway, who)
      .post(`/api/sessions/${sessionId}/amendments`)
      .send({ password: TEST_PASSWORD, ...body });
  const versionsOf = async (sessionId: string, who: Session = admin) => (await as(platform.gateway, who).get(`/api/sessions/${sessionId}/versions`).expect(200)).body.items;
  const versionRows = (sessionId: string) =>
    sessionLogRows<VersionRow>(platform.sessionLog, district.id, 'select * from session_log.session_version where session_id = ? order by version', [sessionId]);
  const outboxOf = (sessionId: string) =>
    sessionLogRows<{ name: string; payload: Record<string, unknown> & { snapshot: Record<string, unknown> } }>(
      platform.sessionLog,
      district.id,
      `select name, payload from session_log.outbox_event where payload->'snapshot'->>'sessionId' = ? order by occurred_at`,
      [sessionId],
    );

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(1);
    admin = await signIn(platform.gateway, district.admin.email);
    const created = await as(platform.gateway, admin)
      .post('/api/schools')
      .send({ name: 'Amendment Elementary', stateSchoolCode: `AM-${randomBytes(3).toString('hex')}` })
      .expect(201);
    school = created.body;
    await waitFor(async () => {
      const rows = await sessionLogRows(platform.sessionLog, district.id, 'select 1 from session_log.school_replica where id = ?', [school.id]);
      return rows.length === 1;
    }, 15_000);

    tutor = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Amy' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const stateId = `TX${randomBytes(4).toString('hex')}${i}`;
        return { ...(await addStudent(platform.gateway, admin, school.id, { stateId })), stateId };
      }),
    );
    group = await addGroup(platform.gateway, admin, school.id, tutor.id, students.map((s) => s.id));
    workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school.id });

    schoolAdmin = await district.user(['school_admin'], { schoolIds: [school.id], name: 'Sal' });
    schoolAdminSession = await signIn(platform.gateway, schoolAdmin.email);
    otherSchoolAdminSession = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [district.schools[0].id] })).email);
    otherTutorSession = await signIn(
      platform.gateway,
      (await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor' })).email,
    );
    guardianSession = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [students[1].id])).email);
  });

  afterAll(() => platform.stop());

  it('signs an amendment as version n+1 with who, when and why, keeps the original exactly as signed, and refuses a stale one', async () => {
    const session = await postedSession();
    const [original] = await versionsOf(session.id);
    const attended = session.participants.find((p: { personId: string }) => p.personId === students[1].id);

    const before = Date.now();
    const amended = await amend(tutorSession, session.id, {
      basedOnVersion: 1,
      reason: '  Sam stepped out for ten minutes  ',
      changes: { session: { description: 'Fractions review' }, adjustedMinutes: 40, participants: [{ participantId: attended.id, timeAwayMinutes: 10 }] },
    }).expect(200);
    const after = Date.now();

    const [v1, v2] = await versionRows(session.id);
    const signedAt = new Date(v2.signed_at);
    expect(signedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(signedAt.getTime()).toBeLessThanOrEqual(after);
    expect(v2).toMatchObject({
      version: 2,
      signer_id: tutor.id,
      signer_name: 'Amy User1',
      signer_role: 'provider',
      meaning: SIGNATURE_MEANING,
      reason: 'Sam stepped out for ten minutes',
    });
    expect(postedContentHash(v2.snapshot)).toBe(v2.content_hash);
    expect(amended.body).toEqual({
      sessionId: session.id,
      version: 2,
      signature: {
        version: 2,
        signerId: tutor.id,
        signerName: 'Amy User1',
        signerRole: 'provider',
        meaning: SIGNATURE_MEANING,
        signedAt: signedAt.toISOString(),
        contentHash: v2.content_hash,
        method: 'password',
        reason: 'Sam stepped out for ten minutes',
      },
    });

    // Version 1 is what it was when signed, and its hash still recomputes.
    expect(v1.content_hash).toBe(original.signature.contentHash);
    const versions = await versionsOf(session.id, tutorSession);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toEqual(original);
    expect(postedContentHash(versions[0].snapshot)).toBe(original.signature.contentHash);
    expect(versions[0].snapshot).toMatchObject({ version: 1, description: null, adjustedMinutes: 45 });
    expect(versions[1].snapshot).toMatchObject({ version: 2, description: 'Fractions review', adjustedMinutes: 40 });
    expect(versions[1].snapshot.participants.find((p: { participantId: string }) => p.participantId === attended.id)).toMatchObject({ timeAwayMinutes: 10, minutes: 35 });
    expect(versions[1].signature.contentHash).not.toBe(versions[0].signature.contentHash);

    const now = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}`).expect(200)).body;
    expect(now).toMatchObject({ posted: { version: 2, at: signedAt.toISOString() }, description: 'Fractions review', adjustedMinutes: 40 });
    const history = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}/history`).expect(200)).body.items;
    expect(history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['posted', 'amended']));
    expect(JSON.stringify(history)).toContain('Sam stepped out for ten minutes');

    const stale = await amend(tutorSession, session.id, { basedOnVersion: 1, reason: 'Based on what I saw first', changes: { adjustedMinutes: 30 } }).expect(409);
    expect(stale.body.code).toBe('SESSION.STALE');
    expect(await versionRows(session.id)).toHaveLength(2);
    expect((await as(platform.gateway, admin).get(`/api/sessions/${session.id}`).expect(200)).body).toEqual(now);
  });

  it('leaves the session as signed when an amendment is refused', async () => {
    const session = await postedSession();
    const attended = session.participants.find((p: { personId: string }) => p.personId === students[1].id);
    const before = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}`).expect(200)).body;
    const signed = await versionsOf(session.id);
    const base = { basedOnVersion: 1, reason: 'Correcting the record' };

    const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field);
    const noReason = await amend(tutorSession, session.id, { basedOnVersion: 1, changes: { adjustedMinutes: 40 } }).expect(400);
    expect(fieldsOf(noReason.body)).toContain('reason');
    const blankReason = await amend(tutorSession, session.id, { basedOnVersion: 1, reason: '      ', changes: { adjustedMinutes: 40 } }).expect(400);
    expect(fieldsOf(blankReason.body)).toContain('reason');
    const nothing = await amend(tutorSession, session.id, { ...base, changes: {} }).expect(400);
    expect(fieldsOf(nothing.body)).toEqual(['changes']);
    const emptySession = await amend(tutorSession, session.id, { ...base, changes: { session: {} } }).expect(400);
    expect(fieldsOf(emptySession.body)).toEqual(['changes']);
    const offStep = await amend(tutorSession, session.id, { ...base, changes: { adjustedMinutes: 37 } }).expect(400);
    expect(fieldsOf(offStep.body)).toEqual(['changes.adjustedMinutes']);
    // Even an admin, who may go beyond the provider's range, stops at a day (as PUT /duration does).
    const huge = await amend(admin, session.id, { ...base, changes: { adjustedMinutes: 100_000 } }).expect(400);
    expect(fieldsOf(huge.body)).toEqual(['changes.adjustedMinutes']);
    const unapprovedEvent = await amend(tutorSession, session.id, { ...base, changes: { session: { familyInvolvement: true } } }).expect(400);
    expect(fieldsOf(unapprovedEvent.body)).toEqual(['changes.session.description']);
    const unknownTag = await amend(tutorSession, session.id, { ...base, changes: { tags: ['no_such_goal'] } }).expect(400);
    expect(fieldsOf(unknownTag.body)).toEqual(['changes.tags']);
    const tooLong = await amend(tutorSession, session.id, { ...base, changes: { adjustedMinutes: 120 } }).expect(403);
    expect(tooLong.body.code).toBe('SESSION.DURATION_NEEDS_ADMIN');
    const stranger = await amend(tutorSession, session.id, {
      ...base,
      changes: { participants: [{ participantId: '01a20000-0000-7000-8000-000000000000', timeAwayMinutes: 5 }] },
    }).expect(400);
    expect(fieldsOf(stranger.body)).toEqual(['changes.participants.0.participantId']);
    const awayTooLong = await amend(tutorSession, session.id, { ...base, changes: { participants: [{ participantId: attended.id, timeAwayMinutes: 60 }] } }).expect(400);
    expect(fieldsOf(awayTooLong.body)).toEqual(['changes.participants.0.timeAwayMinutes']);
    const noNote = await amend(tutorSession, session.id, { ...base, changes: { participants: [{ participantId: attended.id, studentNote: null }] } }).expect(422);
    expect(noNote.body).toMatchObject({ code: 'SESSION.NOT_POSTABLE', details: { problems: [{ code: 'PARTICIPANT.NO_STUDENT_NOTE', participantId: attended.id }] } });
    const wrongPassword = await amend(tutorSession, session.id, { ...base, password: 'not the password', changes: { adjustedMinutes: 40 } }).expect(403);
    expect(wrongPassword.body.code).toBe('SIGNATURE.PASSWORD_INCORRECT');

    expect((await as(platform.gateway, admin).get(`/api/sessions/${session.id}`).expect(200)).body).toEqual(before);
    expect(await versionsOf(session.id)).toEqual(signed);
    expect(await versionRows(session.id)).toHaveLength(1);
    expect((await outboxOf(session.id)).map((e) => e.name)).toEqual(['session-log.session-posted']);
  });

  it('lets an admin of the school amend (signing as school or district admin) and refuses everyone else', async () => {
    const session = await postedSession();
    const change = { basedOnVersion: 1, reason: 'The admin corrected the duration', changes: { adjustedMinutes: 120 } };

    await amend(guardianSession, session.id, change).expect(403);
    await as(platform.gateway, guardianSession).get(`/api/sessions/${session.id}/versions`).expect(403);
    await amend(otherSchoolAdminSession, session.id, change).expect(404);
    await as(platform.gateway, otherSchoolAdminSession).get(`/api/sessions/${session.id}/versions`).expect(404);
    await amend(otherTutorSession, session.id, change).expect(404);
    await as(platform.gateway, otherTutorSession).get(`/api/sessions/${session.id}/versions`).expect(404);
    expect(await versionRows(session.id)).toHaveLength(1);

    // Beyond the provider's range: an admin may, and the amendment's reason is the override's.
    const bySchoolAdmin = await amend(schoolAdminSession, session.id, change).expect(200);
    expect(bySchoolAdmin.body).toMatchObject({ version: 2, signature: { signerId: schoolAdmin.id, signerName: 'Sal User2', signerRole: 'school_admin' } });
    const byDistrictAdmin = await amend(admin, session.id, {
      basedOnVersion: 2,
      reason: 'Tagged the Career Ladder goal',
      changes: { tags: ['student_achievement'] },
    }).expect(200);
    expect(byDistrictAdmin.body).toMatchObject({ version: 3, signature: { signerId: district.admin.id, signerName: 'Ada Admin', signerRole: 'district_admin' } });

    const versions = await versionsOf(session.id, schoolAdminSession);
    expect(versions.map((v: { signature: { signerRole: string; reason: string | null } }) => [v.signature.signerRole, v.signature.reason])).toEqual([
      ['provider', null],
      ['school_admin', 'The admin corrected the duration'],
      ['district_admin', 'Tagged the Career Ladder goal'],
    ]);
    expect(versions[2].snapshot).toMatchObject({ adjustedMinutes: 120, tags: ['student_achievement'], careerLadderGoalTagged: true });
    const now = (await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}`).expect(200)).body;
    expect(now).toMatchObject({ posted: { version: 3 }, adjustedMinutes: 120, durationOverride: { minutes: 120, reason: 'The admin corrected the duration', by: schoolAdmin.id } });
  });

  it('lets only one of two amendments of the same version through at once; the other is stale (409)', async () => {
    const session = await postedSession();
    const racing = await Promise.all([
      amend(tutorSession, session.id, { basedOnVersion: 1, reason: 'The provider’s correction', changes: { adjustedMinutes: 40 } }),
      amend(schoolAdminSession, session.id, { basedOnVersion: 1, reason: 'The admin’s correction', changes: { adjustedMinutes: 35 } }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(racing.find((r) => r.status === 409)!.body.code).toBe('SESSION.STALE');
    const winner = racing.find((r) => r.status === 200)!.body;
    const rows = await versionRows(session.id);
    expect(rows.map((r) => [r.version, r.reason])).toEqual([
      [1, null],
      [2, winner.signature.reason],
    ]);
  });

  it('refuses to amend a session that is not posted (409): it is edited instead', async () => {
    const session = await completeSession();
    const refused = await amend(tutorSession, session.id, { basedOnVersion: 1, reason: 'Too early for this', changes: { adjustedMinutes: 40 } }).expect(409);
    expect(refused.body.code).toBe('SESSION.NOT_POSTED');
    expect(await versionRows(session.id)).toEqual([]);
    expect((await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}`).expect(200)).body).toMatchObject({ posted: null, adjustedMinutes: 45 });
    await as(platform.gateway, tutorSession).put(`/api/sessions/${session.id}/duration`).send({ version: session.version, minutes: 40 }).expect(200);
  });

  it('announces the posting and then the amendment through the outbox, each with the snapshot payroll and state reporting need', async () => {
    const session = await postedSession();
    await amend(tutorSession, session.id, { basedOnVersion: 1, reason: 'Tagged the goal', changes: { tags: ['student_achievement'] } }).expect(200);
    const versions = await versionsOf(session.id);

    const events = await outboxOf(session.id);
    expect(events.map((e) => e.name)).toEqual(['session-log.session-posted', 'session-log.session-amended']);
    const [posted, amended] = events;
    expect(posted.payload).toEqual({ districtId: district.id, snapshot: versions[0].snapshot });
    expect(amended.payload).toEqual({ districtId: district.id, snapshot: versions[1].snapshot, previousVersion: 1, reason: 'Tagged the goal' });
    for (const { payload } of events) expect(postedContentHash(payload.snapshot)).toBe(payload.snapshot.contentHash);

    const common = {
      sessionId: session.id,
      providerId: tutor.id,
      providerName: 'Amy User1',
      schoolId: school.id,
      schoolCode: school.stateSchoolCode,
      service: 'tutoring',
      participantKind: 'student',
      workOrderId: workOrder.id,
      workOrderType: 'tutoring',
      sessionDate: session.sessionDate,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      state: 'ended',
      rawMinutes: 45,
      adjustedMinutes: 45,
    };
    expect(posted.payload.snapshot).toMatchObject({ ...common, version: 1, tags: [], careerLadderGoalTagged: false, signedBy: tutor.id });
    expect(amended.payload.snapshot).toMatchObject({ ...common, version: 2, tags: ['student_achievement'], careerLadderGoalTagged: true, signedBy: tutor.id });

    const participants = amended.payload.snapshot.participants as Record<string, unknown>[];
    expect(participants).toHaveLength(3);
    for (const student of students) {
      const entry = participants.find((p) => p.personId === student.id);
      const expected =
        student.id === students[0].id
          ? { attendanceStatus: 'missed_billable', timeIn: null, timeOut: null, minutes: 0, qualifiers: { ...DETENTION, detention: false, subject: null } }
          : { attendanceStatus: 'attended', timeIn: session.startedAt, timeOut: session.endedAt, minutes: 45, qualifiers: { ...DETENTION, subject: null } };
      expect(entry).toMatchObject({ kind: 'student', stateId: student.stateId, schoolId: school.id, schoolCode: school.stateSchoolCode, timeAwayMinutes: 0, ...expected });
    }
    expect(JSON.stringify(events)).not.toContain('Next, check each answer');
  });

  it('adds a missing work order by amendment, within the assignment window only', async () => {
    /** Posted without a work order (time tracking only), `daysAgo` days back. */
    async function postedWithoutWorkOrder(daysAgo: number) {
      const startedAt = new Date(Date.now() - daysAgo * 86_400_000 - 50 * 60_000);
      const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId: group.id, startedAt: startedAt.toISOString() });
      for (const p of started.participants) {
        await as(platform.gateway, tutorSession)
          .patch(`/api/sessions/${started.id}/participants/${p.id}`)
          .send({ version: 1, present: true, qualifiers: DETENTION, studentNote: GOOD_NOTE })
          .expect(200);
      }
      await as(platform.gateway, tutorSession)
        .post(`/api/sessions/${started.id}/end`)
        .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
        .expect(200);
      await as(platform.gateway, tutorSession).post(`/api/sessions/${started.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
      return started;
    }

    const recent = await postedWithoutWorkOrder(2);
    const amended = await amend(tutorSession, recent.id, { basedOnVersion: 1, reason: 'Work order was missing', changes: { workOrderId: workOrder.id } }).expect(200);
    expect(amended.body.version).toBe(2);
    const [first, second] = await versionsOf(recent.id);
    expect(first.snapshot).toMatchObject({ workOrderId: null, workOrderType: null });
    expect(second.snapshot).toMatchObject({ workOrderId: workOrder.id, workOrderType: 'tutoring' });

    // Another provider's work order does not cover the session.
    const theirs = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: (await district.user(['provider'], { schoolIds: [school.id] })).id, schoolId: school.id });
    const foreign = await postedWithoutWorkOrder(1);
    const refused = await amend(tutorSession, foreign.id, { basedOnVersion: 1, reason: 'Work order was missing', changes: { workOrderId: theirs.id } }).expect(400);
    expect(refused.body.fields.map((f: { field: string }) => f.field)).toEqual(['changes.workOrderId']);

    // Past the district's 7 days the window is closed, by amendment as by edit.
    const old = await postedWithoutWorkOrder(9);
    const late = await amend(tutorSession, old.id, { basedOnVersion: 1, reason: 'Work order was missing', changes: { workOrderId: workOrder.id } }).expect(400);
    expect(late.body.fields.map((f: { field: string }) => f.field)).toEqual(['changes.workOrderId']);
    expect(await versionRows(old.id)).toHaveLength(1);
    expect(await versionRows(foreign.id)).toHaveLength(1);
  });
});
