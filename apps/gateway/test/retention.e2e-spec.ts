import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { localDate } from '@sessionledger/session-rules';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { currentTestRun, databaseUrl, stopApps, waitFor } from '@sessionledger/testing';
import { deliverPostings, postedSnapshot, postedStudent } from '../../payroll/test/support/posted-sessions';
import { as, Session, signIn, TestDistrict } from './support/gateway-harness';
import { addStudent, addWorkOrder } from './support/session-fixtures';
import { RetentionSweep } from '../src/retention/retention-sweep';
import { startBackend } from './support/backends';
import { SessionPlatform, startSessionPlatform } from './support/session-harness';

const TIME_ZONE = 'America/Chicago';

/** A day `years` years before today in the district (for rows well inside or outside a retention). */
function yearsAgo(years: number, extraDays = 0): string {
  const today = localDate(new Date(), TIME_ZONE);
  const day = new Date(`${today}T12:00:00Z`);
  day.setUTCFullYear(day.getUTCFullYear() - years);
  day.setUTCDate(day.getUTCDate() - extraDays);
  return day.toISOString().slice(0, 10);
}

describe('Retention and disposal (gateway → BullMQ → session-log, audit log, reports)', () => {
  let platform: SessionPlatform;
  let stateReporting: NestFastifyApplication;
  let owner: Client;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let provider: Session;
  let payrollUser: Session;
  let workOrderId: string;
  let providerId: string;
  let heldStudentId: string;
  const sessions = { old: randomUUID(), recent: randomUUID(), heldStudent: randomUUID(), heldSchool: randomUUID(), otherDistrict: randomUUID() };
  const audits = { old: randomUUID(), recent: randomUUID(), heldStudent: randomUUID() };
  let payPeriodId: string;
  let payTotalsBefore: unknown;
  let studentHoldId: string;

  /** A posted session with one student and its notes, written as the superuser (as years of use would have left it). */
  async function insertPostedSession(districtId: string, id: string, date: string, schoolId: string, studentId: string): Promise<void> {
    await owner.query('BEGIN');
    // Inserting history as it would stand: the posted-is-immutable triggers are for the app, not for the fixture.
    await owner.query(`SET LOCAL session_replication_role = replica`);
    await owner.query(
      `INSERT INTO session_log.session (id, district_id, provider_id, provider_name, school_id, service, participant_kind, state, session_date,
         started_at, ended_at, created_by, posted_version, posted_at)
       VALUES ($1, $2, $3, 'Tess Tutor', $4, 'tutoring', 'student', 'ended', $5::date, $5::date + time '15:00', $5::date + time '15:45', $3, 1, $5::date + time '16:00')`,
      [id, districtId, providerId, schoolId, date],
    );
    await owner.query(
      `INSERT INTO session_log.participant (id, district_id, session_id, kind, person_id, name, school_id, present, attendance_status, student_note, client_note, added_by)
       VALUES ($1, $2, $3, 'student', $4, 'Stu Dent', $5, true, 'attended', 'Worked on fractions.', 'Great effort today.', $6)`,
      [randomUUID(), districtId, id, studentId, schoolId, providerId],
    );
    await owner.query(
      `INSERT INTO session_log.session_version (district_id, session_id, version, snapshot, content_hash, signer_id, signer_name, signer_role, meaning, signed_at)
       VALUES ($1, $2, 1, '{}', $3, $4, 'Tess Tutor', 'provider', 'author', $5::date + time '16:00')`,
      [districtId, id, 'a'.repeat(64), providerId, date],
    );
    await owner.query(`INSERT INTO session_log.session_change (id, district_id, session_id, actor_id, actor_name, action) VALUES ($1, $2, $3, $4, 'Tess Tutor', 'posted')`, [
      randomUUID(),
      districtId,
      id,
      providerId,
    ]);
    await owner.query('COMMIT');
  }

  async function insertAuditEvent(districtId: string, id: string, date: string, studentId: string | null): Promise<void> {
    await owner.query(
      `INSERT INTO gateway.audit_event (id, district_id, occurred_at, actor_kind, actor_id, actor_name, action, subject_type, subject_id, student_id)
       VALUES ($1, $2, $3::date + time '12:00', 'user', $4, 'Ada Admin', 'student.record.read', 'student', $5, $5)`,
      [id, districtId, date, providerId, studentId],
    );
  }

  async function sessionIds(districtId: string): Promise<string[]> {
    const { rows } = await owner.query(`SELECT id FROM session_log.session WHERE district_id = $1 ORDER BY id`, [districtId]);
    return rows.map((row: { id: string }) => row.id);
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
    return rows[0].n;
  }

  beforeAll(async () => {
    platform = await startSessionPlatform();
    stateReporting = await startBackend('state-reporting');
    owner = new Client({ connectionString: databaseUrl(currentTestRun().database) });
    await owner.connect();
    [district, other] = await Promise.all([platform.district(2), platform.district(1)]);
    const providerUser = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const payrollRecord = await district.user(['payroll']);
    providerId = providerUser.id;
    [admin, otherAdmin, provider, payrollUser] = await Promise.all([
      signIn(platform.gateway, district.admin.email),
      signIn(platform.gateway, other.admin.email),
      signIn(platform.gateway, providerUser.email),
      signIn(platform.gateway, payrollRecord.email),
    ]);
    heldStudentId = (await addStudent(platform.gateway, admin, district.schools[0].id)).id;

    const school = district.schools[0].id;
    await insertPostedSession(district.id, sessions.old, yearsAgo(3), school, randomUUID());
    await insertPostedSession(district.id, sessions.recent, yearsAgo(1), school, randomUUID());
    await insertPostedSession(district.id, sessions.heldStudent, yearsAgo(3), school, heldStudentId);
    await insertPostedSession(district.id, sessions.heldSchool, yearsAgo(3), district.schools[1].id, randomUUID());
    // Ten years old: past the other district's retention too, but only its own admin's run may dispose of it.
    await insertPostedSession(other.id, sessions.otherDistrict, yearsAgo(10), other.schools[0].id, randomUUID());
    await insertAuditEvent(district.id, audits.old, yearsAgo(3), randomUUID());
    await insertAuditEvent(district.id, audits.recent, yearsAgo(1), randomUUID());
    await insertAuditEvent(district.id, audits.heldStudent, yearsAgo(3), heldStudentId);

    // The old session was paid: its pay line lives in payroll, from the snapshot posted then.
    const transactions = platform.payroll.get(TenantTransactions);
    await waitFor(async () => !!(await transactions.run(district.id, (em) => em.findOne(DistrictReplica, { districtId: district.id }))), 15_000);
    workOrderId = (await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId, schoolId: school, validFrom: yearsAgo(6) })).id;
    await deliverPostings(platform.gateway, platform.payroll, district.id, {
      posted: postedSnapshot({ sessionId: sessions.old, providerId, schoolId: school, workOrderId, sessionDate: yearsAgo(3) }),
    });
    const periods = await as(platform.gateway, admin).get('/api/pay-periods');
    expect(periods.status).toBe(200);
    payPeriodId = periods.body.items[0].id;
    const period = await as(platform.gateway, admin).get(`/api/pay-periods/${payPeriodId}`);
    payTotalsBefore = period.body.totals;
    expect(period.body.totals.amountCents).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await owner?.end();
    await stopApps(stateReporting);
    await platform?.stop();
  });

  it('answers the defaults until the district sets its own, and refuses years out of range naming the field', async () => {
    const defaults = await as(platform.gateway, admin).get('/api/retention/policy');
    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual({ sessions: 7, pay: 7, stateExports: 7, auditLog: 7, automatic: false, configured: false, version: 0, updatedAt: null, updatedBy: null });

    const tooShort = await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 0, pay: 7, stateExports: 7, auditLog: 7 });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.fields.map((f: { field: string }) => f.field)).toEqual(['sessions']);
    const notANumber = await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 2, pay: 7, stateExports: 7, auditLog: 101 });
    expect(notANumber.status).toBe(400);
    expect(notANumber.body.fields.map((f: { field: string }) => f.field)).toEqual(['auditLog']);

    const set = await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 2, pay: 7, stateExports: 7, auditLog: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sessions: 2, pay: 7, stateExports: 7, auditLog: 2, configured: true, version: 1, updatedBy: district.admin.id });
    const notABoolean = await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 2, pay: 7, stateExports: 7, auditLog: 2, automatic: 'yes' });
    expect(notABoolean.status).toBe(400);
    expect(notABoolean.body.fields.map((f: { field: string }) => f.field)).toEqual(['automatic']);
  });

  it('lets only a district admin see or change retention, holds and disposals', async () => {
    const provided = as(platform.gateway, provider);
    expect((await provided.get('/api/retention/policy')).status).toBe(403);
    expect((await provided.put('/api/retention/policy').send({ sessions: 1, pay: 1, stateExports: 1, auditLog: 1 })).status).toBe(403);
    expect((await provided.post('/api/retention/disposals').send({})).status).toBe(403);
    expect((await provided.get('/api/retention/disposals')).status).toBe(403);
    expect((await provided.post('/api/legal-holds').send({ subjectType: 'student', subjectId: heldStudentId, reason: 'x' })).status).toBe(403);
    expect((await provided.get('/api/legal-holds')).status).toBe(403);
  });

  it('places legal holds on a student and a school of the district only', async () => {
    const missingReason = await as(platform.gateway, admin).post('/api/legal-holds').send({ subjectType: 'student', subjectId: heldStudentId, reason: '  ' });
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    // Another district's school is unknown here.
    const foreign = await as(platform.gateway, admin).post('/api/legal-holds').send({ subjectType: 'school', subjectId: other.schools[0].id, reason: 'Litigation' });
    expect(foreign.status).toBe(404);

    const student = await as(platform.gateway, admin).post('/api/legal-holds').send({ subjectType: 'student', subjectId: heldStudentId, reason: 'Due-process complaint 2026-014' });
    expect(student.status).toBe(201);
    expect(student.body).toMatchObject({ subjectType: 'student', subjectId: heldStudentId, status: 'active', placedBy: { id: district.admin.id }, releasedAt: null });
    studentHoldId = student.body.id;
    const school = await as(platform.gateway, admin).post('/api/legal-holds').send({ subjectType: 'school', subjectId: district.schools[1].id, reason: 'State audit of the school' });
    expect(school.status).toBe(201);

    const listed = await as(platform.gateway, admin).get('/api/legal-holds?status=active');
    expect(listed.body.total).toBe(2);
    expect((await as(platform.gateway, otherAdmin).get('/api/legal-holds')).body.total).toBe(0);
    expect((await as(platform.gateway, otherAdmin).get(`/api/legal-holds/${studentHoldId}`)).status).toBe(404);
  });

  it('disposes of sessions and audit events past retention, keeps newer and held ones, reports the counts, and moves no money', async () => {
    const run = await as(platform.gateway, admin).post('/api/retention/disposals').send({});
    expect(run.status).toBe(201);
    const byClass = Object.fromEntries(run.body.reports.map((r: { recordClass: string }) => [r.recordClass, r]));
    expect(byClass.sessions).toMatchObject({ status: 'completed', retentionYears: 2, cutoff: yearsAgo(2), disposed: 1, heldBack: 2, activeHolds: 2, runBy: { id: district.admin.id }, error: null });
    expect(byClass.auditLog).toMatchObject({ status: 'completed', retentionYears: 2, disposed: 1, heldBack: 1 });
    // Pay is kept 7 years, and the old session's period is still open: nothing of pay goes.
    expect(byClass.pay).toMatchObject({ status: 'completed', retentionYears: 7, disposed: 0, heldBack: 0 });
    expect(byClass.stateExports).toMatchObject({ status: 'completed', retentionYears: 7, disposed: 0, heldBack: 0 });

    // The old session is gone with its notes, versions and trail; the recent and the held ones stay.
    expect(await sessionIds(district.id)).toEqual([sessions.recent, sessions.heldStudent, sessions.heldSchool].sort());
    for (const table of ['participant', 'session_version', 'session_change']) {
      expect(await count(`session_log.${table} WHERE session_id = $1`, [sessions.old])).toBe(0);
      expect(await count(`session_log.${table} WHERE session_id = $1`, [sessions.heldStudent])).toBe(1);
    }
    const { rows: auditLeft } = await owner.query(`SELECT id FROM gateway.audit_event WHERE id = ANY($1::uuid[])`, [Object.values(audits)]);
    expect(auditLeft.map((r: { id: string }) => r.id).sort()).toEqual([audits.recent, audits.heldStudent].sort());

    // Another district's records are untouched, even past every cutoff.
    expect(await sessionIds(other.id)).toEqual([sessions.otherDistrict]);

    // Pay keeps its own retention: the disposed session's pay line and its period's totals are as they were.
    const period = await as(platform.gateway, admin).get(`/api/pay-periods/${payPeriodId}`);
    expect(period.body.totals).toEqual(payTotalsBefore);

    const reports = await as(platform.gateway, admin).get('/api/retention/disposals');
    expect(reports.status).toBe(200);
    expect(reports.body.total).toBe(4);
    expect(reports.body.items.every((r: { runId: string }) => r.runId === run.body.runId)).toBe(true);
    expect((await as(platform.gateway, otherAdmin).get('/api/retention/disposals')).body.total).toBe(0);
  });

  it('disposes of a student’s records at the next run once the hold is released, and keeps the released hold on record', async () => {
    const release = await as(platform.gateway, admin).post(`/api/legal-holds/${studentHoldId}/release`).send({ reason: 'Complaint settled' });
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ status: 'released', releasedBy: { id: district.admin.id }, releaseReason: 'Complaint settled' });
    expect((await as(platform.gateway, admin).post(`/api/legal-holds/${studentHoldId}/release`).send({ reason: 'again' })).status).toBe(409);

    const run = await as(platform.gateway, admin).post('/api/retention/disposals').send({ recordClasses: ['sessions'] });
    expect(run.status).toBe(201);
    expect(run.body.reports).toHaveLength(1);
    expect(run.body.reports[0]).toMatchObject({ recordClass: 'sessions', disposed: 1, heldBack: 1, activeHolds: 1 });
    expect(await sessionIds(district.id)).toEqual([sessions.recent, sessions.heldSchool].sort());
    expect((await as(platform.gateway, admin).get('/api/legal-holds?status=released')).body.items.map((h: { id: string }) => h.id)).toEqual([studentHoldId]);
  });

  it('disposes of closed pay periods past pay retention whole, keeps held and open ones, and never lets pay go before its sessions', async () => {
    const shorter = await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 2, pay: 1, stateExports: 1, auditLog: 2 });
    expect(shorter.status).toBe(400);
    expect(shorter.body.fields.map((f: { field: string }) => f.field)).toEqual(['pay', 'stateExports']);

    const school = district.schools[0].id;
    // Five years ago: one period paid plainly, one (three weeks earlier) billing a student of the held school.
    await deliverPostings(
      platform.gateway,
      platform.payroll,
      district.id,
      { posted: postedSnapshot({ providerId, schoolId: school, workOrderId, sessionDate: yearsAgo(5) }) },
      {
        posted: postedSnapshot({
          providerId,
          schoolId: school,
          workOrderId,
          sessionDate: yearsAgo(5, 21),
          participants: [1, 2, 3, 4].map(() => ({ ...postedStudent('attended', 45), schoolId: district.schools[1].id })),
        }),
      },
    );
    const periods = (await as(platform.gateway, payrollUser).get('/api/pay-periods')).body.items as { id: string; startsOn: string; endsOn: string }[];
    const within = (day: string) => periods.find((p) => p.startsOn <= day && p.endsOn >= day)!.id;
    const plain = within(yearsAgo(5));
    const held = within(yearsAgo(5, 21));
    for (const id of [plain, held]) expect((await as(platform.gateway, payrollUser).post(`/api/pay-periods/${id}/close`).send({})).status).toBe(200);

    expect((await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 2, pay: 4, stateExports: 7, auditLog: 2 })).status).toBe(200);
    const run = await as(platform.gateway, admin).post('/api/retention/disposals').send({ recordClasses: ['pay'] });
    expect(run.status).toBe(201);
    expect(run.body.reports[0]).toMatchObject({ recordClass: 'pay', status: 'completed', retentionYears: 4, cutoff: yearsAgo(4), disposed: 1, heldBack: 1 });

    expect((await as(platform.gateway, admin).get(`/api/pay-periods/${plain}`)).status).toBe(404);
    expect((await as(platform.gateway, admin).get(`/api/pay-periods/${held}`)).status).toBe(200);
    // The three-year-old period (within pay retention, still open) is exactly as it was.
    expect((await as(platform.gateway, admin).get(`/api/pay-periods/${payPeriodId}`)).body.totals).toEqual(payTotalsBefore);
  });

  it('disposes of finished state exports and reported sessions past retention, with their files and disclosures, keeping held ones', async () => {
    const exports = { old: randomUUID(), heldSchool: randomUUID(), recent: randomUUID() };
    const reported = { old: randomUUID(), heldSchool: randomUUID() };
    const insertExport = async (id: string, toDate: string, schoolId: string | null) => {
      await owner.query(
        `INSERT INTO state_reporting.state_export (id, district_id, requested_by, requested_by_name, format, from_date, to_date, school_id, recipient, purpose, status)
         VALUES ($1, $2, $3, 'Ada Admin', 'csv', $4::date - 30, $4::date, $5, 'State DOE', 'Annual tutoring report', 'done')`,
        [id, district.id, district.admin.id, toDate, schoolId],
      );
      await owner.query(`INSERT INTO state_reporting.export_chunk (district_id, export_id, seq, content) VALUES ($1, $2, 0, 'student,minutes')`, [district.id, id]);
      await owner.query(
        `INSERT INTO state_reporting.disclosure (district_id, export_id, student_id, records, recipient, purpose, format, disclosed_at, disclosed_by, disclosed_by_name)
         VALUES ($1, $2, $3, 1, 'State DOE', 'Annual tutoring report', 'csv', $4::date + time '12:00', $5, 'Ada Admin')`,
        [district.id, id, randomUUID(), toDate, district.admin.id],
      );
    };
    const insertReported = async (sessionId: string, date: string, schoolId: string) => {
      await owner.query(
        `INSERT INTO state_reporting.reported_session (id, district_id, session_id, session_version, event, current, provider_id, provider_name, school_id, service,
           participant_kind, session_date, started_at, ended_at, state, career_ladder_goal_tagged, students, eligible, content_hash)
         VALUES ($1, $2, $3, 1, 'posted', true, $4, 'Tess Tutor', $5, 'tutoring', 'student', $6::date, $6::date + time '15:00', $6::date + time '15:45', 'ended', false, 1, true, $7)`,
        [randomUUID(), district.id, sessionId, providerId, schoolId, date, 'a'.repeat(64)],
      );
      await owner.query(
        `INSERT INTO state_reporting.reportable_record (id, district_id, session_id, session_version, current, eligible, participant_id, student_id, student_name,
           school_id, student_school_id, session_date, attendance_status, time_away_minutes, minutes, homebound, detention, credit_recovery, remedial, service,
           delivery, provider_id, provider_name)
         VALUES ($1, $2, $3, 1, true, true, $4, $5, 'Stu Dent', $6, $6, $7::date, 'attended', 0, 45, false, false, false, false, 'tutoring', 'individual', $8, 'Tess Tutor')`,
        [randomUUID(), district.id, sessionId, randomUUID(), randomUUID(), schoolId, date, providerId],
      );
    };
    await insertExport(exports.old, yearsAgo(3), null);
    await insertExport(exports.heldSchool, yearsAgo(3), district.schools[1].id);
    await insertExport(exports.recent, yearsAgo(1), null);
    await insertReported(reported.old, yearsAgo(3), district.schools[0].id);
    await insertReported(reported.heldSchool, yearsAgo(3), district.schools[1].id);

    expect((await as(platform.gateway, admin).put('/api/retention/policy').send({ sessions: 2, pay: 4, stateExports: 2, auditLog: 2 })).status).toBe(200);
    const run = await as(platform.gateway, admin).post('/api/retention/disposals').send({ recordClasses: ['stateExports'] });
    expect(run.status).toBe(201);
    expect(run.body.reports[0]).toMatchObject({ recordClass: 'stateExports', status: 'completed', cutoff: yearsAgo(2), disposed: 1, heldBack: 1 });

    const left = await owner.query(`SELECT id FROM state_reporting.state_export WHERE district_id = $1`, [district.id]);
    expect(left.rows.map((r: { id: string }) => r.id).sort()).toEqual([exports.heldSchool, exports.recent].sort());
    expect(await count(`state_reporting.export_chunk WHERE export_id = $1`, [exports.old])).toBe(0);
    expect(await count(`state_reporting.disclosure WHERE export_id = $1`, [exports.old])).toBe(0);
    expect(await count(`state_reporting.disclosure WHERE export_id = $1`, [exports.heldSchool])).toBe(1);
    // State reporting also took the sessions the pay test posted: only those with a student of the held school may remain.
    const sessionsLeft = await owner.query(
      `SELECT r.session_id, bool_or(rr.student_school_id = $2 OR r.school_id = $2) AS held
         FROM state_reporting.reported_session r LEFT JOIN state_reporting.reportable_record rr ON rr.session_id = r.session_id
        WHERE r.district_id = $1 AND r.session_date < $3::date GROUP BY r.session_id`,
      [district.id, district.schools[1].id, yearsAgo(2)],
    );
    expect(sessionsLeft.rows.map((r: { session_id: string }) => r.session_id)).toContain(reported.heldSchool);
    expect(sessionsLeft.rows.every((r: { held: boolean }) => r.held)).toBe(true);
    expect(await count(`state_reporting.reportable_record WHERE session_id = $1`, [reported.old])).toBe(0);
  });

  it('refuses an unknown record class naming the field', async () => {
    const response = await as(platform.gateway, admin).post('/api/retention/disposals').send({ recordClasses: ['emails'] });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((f: { field: string }) => f.field)).toEqual(['recordClasses']);
  });

  it('disposes automatically, once a day, only in a district whose policy says so, naming the admin who set it', async () => {
    const sweep = platform.gateway.get(RetentionSweep);
    // The other district keeps the defaults and never asked for automatic disposal: its ten-year-old session stays.
    expect(await sweep.sweepOnce()).toBe(0);
    expect(await sessionIds(other.id)).toEqual([sessions.otherDistrict]);

    const set = await as(platform.gateway, otherAdmin).put('/api/retention/policy').send({ sessions: 7, pay: 7, stateExports: 7, auditLog: 7, automatic: true });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ automatic: true, configured: true });
    // This district ran its disposals by hand within the day: not due. The other district is, and only it runs.
    expect(await sweep.sweepOnce()).toBe(1);
    expect(await sessionIds(other.id)).toEqual([]);
    const reports = (await as(platform.gateway, otherAdmin).get('/api/retention/disposals')).body;
    expect(reports.total).toBe(4);
    expect(reports.items.find((r: { recordClass: string }) => r.recordClass === 'sessions')).toMatchObject({
      disposed: 1,
      runBy: { id: other.admin.id, name: expect.stringMatching(/^Automatic disposal \(policy set by /) },
    });
    // Once a day: a second pass finds nothing due.
    expect(await sweep.sweepOnce()).toBe(0);
    expect(await sessionIds(district.id)).toContain(sessions.recent);
  });

  it('keeps the database refusing to delete a posted session outside disposal', async () => {
    await expect(
      platform.sessionLog.get(TenantTransactions).run(district.id, async (em) => {
        await em.execute(`SELECT set_config('session_log.disposing', 'on', true)`);
        await em.execute(`DELETE FROM session_log.session WHERE id = ?`, [sessions.recent]);
      }),
    ).rejects.toThrow(/posted/);
    expect(await sessionIds(district.id)).toContain(sessions.recent);
  });
});
