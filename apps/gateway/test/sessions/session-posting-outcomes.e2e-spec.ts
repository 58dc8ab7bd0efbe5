import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { StateReportingModule } from '../../../state-reporting/src/state-reporting.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent, addWorkOrder, guardianOf } from '../support/session-fixtures';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

const GOOD_NOTE = 'You read the whole passage with fewer stops today. Your phrasing sounded natural. Next, try the longer story on your own. Read ten minutes each night.';
const NO_QUALIFIER = { homebound: false, detention: false, creditRecovery: false, remedial: false, remedialCriteria: [] };
const DETENTION = { ...NO_QUALIFIER, detention: true };
const REMEDIAL = { ...NO_QUALIFIER, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' };

interface ParticipantBody {
  id: string;
  personId: string;
}
interface SessionBody {
  id: string;
  version: number;
  sessionDate: string;
  participants: ParticipantBody[];
}
interface BillableLine {
  studentId: string;
  kind: string;
  sessionVersion: number;
  minutes: number;
  units: number;
  reversesLineId: string | null;
  id: string;
}

/** The export's CSV as rows keyed by column (the cells these sessions produce hold no quotes, commas or line breaks). */
function csvRows(text: string): Record<string, string>[] {
  expect(text).not.toContain('"');
  const [header, ...lines] = text.split('\r\n').filter((line) => line !== '');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell])));
}

/**
 * What posting and amending lead to downstream, on the whole platform path:
 * HTTP into the gateway, session-log's outbox relayed to payroll and state
 * reporting over BullMQ, and each effect read back through the API.
 */
describe('Posting outcomes: Career Ladder without a goal, and removing a participant by amendment', () => {
  let platform: SessionPlatform;
  let stateReporting: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let school: { id: string; stateSchoolCode: string };
  let students: { id: string; stateId: string }[];
  let careerLadder: { id: string };
  let tutoring: { id: string };

  const api = (who: Session) => as(platform.gateway, who);
  const amend = (who: Session, sessionId: string, body: Record<string, unknown>) =>
    api(who)
      .post(`/api/sessions/${sessionId}/amendments`)
      .send({ password: TEST_PASSWORD, ...body });

  /** Starts, runs and ends a session of the given students; each entry set as `entry(studentId)`. */
  async function runSession(studentIds: string[], workOrderId: string, entry: (studentId: string) => Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const group = await addGroup(platform.gateway, admin, school.id, tutor.id, studentIds);
    const started: SessionBody = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId: group.id, workOrderId, startedAt: minutesAgo(50), ...extra });
    for (const p of started.participants) {
      await api(tutorSession).patch(`/api/sessions/${started.id}/participants/${p.id}`).send({ version: 1, ...entry(p.personId) }).expect(200);
    }
    const ended = await api(tutorSession).post(`/api/sessions/${started.id}/end`).send({ version: 1, endedAt: minutesAgo(5) }).expect(200);
    return ended.body as SessionBody;
  }

  /** Payroll's view of a session once it has decided `version`. */
  async function payOnceDecided(sessionId: string, version: number) {
    let body: { decisions: { sessionVersion: number; payable: boolean; reason: string }[]; payLines: { amountCents: number }[]; billableLines: BillableLine[] } | undefined;
    await waitFor(async () => {
      const response = await api(admin).get(`/api/sessions/${sessionId}/pay`);
      body = response.status === 200 ? response.body : undefined;
      return !!body?.decisions.some((d) => d.sessionVersion === version);
    }, 20_000);
    return body!;
  }

  /** State reporting's records of a session once it holds `version` as current. */
  async function recordsOnceCurrent(sessionId: string, sessionDate: string, version: number) {
    let items: { sessionId: string; sessionVersion: number; studentId: string; eligible: boolean }[] = [];
    await waitFor(async () => {
      const response = await api(admin).get(`/api/reporting/records?from=${sessionDate}&to=${sessionDate}&pageSize=200`).expect(200);
      items = (response.body.items as typeof items).filter((r) => r.sessionId === sessionId);
      return items.length > 0 && items.every((r) => r.sessionVersion === version);
    }, 20_000);
    return items;
  }

  async function runExport(sessionDate: string): Promise<{ counts: Record<string, number>; rows: Record<string, string>[] }> {
    const started = await api(admin)
      .post('/api/reporting/exports')
      .send({ format: 'csv', from: sessionDate, to: sessionDate, schoolId: school.id, recipient: 'State Department of Education', purpose: 'Tutoring report' })
      .expect(202);
    let last: { status: string; counts: Record<string, number> } = started.body;
    await waitFor(async () => {
      last = (await api(admin).get(`/api/reporting/exports/${started.body.id}`).expect(200)).body;
      return last.status === 'done' || last.status === 'failed';
    }, 20_000);
    expect(last.status).toBe('done');
    const file = await api(admin).get(`/api/reporting/exports/${started.body.id}/download`).expect(200);
    return { counts: last.counts, rows: csvRows(file.text) };
  }

  beforeAll(async () => {
    // Session-log's relay on: its events reach payroll and state reporting as in production (this file has its own database and queues).
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    stateReporting = await startApp({ service: 'state-reporting', module: StateReportingModule, ...messagingTransport('state-reporting') });
    district = await platform.district(1);
    await waitFor(async () => (await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(DistrictReplica, { districtId: district.id }))) > 0, 15_000);
    admin = await signIn(platform.gateway, district.admin.email);

    const code = `PO-${randomBytes(3).toString('hex')}`;
    school = (await api(admin).post('/api/schools').send({ name: `Outcomes school ${code}`, stateSchoolCode: code }).expect(201)).body;
    await waitFor(async () => {
      const inSessionLog = await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.school_replica where id = ?', [school.id]);
      const inReporting = await stateReporting.get(TenantTransactions).run(district.id, (em) => em.count(SchoolReplica, { id: school.id }));
      return inSessionLog.length === 1 && inReporting > 0;
    }, 15_000);

    tutor = await district.user(['provider'], { schoolIds: [school.id], providerKind: 'tutor', name: 'Tori' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = [];
    for (let i = 0; i < 5; i += 1) {
      const stateId = `PO${randomBytes(4).toString('hex')}${i}`;
      students.push({ ...(await addStudent(platform.gateway, admin, school.id, { stateId })), stateId });
    }
    careerLadder = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: school.id });
    tutoring = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: tutor.id, schoolId: school.id });
  });

  afterAll(async () => {
    await stopApps(stateReporting);
    await platform?.stop();
  });

  it('posts a Career Ladder session not tagged with a goal; it is unpaid and listed as ineligible for export, each saying why, until an amendment tags it', async () => {
    const session = await runSession([students[0].id], careerLadder.id, () => ({ present: true, qualifiers: REMEDIAL, studentNote: GOOD_NOTE }), {
      description: 'Reading fluency plan',
    });
    const audit = (await api(tutorSession).get(`/api/sessions/${session.id}/audit`).expect(200)).body;
    expect(audit).toMatchObject({ postable: true, problems: [], warnings: [{ code: 'SESSION.CAREER_LADDER_GOAL_MISSING' }] });

    const posted = await api(tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD });
    expect({ status: posted.status, body: posted.body }).toMatchObject({ status: 200, body: { version: 1 } });

    // Payroll: decided, unpaid, and why.
    const pay = await payOnceDecided(session.id, 1);
    expect(pay.decisions).toEqual([expect.objectContaining({ sessionVersion: 1, payable: false, reason: 'Career Ladder sessions must be tagged with a Career Ladder goal' })]);
    expect(pay.payLines).toEqual([]);

    // State reporting: kept, not exported, and listed with the reason.
    expect(await recordsOnceCurrent(session.id, session.sessionDate, 1)).toEqual([expect.objectContaining({ studentId: students[0].id, eligible: false })]);
    const ineligible = (await api(admin).get(`/api/reporting/ineligible?from=${session.sessionDate}&to=${session.sessionDate}&schoolId=${school.id}`).expect(200)).body;
    expect(ineligible.items).toEqual([
      expect.objectContaining({ sessionId: session.id, sessionVersion: 1, workOrderType: 'career_ladder', reasons: ['Career Ladder session not tagged with a goal'] }),
    ]);

    // Tagged by amendment: paid and reportable from version 2.
    await amend(tutorSession, session.id, { basedOnVersion: 1, reason: 'Tagged the Career Ladder goal', changes: { tags: ['student_achievement'] } }).expect(200);
    const repaid = await payOnceDecided(session.id, 2);
    expect(repaid.decisions.find((d) => d.sessionVersion === 2)).toMatchObject({ payable: true });
    expect(repaid.payLines).toHaveLength(1);
    expect(await recordsOnceCurrent(session.id, session.sessionDate, 2)).toEqual([expect.objectContaining({ studentId: students[0].id, eligible: true })]);
    const after = (await api(admin).get(`/api/reporting/ineligible?from=${session.sessionDate}&to=${session.sessionDate}&schoolId=${school.id}`).expect(200)).body;
    expect(after.items.map((s: { sessionId: string }) => s.sessionId)).not.toContain(session.id);
  });

  it('removes a participant added by mistake by amendment: their bill is reversed, their state record is sent as a DELETE, the earlier version keeps them', async () => {
    const [kept1, kept2, mistaken] = [students[1], students[2], students[3]];
    const session = await runSession([kept1.id, kept2.id, mistaken.id], tutoring.id, () => ({ present: true, qualifiers: DETENTION, studentNote: GOOD_NOTE }));
    const entryOf = (studentId: string) => session.participants.find((p) => p.personId === studentId)!;
    const guardian = await signIn(platform.gateway, (await guardianOf(platform.gateway, district, [mistaken.id])).email);
    await api(tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);

    const billed = await payOnceDecided(session.id, 1);
    expect(billed.billableLines.filter((l) => l.kind === 'charge').map((l) => l.studentId).sort()).toEqual([kept1.id, kept2.id, mistaken.id].sort());
    await recordsOnceCurrent(session.id, session.sessionDate, 1);
    const first = await runExport(session.sessionDate);
    expect(first.rows.filter((r) => r.session_id === session.id).map((r) => [r.student_id, r.record_action]).sort()).toEqual(
      [kept1.id, kept2.id, mistaken.id].map((id) => [id, 'ADD']).sort(),
    );
    await api(guardian).get(`/api/sessions/${session.id}`).expect(200);

    const amended = await amend(tutorSession, session.id, {
      basedOnVersion: 1,
      reason: 'Added the wrong student: they were in another group',
      changes: { removeParticipants: [entryOf(mistaken.id).id] },
    });
    expect({ status: amended.status, body: amended.body }).toMatchObject({ status: 200, body: { version: 2, signature: { reason: 'Added the wrong student: they were in another group' } } });

    // Session-log: gone from the session now, still in the signed version 1.
    const now = (await api(admin).get(`/api/sessions/${session.id}`).expect(200)).body;
    expect(now.participants.map((p: ParticipantBody) => p.personId).sort()).toEqual([kept1.id, kept2.id].sort());
    const versions = (await api(admin).get(`/api/sessions/${session.id}/versions`).expect(200)).body.items;
    expect(versions.map((v: { snapshot: { participants: { personId: string }[] } }) => v.snapshot.participants.map((p) => p.personId).sort())).toEqual([
      [kept1.id, kept2.id, mistaken.id].sort(),
      [kept1.id, kept2.id].sort(),
    ]);
    const history = (await api(admin).get(`/api/sessions/${session.id}/history`).expect(200)).body.items;
    expect(history.find((h: { action: string }) => h.action === 'amended').detail).toMatchObject({
      reason: 'Added the wrong student: they were in another group',
      changed: [`participants.${entryOf(mistaken.id).id}.removed`],
    });
    // The student's guardian no longer finds a session their child was not in.
    await api(guardian).get(`/api/sessions/${session.id}`).expect(404);

    // Payroll: the mistaken student's charge is reversed and not charged again; the others are billed again for version 2.
    const pay = await payOnceDecided(session.id, 2);
    const net = (studentId: string) => pay.billableLines.filter((l) => l.studentId === studentId).reduce((sum, l) => ({ minutes: sum.minutes + l.minutes, units: sum.units + l.units }), { minutes: 0, units: 0 });
    const mistakenLines = pay.billableLines.filter((l) => l.studentId === mistaken.id);
    const charge = mistakenLines.find((l) => l.kind === 'charge')!;
    expect(mistakenLines.find((l) => l.kind === 'reversal')).toMatchObject({ sessionVersion: 2, reversesLineId: charge.id, minutes: -charge.minutes, units: -charge.units });
    expect(mistakenLines.filter((l) => l.sessionVersion === 2 && l.kind === 'charge')).toEqual([]);
    expect(net(mistaken.id)).toEqual({ minutes: 0, units: 0 });
    for (const kept of [kept1, kept2]) expect(net(kept.id).units).toBeGreaterThan(0);

    // State reporting: the next export deletes the mistaken student's record, once.
    await recordsOnceCurrent(session.id, session.sessionDate, 2);
    const correction = await runExport(session.sessionDate);
    const rows = new Map(correction.rows.filter((r) => r.session_id === session.id).map((r) => [r.student_id, r]));
    expect(rows.get(mistaken.id)).toMatchObject({ record_action: 'DELETE', session_version: '1', student_state_id: mistaken.stateId, minutes: '' });
    expect([rows.get(kept1.id)?.record_action, rows.get(kept2.id)?.record_action]).toEqual(['UNCHANGED', 'UNCHANGED']);
    const again = await runExport(session.sessionDate);
    expect(again.rows.filter((r) => r.session_id === session.id && r.record_action === 'DELETE')).toEqual([]);
  });

  it('refuses a removal of someone not in the session, of everyone, or of a participant the same amendment changes, leaving the session as signed', async () => {
    const session = await runSession([students[4].id, students[0].id], tutoring.id, () => ({ present: true, qualifiers: DETENTION, studentNote: GOOD_NOTE }));
    await api(tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    const [a, b] = session.participants.map((p) => p.id);
    const base = { basedOnVersion: 1, reason: 'Removing a participant' };
    const fields = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field);

    const stranger = await amend(tutorSession, session.id, { ...base, changes: { removeParticipants: ['01a20000-0000-7000-8000-000000000000'] } }).expect(400);
    expect(fields(stranger.body)).toEqual(['changes.removeParticipants.0']);
    const both = await amend(tutorSession, session.id, { ...base, changes: { removeParticipants: [a], participants: [{ participantId: a, timeAwayMinutes: 5 }] } }).expect(400);
    expect(fields(both.body)).toEqual(['changes.removeParticipants.0']);
    const everyone = await amend(tutorSession, session.id, { ...base, changes: { removeParticipants: [a, b] } }).expect(422);
    expect(everyone.body).toMatchObject({ code: 'SESSION.NOT_POSTABLE', details: { problems: [{ code: 'SESSION.NO_PARTICIPANTS' }] } });
    const notAnId = await amend(tutorSession, session.id, { ...base, changes: { removeParticipants: ['nope'] } }).expect(400);
    expect(fields(notAnId.body)).toEqual(['changes.removeParticipants']);

    const versions = await sessionLogRows(platform.sessionLog, district.id, 'select version from session_log.session_version where session_id = ?', [session.id]);
    expect(versions).toEqual([{ version: 1 }]);
    const participants = await sessionLogRows(platform.sessionLog, district.id, 'select id from session_log.participant where session_id = ? order by id', [session.id]);
    expect(participants.map((p) => p.id)).toEqual([a, b].sort());
  });
});
