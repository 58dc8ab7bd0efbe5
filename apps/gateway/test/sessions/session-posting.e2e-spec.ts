import request from 'supertest';
import { SIGNATURE_MEANING } from '@sessionledger/contracts';
import { postedContentHash } from '@sessionledger/session-rules';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from '../support/session-fixtures';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

const GOOD_NOTE = 'Sam, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';
const DAY = 24 * 60 * 60_000;

/*
 * Failed sign-ins count against the client address (LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
 * 50 per file's Redis prefix; signatures do not): this file stays well under it.
 */
describe('Posting with an e-signature (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string }[];
  let group: { id: string };
  let workOrder: { id: string };

  interface CompleteOptions {
    provider?: Session;
    groupId?: string;
    workOrderId?: string | null;
    /** When it started; it ran 45 minutes. */
    startedAt?: Date;
    /** Extra fields for every participant (notes). */
    entry?: Record<string, unknown>;
  }

  /** A finished, complete session of four detention students under a Tutoring work order. */
  async function completeSession(options: CompleteOptions = {}) {
    const provider = options.provider ?? tutorSession;
    const startedAt = options.startedAt ?? new Date(Date.now() - 50 * 60_000);
    const workOrderId = options.workOrderId === undefined ? workOrder.id : options.workOrderId;
    const started = await startSession(platform.gateway, provider, {
      service: 'tutoring',
      groupId: options.groupId ?? group.id,
      ...(workOrderId ? { workOrderId } : {}),
      startedAt: startedAt.toISOString(),
    });
    for (const p of started.participants) {
      await as(platform.gateway, provider)
        .patch(`/api/sessions/${started.id}/participants/${p.id}`)
        .send({
          version: 1,
          present: true,
          qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
          studentNote: GOOD_NOTE,
          ...options.entry,
        })
        .expect(200);
    }
    const ended = await as(platform.gateway, provider)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    return ended.body;
  }

  const versionRows = (sessionId: string) =>
    sessionLogRows<{ version: number }>(platform.sessionLog, district.id, 'select version from session_log.session_version where session_id = ? order by version', [sessionId]);
  const outboxNames = async (sessionId: string) =>
    (
      await sessionLogRows<{ name: string }>(
        platform.sessionLog,
        district.id,
        `select name from session_log.outbox_event where payload->'snapshot'->>'sessionId' = ? order by occurred_at`,
        [sessionId],
      )
    ).map((row) => row.name);
  const postedOf = async (sessionId: string) => (await as(platform.gateway, admin).get(`/api/sessions/${sessionId}`).expect(200)).body.posted;

  beforeAll(async () => {
    // Batches of 2: the bulk post below (5 sessions in range) takes three bus commands, so the cursor is exercised.
    platform = await startSessionPlatform({ sessionLogEnv: { BULK_POST_BATCH_SIZE: '2' } });
    district = await platform.district(2);
    admin = await signIn(platform.gateway, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Tess' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = await Promise.all([0, 1, 2, 3].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    group = await addGroup(platform.gateway, admin, district.schools[0].id, tutor.id, students.map((s) => s.id));
    workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
  });

  afterAll(() => platform.stop());

  it('posts a complete session with the password, binds a hash that recomputes, freezes it, and announces it', async () => {
    const session = await completeSession();
    const posted = await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    expect(posted.body).toMatchObject({
      sessionId: session.id,
      version: 1,
      signature: { version: 1, signerId: tutor.id, signerRole: 'provider', meaning: SIGNATURE_MEANING, reason: null },
    });

    const versions = await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}/versions`).expect(200);
    expect(versions.body).toMatchObject({ page: 1, pageSize: 50, total: 1 });
    expect(postedContentHash(versions.body.items[0].snapshot)).toBe(posted.body.signature.contentHash);
    expect(versions.body.items[0].snapshot.participants).toHaveLength(4);
    expect(JSON.stringify(versions.body.items[0].snapshot)).not.toContain('Next, check each answer');

    await as(platform.gateway, tutorSession).patch(`/api/sessions/${session.id}`).send({ version: session.version, description: 'x' }).expect(409);
    await expect(
      sessionLogRows(platform.sessionLog, district.id, `update session_log.session set description = 'tampered' where id = ?`, [session.id]),
    ).rejects.toThrow(/posted/);

    const outbox = await sessionLogRows<{ name: string; payload: { snapshot: { contentHash: string } } }>(
      platform.sessionLog,
      district.id,
      `select name, payload from session_log.outbox_event where payload->'snapshot'->>'sessionId' = ?`,
      [session.id],
    );
    expect(outbox.map((e) => e.name)).toEqual(['session-log.session-posted']);
    expect(outbox[0].payload.snapshot.contentHash).toBe(posted.body.signature.contentHash);
  });

  it('amends a posted session into version 2 and keeps version 1 readable', async () => {
    const session = await completeSession();
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const amended = await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${session.id}/amendments`)
      .send({ password: TEST_PASSWORD, basedOnVersion: 1, reason: 'Ended ten minutes earlier', changes: { adjustedMinutes: 35 } })
      // Signing a new version of an existing session, like posting: 200, not 201.
      .expect(200);
    expect(amended.body).toMatchObject({ version: 2, signature: { reason: 'Ended ten minutes earlier' } });
    const versions = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}/versions`).expect(200)).body.items;
    expect(versions.map((v: { snapshot: { adjustedMinutes: number } }) => v.snapshot.adjustedMinutes)).toEqual([45, 35]);
  });

  it('lets only the session’s own provider sign, records who, as what, what they attest, when and the hash, and keeps every note out', async () => {
    const session = await completeSession({
      entry: { studentNote: `${GOOD_NOTE} CANARY-STUDENT-NOTE`, clientNote: 'CANARY-CLIENT-NOTE', adminNote: 'CANARY-ADMIN-NOTE' },
    });
    const otherTutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    // A provider who also administers the school sees the session, but it is not theirs to sign.
    const providerAdmin = await district.user(['provider', 'school_admin'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const providerAdminSession = await signIn(platform.gateway, providerAdmin.email);
    await as(platform.gateway, providerAdminSession).get(`/api/sessions/${session.id}`).expect(200);

    await as(platform.gateway, admin).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(403);
    const stranger = await as(platform.gateway, await signIn(platform.gateway, otherTutor.email))
      .post(`/api/sessions/${session.id}/post`)
      .send({ password: TEST_PASSWORD })
      .expect(404);
    expect(stranger.body.code).toBe('SESSION.NOT_FOUND');
    const notSigner = await as(platform.gateway, providerAdminSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(403);
    expect(notSigner.body.code).toBe('SESSION.NOT_SIGNER');
    const elsewhere = await platform.district(1);
    const foreignTutor = await elsewhere.user(['provider'], { schoolIds: [elsewhere.schools[0].id], providerKind: 'tutor' });
    await as(platform.gateway, await signIn(platform.gateway, foreignTutor.email)).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(404);
    expect(await versionRows(session.id)).toEqual([]);
    expect(await postedOf(session.id)).toBeNull();

    const before = Date.now();
    const posted = await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const after = Date.now();

    const [row] = await sessionLogRows<{
      version: number;
      signer_id: string;
      signer_name: string;
      signer_role: string;
      meaning: string;
      signed_at: string;
      reason: string | null;
      content_hash: string;
      snapshot: Record<string, unknown>;
    }>(platform.sessionLog, district.id, 'select * from session_log.session_version where session_id = ?', [session.id]);
    expect(row).toMatchObject({
      version: 1,
      signer_id: tutor.id,
      signer_name: 'Tess User1',
      signer_role: 'provider',
      meaning: 'I attest that this service was provided as documented',
      reason: null,
    });
    const signedAt = new Date(row.signed_at);
    expect(signedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(signedAt.getTime()).toBeLessThanOrEqual(after);
    expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(postedContentHash(row.snapshot)).toBe(row.content_hash);
    expect(row.snapshot).toMatchObject({ contentHash: row.content_hash, signedBy: tutor.id, signedAt: signedAt.toISOString(), version: 1 });
    expect(posted.body.signature).toEqual({
      version: 1,
      signerId: tutor.id,
      signerName: 'Tess User1',
      signerRole: 'provider',
      meaning: SIGNATURE_MEANING,
      signedAt: signedAt.toISOString(),
      contentHash: row.content_hash,
      method: 'password',
      reason: null,
    });

    // Notes stay in session-log: neither the stored snapshot nor the event carries any of them.
    const [event] = await sessionLogRows<{ payload: unknown }>(
      platform.sessionLog,
      district.id,
      `select payload from session_log.outbox_event where name = 'session-log.session-posted' and payload->'snapshot'->>'sessionId' = ?`,
      [session.id],
    );
    for (const carried of [row.snapshot, event.payload]) {
      expect(JSON.stringify(carried)).not.toMatch(/CANARY|Next, check each answer/);
    }
    // …while the session itself still has them (the canaries were really planted).
    const full = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}`).expect(200)).body;
    expect(full.participants[0]).toMatchObject({ clientNote: 'CANARY-CLIENT-NOTE', adminNote: 'CANARY-ADMIN-NOTE' });
    expect(full.posted).toEqual({ version: 1, at: signedAt.toISOString() });
    const own = (await as(platform.gateway, tutorSession).get(`/api/sessions/${session.id}`).expect(200)).body;
    expect(own.posted).toEqual({ version: 1, at: signedAt.toISOString() });

    const again = await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(409);
    expect(again.body.code).toBe('SESSION.ALREADY_POSTED');
    expect(await versionRows(session.id)).toEqual([{ version: 1 }]);
    expect(await outboxNames(session.id)).toEqual(['session-log.session-posted']);
  });

  it('applies no signature with a wrong password: 403, no signed version, no event', async () => {
    const session = await completeSession();
    const refused = await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: 'not the password' }).expect(403);
    expect(refused.body.code).toBe('SIGNATURE.PASSWORD_INCORRECT');
    expect(await versionRows(session.id)).toEqual([]);
    expect(await outboxNames(session.id)).toEqual([]);
    expect(await postedOf(session.id)).toBeNull();
  });

  /** A provider of their own, signed in, with a complete session only they may sign. */
  async function ownSigner() {
    const signer = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const signerSession = await signIn(platform.gateway, signer.email);
    const signerGroup = await addGroup(platform.gateway, admin, district.schools[0].id, signer.id, [students[0].id]);
    const session = await completeSession({ provider: signerSession, groupId: signerGroup.id, workOrderId: null });
    // The session itself could be posted: any refusal below is a throttle's.
    expect((await as(platform.gateway, signerSession).get(`/api/sessions/${session.id}/audit`).expect(200)).body.problems).toEqual([]);
    return { signer, signerSession, session };
  }
  const login = (email: string, password: string) => request(platform.gateway.getHttpServer()).post('/api/auth/login').send({ email, password });

  it('throttles repeated wrong signature passwords with their own counter (429 with Retry-After), even when the right one follows', async () => {
    const { signer, signerSession, session } = await ownSigner();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await as(platform.gateway, signerSession).post(`/api/sessions/${session.id}/post`).send({ password: `guess ${attempt}` }).expect(403);
    }
    const throttled = await as(platform.gateway, signerSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(429);
    expect(throttled.body.code).toBe('SIGNATURE.THROTTLED');
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await versionRows(session.id)).toEqual([]);
    expect(await postedOf(session.id)).toBeNull();
    // Mistyped signatures do not hold back signing in.
    await login(signer.email, TEST_PASSWORD).expect(200);
  });

  it('signs with the right password while sign-in is throttled: failed sign-ins never block a signature', async () => {
    const { signer, signerSession, session } = await ownSigner();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(signer.email, `guess ${attempt}`).expect(401);
    expect((await login(signer.email, TEST_PASSWORD).expect(429)).body.code).toBe('AUTH.ACCOUNT_THROTTLED');
    await as(platform.gateway, signerSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    expect(await versionRows(session.id)).toEqual([{ version: 1 }]);
  });

  it('refuses an incomplete session with 422 and exactly the problems its audit view lists, and leaves it unposted', async () => {
    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: minutesAgo(30) });
    const [first] = started.participants;
    await as(platform.gateway, tutorSession)
      .patch(`/api/sessions/${started.id}/participants/${first.id}`)
      .send({ version: 1, present: true, qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] } })
      .expect(200);
    const audit = (await as(platform.gateway, tutorSession).get(`/api/sessions/${started.id}/audit`).expect(200)).body;
    expect(audit.problems.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['SESSION.NOT_ENDED', 'PARTICIPANT.NO_STUDENT_NOTE']));

    const refused = await as(platform.gateway, tutorSession).post(`/api/sessions/${started.id}/post`).send({ password: TEST_PASSWORD }).expect(422);
    expect(refused.body.code).toBe('SESSION.NOT_POSTABLE');
    expect(refused.body.details.problems).toEqual(audit.problems);
    expect(await versionRows(started.id)).toEqual([]);
    expect(await outboxNames(started.id)).toEqual([]);
    const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select state, posted_version, posted_at from session_log.session where id = ?', [started.id]);
    expect(row).toEqual({ state: 'active', posted_version: null, posted_at: null });
    // Still an ordinary draft: it can be deleted (and the tutor may start the next one).
    await as(platform.gateway, tutorSession).delete(`/api/sessions/${started.id}`).expect(200);
  });

  it('refuses every edit route of a posted session (409), and the database refuses direct changes to it and to its signature', async () => {
    const session = await completeSession();
    const extra = await addStudent(platform.gateway, admin, district.schools[0].id);
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const before = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}`).expect(200)).body;
    const p = before.participants[0];
    const v = before.version;
    const http = as(platform.gateway, tutorSession);
    const url = `/api/sessions/${session.id}`;

    const attempts: [string, () => request.Test][] = [
      ['PATCH session', () => http.patch(url).send({ version: v, description: 'Changed after posting' })],
      ['end', () => http.post(`${url}/end`).send({ version: v, endedAt: minutesAgo(1) })],
      ['cancel', () => http.post(`${url}/cancel`).send({ version: v, cancelledAt: minutesAgo(60) })],
      ['no-show', () => http.post(`${url}/no-show`).send({ version: v })],
      ['duration', () => http.put(`${url}/duration`).send({ version: v, minutes: 40 })],
      ['tags', () => http.put(`${url}/tags`).send({ version: v, tags: ['student_achievement'] })],
      ['work-order', () => http.put(`${url}/work-order`).send({ version: v, workOrderId: workOrder.id })],
      ['coaching-log', () => http.put(`${url}/coaching-log`).send({ version: v, values: {} })],
      ['add participant', () => http.post(`${url}/participants`).send({ studentId: extra.id })],
      ['PATCH participant', () => http.patch(`${url}/participants/${p.id}`).send({ version: p.version, timeAwayMinutes: 5 })],
      ['DELETE participant', () => http.delete(`${url}/participants/${p.id}`)],
      ['DELETE session', () => http.delete(url)],
      // An admin of the school is refused the same way.
      ['PATCH session (admin)', () => as(platform.gateway, admin).patch(url).send({ version: v, description: 'Changed after posting' })],
    ];
    for (const [route, attempt] of attempts) {
      const response = await attempt();
      expect({ route, status: response.status, code: response.body.code }).toEqual({ route, status: 409, code: 'SESSION.POSTED' });
    }
    expect((await as(platform.gateway, admin).get(url).expect(200)).body).toEqual(before);

    // Under the service's own database role: the triggers, not only the code, hold the line.
    const refusals: [string, unknown[], RegExp][] = [
      [`update session_log.session set adjusted_minutes = 90 where id = ?`, [session.id], /is posted/],
      [`delete from session_log.session where id = ?`, [session.id], /is posted/],
      [`update session_log.participant set student_note = 'rewritten' where id = ?`, [p.id], /is posted/],
      [`delete from session_log.participant where id = ?`, [p.id], /is posted/],
      [insertParticipant, [session.id], /is posted/],
      [`update session_log.session_version set reason = 'rewritten' where session_id = ?`, [session.id], /cannot change/],
      [`delete from session_log.session_version where session_id = ?`, [session.id], /cannot change/],
    ];
    for (const [sql, params, message] of refusals) {
      await expect(sessionLogRows(platform.sessionLog, district.id, sql, params)).rejects.toThrow(message);
    }
    expect((await as(platform.gateway, admin).get(url).expect(200)).body).toEqual(before);
    expect(await versionRows(session.id)).toEqual([{ version: 1 }]);

    // The same statements go through on a session that is not posted: it is posting that stops them.
    const unposted = await completeSession();
    await sessionLogRows(platform.sessionLog, district.id, insertParticipant, [unposted.id]);
    await sessionLogRows(platform.sessionLog, district.id, `update session_log.session set adjusted_minutes = 90 where id = ?`, [unposted.id]);
    const [changed] = await sessionLogRows<{ adjusted_minutes: number; participants: string }>(
      platform.sessionLog,
      district.id,
      'select adjusted_minutes, (select count(*) from session_log.participant where session_id = s.id) as participants from session_log.session s where id = ?',
      [unposted.id],
    );
    expect(changed).toEqual({ adjusted_minutes: 90, participants: '5' });
  });

  describe('bulk post', () => {
    it('posts each complete session of the range with its own signature, lists the incomplete ones with their problems, and touches nothing else', async () => {
      const bulkTutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
      const bulkSession = await signIn(platform.gateway, bulkTutor.email);
      const bulkGroup = await addGroup(platform.gateway, admin, district.schools[0].id, bulkTutor.id, students.slice(0, 2).map((s) => s.id));
      const bulkOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: bulkTutor.id, schoolId: district.schools[0].id });
      const daysAgo = (days: number, minutes = 0) => new Date(Date.now() - days * DAY - (60 + minutes) * 60_000);
      const own = { provider: bulkSession, groupId: bulkGroup.id, workOrderId: bulkOrder.id };

      const complete = [
        await completeSession({ ...own, startedAt: daysAgo(3) }),
        await completeSession({ ...own, startedAt: daysAgo(2) }),
        await completeSession({ ...own, startedAt: daysAgo(1) }),
      ];
      // Ended, but one student has no note; and one still running.
      const missingNote = await completeSession({ ...own, startedAt: daysAgo(2, 120), entry: { studentNote: null } });
      const outside = await completeSession({ ...own, startedAt: daysAgo(5) });
      const running = await startSession(platform.gateway, bulkSession, { service: 'tutoring', groupId: bulkGroup.id, startedAt: daysAgo(1, 120).toISOString() });
      const othersInRange = await completeSession({ startedAt: daysAgo(2) });
      const from = complete[0].sessionDate;
      const to = complete[2].sessionDate;
      expect([missingNote.sessionDate, running.sessionDate].every((date) => date >= from && date <= to)).toBe(true);
      expect(outside.sessionDate < from).toBe(true);
      const everyone = [...complete, missingNote, running, outside, othersInRange];
      const audits = await Promise.all(
        [missingNote, running].map(async (s) => (await as(platform.gateway, bulkSession).get(`/api/sessions/${s.id}/audit`).expect(200)).body.problems),
      );
      expect(audits.every((problems) => problems.length > 0)).toBe(true);

      const wrong = await as(platform.gateway, bulkSession).post('/api/sessions/bulk-post').send({ password: 'not the password', from, to }).expect(403);
      expect(wrong.body.code).toBe('SIGNATURE.PASSWORD_INCORRECT');
      const backwards = await as(platform.gateway, bulkSession).post('/api/sessions/bulk-post').send({ password: TEST_PASSWORD, from: to, to: from }).expect(400);
      expect(backwards.body.fields).toEqual([{ field: 'to', problems: [expect.any(String)] }]);
      for (const s of everyone) expect(await versionRows(s.id)).toEqual([]);

      const reply = (await as(platform.gateway, bulkSession).post('/api/sessions/bulk-post').send({ password: TEST_PASSWORD, from, to }).expect(200)).body;
      expect(reply.posted.map((p: { sessionId: string }) => p.sessionId).sort()).toEqual(complete.map((s) => s.id).sort());
      expect(reply.posted.every((p: { version: number; signature: { signerId: string; signerRole: string } }) => p.version === 1 && p.signature.signerId === bulkTutor.id && p.signature.signerRole === 'provider')).toBe(true);
      expect(new Set(reply.posted.map((p: { signature: { contentHash: string } }) => p.signature.contentHash)).size).toBe(3);
      expect(reply.incomplete).toEqual(
        expect.arrayContaining([
          { sessionId: missingNote.id, sessionDate: missingNote.sessionDate, problems: audits[0] },
          { sessionId: running.id, sessionDate: running.sessionDate, problems: audits[1] },
        ]),
      );
      expect(reply.incomplete).toHaveLength(2);

      for (const s of complete) {
        const [row] = await sessionLogRows<{ version: number; content_hash: string; snapshot: object }>(
          platform.sessionLog,
          district.id,
          'select version, content_hash, snapshot from session_log.session_version where session_id = ?',
          [s.id],
        );
        expect(row.version).toBe(1);
        expect(postedContentHash(row.snapshot)).toBe(row.content_hash);
        expect(reply.posted.find((p: { sessionId: string }) => p.sessionId === s.id).signature.contentHash).toBe(row.content_hash);
        expect(await outboxNames(s.id)).toEqual(['session-log.session-posted']);
        expect(await postedOf(s.id)).toMatchObject({ version: 1 });
      }
      for (const s of [missingNote, running, outside, othersInRange]) {
        expect(await versionRows(s.id)).toEqual([]);
        expect(await postedOf(s.id)).toBeNull();
      }
    });
  });
});

/** A participant row copied from one of the session's own, for a new person: valid in every way but the session being posted. */
const insertParticipant = `
  insert into session_log.participant (id, district_id, session_id, kind, person_id, name, school_id, time_in, time_out, added_by)
  select gen_random_uuid(), district_id, session_id, kind, gen_random_uuid(), 'Slipped In', school_id, time_in, time_out, added_by
  from session_log.participant where session_id = ? limit 1`;
