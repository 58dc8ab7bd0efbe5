import { waitFor } from '@sessionledger/testing';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

const GOOD_NOTE = 'Sam, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';
const UUID = '4b7e2f0a-1f0e-4b7e-9c55-2a6f7e0b1d2c';

interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/*
 * Issue 14, sessions / pay / state reporting: every list answers the one
 * paged shape, takes `updatedSince` (an instant; only what changed at or
 * after it) and keeps one order across pages; posting and amending answer
 * the same status.
 */
describe('API shapes: sessions, pay and state reporting lists', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string }[];
  let group: { id: string };
  let workOrder: { id: string };

  /** The database's clock: what `updated_at` is stamped with. */
  const dbNow = async () => new Date((await sessionLogRows<{ now: Date | string }>(platform.sessionLog, district.id, 'select clock_timestamp() as now'))[0].now).toISOString();

  /** Sessions this file amended: payroll writes their lines in the background. */
  const amendedSessions: string[] = [];

  /** The session's pay lines once payroll has decided `version` (its lines are written in that same transaction). */
  async function payLinesOf(sessionId: string, version: number) {
    let lines: { sessionVersion: number; periodId: string }[] = [];
    await waitFor(async () => {
      const response = await as(platform.gateway, admin).get(`/api/sessions/${sessionId}/pay`);
      lines = response.status === 200 ? response.body.payLines : [];
      return response.status === 200 && response.body.decisions.some((d: { sessionVersion: number }) => d.sessionVersion === version);
    }, 20_000);
    return lines;
  }

  /** Pages of `path` (pageSize 1) walked to the end. */
  async function walk<T>(who: Session, path: string): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const body: Paged<T> = (await as(platform.gateway, who).get(`${path}${path.includes('?') ? '&' : '?'}pageSize=1&page=${page}`).expect(200)).body;
      expect(body).toMatchObject({ page, pageSize: 1 });
      items.push(...body.items);
      if (page >= body.total) return items;
    }
  }

  /** A finished, complete session of the group's four students, 45 minutes, under the Tutoring work order. */
  async function completeSession(startedAt = new Date(Date.now() - 50 * 60_000)) {
    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: startedAt.toISOString() });
    for (const p of started.participants) {
      await as(platform.gateway, tutorSession)
        .patch(`/api/sessions/${started.id}/participants/${p.id}`)
        .send({
          version: 1,
          present: true,
          qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
          studentNote: GOOD_NOTE,
        })
        .expect(200);
    }
    return (
      await as(platform.gateway, tutorSession)
        .post(`/api/sessions/${started.id}/end`)
        .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
        .expect(200)
    ).body;
  }

  beforeAll(async () => {
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    district = await platform.district(2);
    admin = await signIn(platform.gateway, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Tess' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = await Promise.all([0, 1, 2, 3].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    group = await addGroup(platform.gateway, admin, district.schools[0].id, tutor.id, students.map((s) => s.id));
    workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: district.schools[0].id });
  });

  afterAll(() => platform.stop());

  it('refuses a malformed updatedSince on every list, naming it, before any service is asked', async () => {
    const lists: Array<[Session, string]> = [
      [admin, '/api/sessions'],
      [admin, '/api/needs-attention'],
      [admin, '/api/tasks'],
      [tutorSession, '/api/me/tasks'],
      [admin, `/api/sessions/${UUID}/history`],
      [admin, `/api/sessions/${UUID}/versions`],
      [admin, '/api/pay-periods'],
      [admin, `/api/pay-periods/${UUID}/lines`],
      [tutorSession, '/api/me/pay-lines'],
      [admin, '/api/reporting/exports'],
      [admin, `/api/students/${UUID}/disclosures`],
      [admin, '/api/reporting/records'],
      [admin, '/api/reporting/ineligible'],
    ];
    // A word, a date without a time (whose zone would be a guess), a local time without its offset, an impossible day.
    for (const bad of ['yesterday', '2026-09-01', '2026-09-01T10:00:00', '2026-02-30T00:00:00Z']) {
      for (const [who, path] of lists) {
        const response = await as(platform.gateway, who).get(path).query({ updatedSince: bad });
        expect({ path, bad, status: response.status, fields: response.body.fields?.map((f: { field: string }) => f.field) }).toEqual({
          path,
          bad,
          status: 400,
          fields: ['updatedSince'],
        });
      }
    }
  });

  it('posts and amends with the same status (both sign a new version of an existing session), and pages the versions and the trail', async () => {
    const session = await completeSession();
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const beforeAmendment = await dbNow();
    const amended = await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${session.id}/amendments`)
      .send({ password: TEST_PASSWORD, basedOnVersion: 1, reason: 'Ended ten minutes earlier', changes: { adjustedMinutes: 35 } })
      .expect(200);
    expect(amended.body).toMatchObject({ sessionId: session.id, version: 2 });
    amendedSessions.push(session.id);

    const versions: Paged<{ version: number }> = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}/versions`).expect(200)).body;
    expect(versions).toEqual({ items: [expect.objectContaining({ version: 1 }), expect.objectContaining({ version: 2 })], page: 1, pageSize: 50, total: 2 });
    expect((await walk<{ version: number }>(admin, `/api/sessions/${session.id}/versions`)).map((v) => v.version)).toEqual([1, 2]);
    const since = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}/versions`).query({ updatedSince: beforeAmendment }).expect(200)).body;
    expect(since).toMatchObject({ total: 1, items: [{ version: 2 }] });

    const trail: Paged<{ id: string; at: string; action: string }> = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}/history`).expect(200)).body;
    expect(trail.total).toBe(trail.items.length);
    expect(trail.items.map((c) => c.action)).toEqual(expect.arrayContaining(['started', 'ended', 'posted', 'amended']));
    // Oldest first, ties broken by id: the order a sync can resume in; walking page by page gives exactly the same list.
    const sorted = [...trail.items].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    expect(trail.items).toEqual(sorted);
    expect(await walk(admin, `/api/sessions/${session.id}/history`)).toEqual(trail.items);
    const recent = (await as(platform.gateway, admin).get(`/api/sessions/${session.id}/history`).query({ updatedSince: beforeAmendment }).expect(200)).body;
    expect(recent.items.map((c: { action: string }) => c.action)).toEqual(['amended']);
  });

  it('lists the sessions changed since an instant — their own fields or a participant’s — and keeps equal start times in id order across pages', async () => {
    // Three providers start at the same instant: equal sort keys, which only the id can order.
    const startedAt = new Date(Math.floor((Date.now() - 3 * 60 * 60_000) / 60_000) * 60_000).toISOString();
    const providers = await Promise.all([0, 1, 2].map((i) => district.user(['provider'], { schoolIds: [district.schools[1].id], providerKind: 'tutor', name: `Same ${i}` })));
    const sessions = await Promise.all(providers.map(async (p) => startSession(platform.gateway, await signIn(platform.gateway, p.email), { service: 'tutoring', startedAt })));
    const student = await addStudent(platform.gateway, admin, district.schools[1].id);
    const joined = (await as(platform.gateway, admin).post(`/api/sessions/${sessions[1].id}/participants`).send({ studentId: student.id }).expect(201)).body;

    const all = await walk<{ id: string; startedAt: string }>(admin, `/api/sessions?schoolId=${district.schools[1].id}`);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    const sameStart = all.filter((s) => s.startedAt === startedAt).map((s) => s.id);
    expect(sameStart).toEqual(sessions.map((s) => s.id).sort());

    const changedSince = (updatedSince: string) => as(platform.gateway, admin).get('/api/sessions').query({ schoolId: district.schools[1].id, updatedSince }).expect(200);
    const t1 = await dbNow();
    expect((await changedSince(t1)).body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
    await as(platform.gateway, admin).patch(`/api/sessions/${sessions[0].id}`).send({ version: sessions[0].version, description: 'Changed' }).expect(200);
    const afterT1 = (await changedSince(t1)).body;
    expect(afterT1.items.map((s: { id: string }) => s.id)).toEqual([sessions[0].id]);

    const t2 = await dbNow();
    const participant = joined.participants.find((p: { personId: string }) => p.personId === student.id);
    await as(platform.gateway, admin).patch(`/api/sessions/${sessions[1].id}/participants/${participant.id}`).send({ version: participant.version, timeAwayMinutes: 5 }).expect(200);
    const afterT2 = (await changedSince(t2)).body;
    expect(afterT2).toMatchObject({ total: 1, items: [{ id: sessions[1].id }] });
    // The needs-attention queue takes the same filter.
    await as(platform.gateway, admin).patch(`/api/sessions/${sessions[2].id}`).send({ version: sessions[2].version, needsAttention: true }).expect(200);
    const flagged = (await as(platform.gateway, admin).get('/api/needs-attention').query({ updatedSince: t2 }).expect(200)).body;
    expect(flagged).toMatchObject({ total: 1, items: [{ id: sessions[2].id, needsAttention: true }] });
  });

  it('lists the tasks changed since an instant, with when each changed', async () => {
    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId: group.id, startedAt: new Date(Date.now() - 20 * 60_000).toISOString() });
    const since = await dbNow();
    expect((await as(platform.gateway, tutorSession).get('/api/me/tasks').query({ updatedSince: since }).expect(200)).body.total).toBe(0);
    // Everyone's attendance, then the end: the attendance task is done; the notes task (no notes yet) stays open and unchanged.
    for (const p of started.participants) {
      await as(platform.gateway, tutorSession).patch(`/api/sessions/${started.id}/participants/${p.id}`).send({ version: 1, present: true }).expect(200);
    }
    await as(platform.gateway, tutorSession).post(`/api/sessions/${started.id}/end`).send({ version: 1, endedAt: new Date().toISOString() }).expect(200);
    const changed = (await as(platform.gateway, tutorSession).get('/api/me/tasks').query({ updatedSince: since }).expect(200)).body;
    expect(changed).toMatchObject({ total: 1, items: [{ sessionId: started.id, kind: 'attendance', completedAt: expect.any(String) }] });
    expect(changed.items[0].updatedAt >= since).toBe(true);
    const admins = (await as(platform.gateway, admin).get('/api/tasks').query({ updatedSince: since }).expect(200)).body;
    expect(admins.items.map((t: { id: string }) => t.id)).toEqual([changed.items[0].id]);
  });

  it('lists pay periods and pay lines written since an instant', async () => {
    const session = await completeSession(new Date(Date.now() - 2 * 60 * 60_000));
    await as(platform.gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const [first] = await payLinesOf(session.id, 1);
    // Nothing else of this file may still be landing in payroll.
    for (const earlier of amendedSessions) await payLinesOf(earlier, 2);
    const since = await dbNow();
    const periods = (await as(platform.gateway, admin).get('/api/pay-periods').query({ updatedSince: since }).expect(200)).body;
    expect(periods).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
    await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${session.id}/amendments`)
      .send({ password: TEST_PASSWORD, basedOnVersion: 1, reason: 'Ended fifteen minutes earlier', changes: { adjustedMinutes: 30 } })
      .expect(200);
    await payLinesOf(session.id, 2);

    const lines = (await as(platform.gateway, admin).get(`/api/pay-periods/${first.periodId}/lines`).query({ updatedSince: since }).expect(200)).body;
    expect(lines.items.map((l: { sessionVersion: number; kind: string }) => [l.sessionVersion, l.kind]).sort()).toEqual([
      [2, 'payment'],
      [2, 'reversal'],
    ]);
    const mine = (await as(platform.gateway, tutorSession).get('/api/me/pay-lines').query({ updatedSince: since }).expect(200)).body;
    expect(mine.total).toBe(2);
    const changedPeriods = (await as(platform.gateway, admin).get('/api/pay-periods').query({ updatedSince: since }).expect(200)).body;
    expect(changedPeriods).toMatchObject({ total: 1, items: [{ id: first.periodId, updatedAt: expect.any(String) }] });
    expect(changedPeriods.items[0].updatedAt >= since).toBe(true);
  });
});
