import { Response } from 'supertest';
import { as, Session, signIn, TestDistrict } from '../support/gateway-harness';
import { addStudent, guardianOf } from '../support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

const HOUR_MS = 3_600_000;

interface ParticipantRow {
  person_id: string;
  time_in: string | null;
  time_out: string | null;
  present: boolean | null;
  attendance_status: string | null;
}

/** timestamptz columns read raw arrive as text. */
function instant(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function expectInvalid(response: Response, field: string): void {
  expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'REQUEST.INVALID' });
  expect(response.body.fields.map((f: { field: string }) => f.field)).toContain(field);
}

function expectConflict(response: Response, code: string): void {
  expect({ status: response.status, code: response.body.code }).toEqual({ status: 409, code });
}

describe('Sessions: end, duration, cancellations and no-shows (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(2);
    admin = await signIn(platform.gateway, district.admin.email);
  });

  afterAll(() => platform.stop());

  /** A provider has at most one active session, so each scenario gets its own. */
  async function newProvider(of: TestDistrict = district): Promise<{ id: string; session: Session }> {
    const user = await of.user(['provider'], { schoolIds: [of.schools[0].id], providerKind: 'tutor' });
    return { id: user.id, session: await signIn(platform.gateway, user.email) };
  }

  /** Starts an ad hoc session and adds the students one by one; answers the session as it then is. */
  async function sessionWith(provider: Session, studentIds: string[], body: Record<string, unknown>) {
    const started = await startSession(platform.gateway, provider, { service: 'tutoring', ...body });
    let latest = started;
    for (const studentId of studentIds) {
      const added = await as(platform.gateway, provider).post(`/api/sessions/${started.id}/participants`).send({ studentId });
      if (added.status !== 201) throw new Error(`add answered ${added.status}: ${JSON.stringify(added.body)}`);
      latest = added.body;
    }
    return latest;
  }

  function participantRows(districtId: string, sessionId: string): Promise<ParticipantRow[]> {
    return sessionLogRows(platform.sessionLog, districtId, 'select * from session_log.participant where session_id = ? order by added_at, id', [sessionId]);
  }

  function students(count: number, of = district, by = admin) {
    return Promise.all(Array.from({ length: count }, () => addStudent(platform.gateway, by, of.schools[0].id)));
  }

  describe('ending', () => {
    it('times out everyone still in at the end, keeps an earlier time out, and refuses an end before the start or a second end', async () => {
      const provider = await newProvider();
      const [amy, ben, cal] = await students(3);
      const startedAt = minutesAgo(40);
      const running = await sessionWith(provider.session, [amy.id, ben.id, cal.id], { startedAt });
      const benEntry = running.participants.find((p: { personId: string }) => p.personId === ben.id);
      const benOut = minutesAgo(20);
      await as(platform.gateway, provider.session).patch(`/api/sessions/${running.id}/participants/${benEntry.id}`).send({ version: 1, timeOut: benOut }).expect(200);
      // Cal was clocked out later than the end the provider then enters: nobody stays past the end.
      const calEntry = running.participants.find((p: { personId: string }) => p.personId === cal.id);
      await as(platform.gateway, provider.session).patch(`/api/sessions/${running.id}/participants/${calEntry.id}`).send({ version: 1, timeOut: minutesAgo(2) }).expect(200);

      expectInvalid(await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/end`).send({ version: running.version, endedAt: minutesAgo(45) }), 'endedAt');

      const endedAt = minutesAgo(5);
      const ended = await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/end`).send({ version: running.version, endedAt }).expect(200);
      expect(ended.body).toMatchObject({ state: 'ended', endedAt, rawMinutes: 35, adjustedMinutes: 35, version: running.version + 1 });
      const timesOut = Object.fromEntries(ended.body.participants.map((p: { personId: string; timeOut: string }) => [p.personId, p.timeOut]));
      expect(timesOut).toEqual({ [amy.id]: endedAt, [ben.id]: benOut, [cal.id]: endedAt });

      const rows = await participantRows(district.id, running.id);
      expect(rows.map((r) => [r.person_id, instant(r.time_in), instant(r.time_out)])).toEqual([
        [amy.id, startedAt, endedAt],
        [ben.id, startedAt, benOut],
        [cal.id, startedAt, endedAt],
      ]);
      const [session] = await sessionLogRows(platform.sessionLog, district.id, 'select state, ended_at, adjusted_minutes from session_log.session where id = ?', [running.id]);
      expect({ ...session, ended_at: instant(session.ended_at as string) }).toEqual({ state: 'ended', ended_at: endedAt, adjusted_minutes: 35 });

      const again = await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/end`).send({ version: ended.body.version, endedAt: minutesAgo(1) });
      expectConflict(again, 'SESSION.WRONG_STATE');
      const stale = await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/end`).send({ version: running.version, endedAt: minutesAgo(1) });
      expectConflict(stale, 'SESSION.STALE');
      // An ended session is no mistaken start: it stays.
      expectConflict(await as(platform.gateway, provider.session).delete(`/api/sessions/${running.id}`), 'SESSION.WRONG_STATE');
    });

    it('deletes an active session (a mistaken start) with its participants', async () => {
      const provider = await newProvider();
      const [amy] = await students(1);
      const running = await sessionWith(provider.session, [amy.id], { startedAt: minutesAgo(10) });
      const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [amy.id])).email);
      await as(platform.gateway, guardian).delete(`/api/sessions/${running.id}`).expect(403);
      await as(platform.gateway, (await newProvider()).session).delete(`/api/sessions/${running.id}`).expect(404);

      const deleted = await as(platform.gateway, provider.session).delete(`/api/sessions/${running.id}`).expect(200);
      expect(deleted.body).toEqual({ deleted: true });
      await as(platform.gateway, provider.session).get(`/api/sessions/${running.id}`).expect(404);
      expect(await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.session where id = ?', [running.id])).toEqual([]);
      expect(await participantRows(district.id, running.id)).toEqual([]);
      // The provider is free to start again.
      await startSession(platform.gateway, provider.session, { service: 'tutoring', startedAt: minutesAgo(1) });
    });
  });

  describe('duration', () => {
    it('lets the provider adjust in 5-minute steps between 15 and planned + 30; beyond that only an admin, with a reason, audited', async () => {
      const provider = await newProvider();
      const [amy] = await students(1);
      const startedAt = minutesAgo(62);
      const running = await sessionWith(provider.session, [amy.id], { startedAt, plannedMinutes: 60 });
      const put = (who: Session, body: Record<string, unknown>) => as(platform.gateway, who).put(`/api/sessions/${running.id}/duration`).send(body);

      expectConflict(await put(provider.session, { version: running.version, minutes: 60 }), 'SESSION.WRONG_STATE');
      const endedAt = minutesAgo(1, Date.parse(startedAt) + 62 * 60_000);
      const ended = await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/end`).send({ version: running.version, endedAt }).expect(200);
      expect(ended.body).toMatchObject({ rawMinutes: 61, plannedMinutes: 60, adjustedMinutes: 60, durationOverride: null });
      let version: number = ended.body.version;

      expectInvalid(await put(provider.session, { version, minutes: 17 }), 'minutes');
      for (const minutes of [10, 95]) {
        const refused = await put(provider.session, { version, minutes, reason: 'Ran long' });
        expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'SESSION.DURATION_NEEDS_ADMIN' });
      }
      const adjusted = await put(provider.session, { version, minutes: 90 }).expect(200);
      expect(adjusted.body).toMatchObject({ rawMinutes: 61, adjustedMinutes: 90, durationOverride: null, version: version + 1 });
      version = adjusted.body.version;

      // Admins too stay on the 5-minute steps, and must say why they leave the range.
      expectInvalid(await put(admin, { version, minutes: 17, reason: 'Field trip ran long' }), 'minutes');
      expectInvalid(await put(admin, { version, minutes: 120 }), 'reason');
      expectInvalid(await put(admin, { version, minutes: 10 }), 'reason');
      const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [amy.id])).email);
      await put(guardian, { version, minutes: 120, reason: 'Field trip ran long' }).expect(403);
      const otherSchoolAdmin = await signIn(platform.gateway, (await district.user(['school_admin'], { schoolIds: [district.schools[1].id] })).email);
      await put(otherSchoolAdmin, { version, minutes: 120, reason: 'Field trip ran long' }).expect(404);

      const overridden = await put(admin, { version, minutes: 120, reason: 'Field trip ran long' }).expect(200);
      expect(overridden.body).toMatchObject({
        rawMinutes: 61,
        adjustedMinutes: 120,
        durationOverride: { minutes: 120, reason: 'Field trip ran long', by: district.admin.id, at: expect.any(String) },
        version: version + 1,
      });

      const [row] = await sessionLogRows<Record<string, unknown>>(
        platform.sessionLog,
        district.id,
        'select started_at, ended_at, planned_minutes, adjusted_minutes, duration_override_reason, duration_override_by from session_log.session where id = ?',
        [running.id],
      );
      // The clock's minutes stay as run (start and end untouched) beside the adjusted ones.
      expect([instant(row.started_at as string), instant(row.ended_at as string)]).toEqual([startedAt, endedAt]);
      expect(row).toMatchObject({ planned_minutes: 60, adjusted_minutes: 120, duration_override_reason: 'Field trip ran long', duration_override_by: district.admin.id });

      const history = await as(platform.gateway, admin).get(`/api/sessions/${running.id}/history`).expect(200);
      const durationChanges = history.body.items.filter((c: { action: string }) => c.action.startsWith('duration-'));
      expect(durationChanges).toEqual([
        expect.objectContaining({ action: 'duration-adjusted', actorId: provider.id, detail: expect.objectContaining({ from: 60, to: 90 }) }),
        expect.objectContaining({ action: 'duration-overridden', actorId: district.admin.id, detail: expect.objectContaining({ from: 90, to: 120, reason: 'Field trip ran long' }) }),
      ]);
      const reread = await as(platform.gateway, provider.session).get(`/api/sessions/${running.id}`).expect(200);
      expect(reread.body).toMatchObject({ rawMinutes: 61, adjustedMinutes: 120, durationOverride: { minutes: 120, reason: 'Field trip ran long' } });
    });
  });

  describe('cancellations and no-shows', () => {
    /** Starts a session now with the students; the notice is counted back from this start. */
    async function cancelled(provider: Session, studentIds: string[], noticeHours: number, reason?: string) {
      const running = await sessionWith(provider, studentIds, { startedAt: new Date().toISOString() });
      const cancelledAt = new Date(Date.parse(running.startedAt) - noticeHours * HOUR_MS).toISOString();
      const response = await as(platform.gateway, provider)
        .post(`/api/sessions/${running.id}/cancel`)
        .send({ version: running.version, cancelledAt, ...(reason ? { reason } : {}) });
      return { running, response };
    }

    it('makes a cancellation with at least the notice window non-billable, a later one billable, for every participant', async () => {
      const provider = await newProvider();
      const [amy, ben] = await students(2);

      const early = await cancelled(provider.session, [amy.id, ben.id], 25, 'Family trip');
      expect(early.response.status).toBe(200);
      expect(early.response.body).toMatchObject({ state: 'cancelled', cancelReason: 'Family trip', adjustedMinutes: null });
      expect(early.response.body.participants.map((p: { attendanceStatus: string; present: boolean }) => [p.attendanceStatus, p.present])).toEqual([
        ['cancelled_nonbillable', false],
        ['cancelled_nonbillable', false],
      ]);
      expect((await participantRows(district.id, early.running.id)).map((r) => [r.person_id, r.attendance_status, r.present, r.time_in])).toEqual([
        [amy.id, 'cancelled_nonbillable', false, null],
        [ben.id, 'cancelled_nonbillable', false, null],
      ]);
      const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select state, cancel_reason from session_log.session where id = ?', [early.running.id]);
      expect(row).toEqual({ state: 'cancelled', cancel_reason: 'Family trip' });
      const twice = await as(platform.gateway, provider.session)
        .post(`/api/sessions/${early.running.id}/cancel`)
        .send({ version: early.response.body.version, cancelledAt: minutesAgo(1) });
      expectConflict(twice, 'SESSION.WRONG_STATE');

      const late = await cancelled(provider.session, [amy.id, ben.id], 2);
      expect(late.response.status).toBe(200);
      expect((await participantRows(district.id, late.running.id)).map((r) => [r.person_id, r.attendance_status, r.present])).toEqual([
        [amy.id, 'cancelled_billable', false],
        [ben.id, 'cancelled_billable', false],
      ]);
    });

    it('applies the district’s own notice window once it reaches session-log: 25 hours is short of 48', async () => {
      const strict = await platform.district(1);
      const strictAdmin = await signIn(platform.gateway, strict.admin.email);
      const current = await as(platform.gateway, strictAdmin).get('/api/district').expect(200);
      const updated = await as(platform.gateway, strictAdmin)
        .patch('/api/district')
        .send({ version: current.body.version, settings: { cancellationNoticeHours: 48 } })
        .expect(200);
      await replicated(platform.sessionLog, strict.id, updated.body.version);

      const provider = await newProvider(strict);
      const [amy] = await students(1, strict, strictAdmin);
      const short = await cancelled(provider.session, [amy.id], 25);
      expect(short.response.status).toBe(200);
      expect((await participantRows(strict.id, short.running.id)).map((r) => r.attendance_status)).toEqual(['cancelled_billable']);
      const enough = await cancelled(provider.session, [amy.id], 49);
      expect(enough.response.status).toBe(200);
      expect((await participantRows(strict.id, enough.running.id)).map((r) => r.attendance_status)).toEqual(['cancelled_nonbillable']);
    });

    it('marks every participant of a no-show missed_billable and not present', async () => {
      const provider = await newProvider();
      const [amy, ben] = await students(2);
      const running = await sessionWith(provider.session, [amy.id, ben.id], { startedAt: minutesAgo(30), plannedMinutes: 30 });
      const amyEntry = running.participants.find((p: { personId: string }) => p.personId === amy.id);
      await as(platform.gateway, provider.session).patch(`/api/sessions/${running.id}/participants/${amyEntry.id}`).send({ version: 1, present: true }).expect(200);

      const stale = await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/no-show`).send({ version: running.version + 1 });
      expectConflict(stale, 'SESSION.STALE');
      const noShow = await as(platform.gateway, provider.session).post(`/api/sessions/${running.id}/no-show`).send({ version: running.version }).expect(200);
      expect(noShow.body).toMatchObject({ state: 'ended', version: running.version + 1 });
      expect(noShow.body.participants.map((p: { attendanceStatus: string; present: boolean }) => [p.attendanceStatus, p.present])).toEqual([
        ['missed_billable', false],
        ['missed_billable', false],
      ]);
      expect((await participantRows(district.id, running.id)).map((r) => [r.person_id, r.attendance_status, r.present, r.time_in])).toEqual([
        [amy.id, 'missed_billable', false, null],
        [ben.id, 'missed_billable', false, null],
      ]);

      const empty = await startSession(platform.gateway, (await newProvider()).session, { service: 'tutoring', startedAt: minutesAgo(5) });
      const nobody = await as(platform.gateway, admin).post(`/api/sessions/${empty.id}/no-show`).send({ version: empty.version });
      expectConflict(nobody, 'SESSION.NO_PARTICIPANTS');
    });
  });
});
