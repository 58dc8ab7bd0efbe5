import { EntityManager } from '@mikro-orm/postgresql';
import { PostedParticipant, PostedSessionSnapshot, SchoolDays } from '@sessionledger/contracts';
import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { BellSchedule } from '../bell-schedules/bell-schedule.entity';
import { bellScheduleLockKey } from '../bell-schedules/bell-schedules.service';
import { minutesOutsideSchoolDay } from '../bell-schedules/school-day';
import { deliveryOf, ineligibilityReasons } from './eligibility';
import { CoachingRecord, ReportableRecord, ReportedSession } from './reporting.entities';

export interface PostedVersion {
  districtId: string;
  snapshot: PostedSessionSnapshot;
  event: 'posted' | 'amended';
  amendmentReason: string | null;
}

/**
 * Records one posted version of a session, exactly once (the caller's inbox
 * row and this commit together):
 * - the version, with whether the state export takes it and why not;
 * - a record per student (per teacher for coaching) with their minutes,
 *   minutes outside their school's day, qualifiers and subject;
 * - when it is the newest version received, the previous version and its
 *   records are marked superseded (kept as history); a version arriving
 *   after a newer one is kept as history straight away.
 * A version already recorded (the same snapshot republished under another
 * event id) has no effect.
 */
export async function recordPostedVersion(em: EntityManager, posted: PostedVersion): Promise<void> {
  const { districtId, snapshot } = posted;
  // Versions of one session are recorded one at a time; other sessions are not held up.
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`state-reporting.session:${districtId}:${snapshot.sessionId}`]);
  const known: { session_version: number }[] = await em.execute(
    `select session_version from state_reporting.reported_session where district_id = ? and session_id = ?`,
    [districtId, snapshot.sessionId],
  );
  if (known.some((row) => row.session_version === snapshot.version)) return;
  const newest = Math.max(0, ...known.map((row) => row.session_version));
  const current = snapshot.version > newest;
  if (current && newest > 0) {
    await em.execute(`update state_reporting.reported_session set current = false, superseded_by = ? where district_id = ? and session_id = ? and current`, [
      snapshot.version,
      districtId,
      snapshot.sessionId,
    ]);
    for (const table of ['reportable_record', 'coaching_record']) {
      await em.execute(`update state_reporting.${table} set current = false where district_id = ? and session_id = ? and current`, [districtId, snapshot.sessionId]);
    }
  }

  const students = snapshot.participants.filter((p) => p.kind === 'student');
  const reasons = snapshot.participantKind === 'student' ? ineligibilityReasons(snapshot) : [];
  const eligible = snapshot.participantKind === 'student' ? reasons.length === 0 : null;
  const codes = await schoolCodes(em, snapshot);
  em.persist(
    new ReportedSession({
      districtId,
      sessionId: snapshot.sessionId,
      sessionVersion: snapshot.version,
      event: posted.event,
      amendmentReason: posted.amendmentReason,
      current,
      supersededBy: current ? null : newest,
      providerId: snapshot.providerId,
      providerName: snapshot.providerName,
      schoolId: snapshot.schoolId,
      schoolCode: codes(snapshot.schoolId, snapshot.schoolCode),
      service: snapshot.service,
      participantKind: snapshot.participantKind,
      workOrderId: snapshot.workOrderId,
      workOrderType: snapshot.workOrderType,
      sessionDate: snapshot.sessionDate,
      startedAt: new Date(snapshot.startedAt),
      endedAt: new Date(snapshot.endedAt),
      state: snapshot.state,
      tags: [...snapshot.tags],
      careerLadderGoalTagged: snapshot.careerLadderGoalTagged,
      students: students.length,
      eligible,
      ineligibleReasons: reasons,
      contentHash: snapshot.contentHash,
    }),
  );

  const common = { districtId, sessionId: snapshot.sessionId, sessionVersion: snapshot.version, current, sessionDate: snapshot.sessionDate };
  const session = { providerId: snapshot.providerId, providerName: snapshot.providerName, service: snapshot.service, tags: [...snapshot.tags] };
  for (const teacher of snapshot.participants.filter((p) => p.kind === 'staff')) {
    em.persist(
      new CoachingRecord({
        ...common,
        ...session,
        participantId: teacher.participantId,
        teacherId: teacher.personId,
        teacherName: teacher.name,
        schoolId: teacher.schoolId ?? snapshot.schoolId,
        schoolCode: codes(teacher.schoolId ?? snapshot.schoolId, teacher.schoolId ? teacher.schoolCode : snapshot.schoolCode),
        attendanceStatus: teacher.attendanceStatus,
        minutes: teacher.minutes,
        category: coachingCategoryOf(snapshot),
        teacherGroups: teacher.teacherGroups?.map((g) => ({ id: g.id, name: g.name })) ?? null,
      }),
    );
  }
  if (students.length === 0) return;

  const outside = await outsideMinutesFor(em, districtId, snapshot, students);
  const delivery = deliveryOf(snapshot);
  for (const student of students) {
    const studentSchoolId = student.schoolId ?? snapshot.schoolId;
    em.persist(
      new ReportableRecord({
        ...common,
        ...session,
        eligible: eligible === true,
        participantId: student.participantId,
        studentId: student.personId,
        studentName: student.name,
        stateId: student.stateId,
        schoolId: snapshot.schoolId,
        schoolCode: codes(snapshot.schoolId, snapshot.schoolCode),
        studentSchoolId,
        studentSchoolCode: codes(studentSchoolId, student.schoolId ? student.schoolCode : snapshot.schoolCode),
        attendanceStatus: student.attendanceStatus,
        timeIn: student.timeIn ? new Date(student.timeIn) : null,
        timeOut: student.timeOut ? new Date(student.timeOut) : null,
        timeAwayMinutes: student.timeAwayMinutes,
        minutes: student.minutes,
        plannedMinutes: snapshot.plannedMinutes ?? snapshot.adjustedMinutes,
        minutesOutsideSchoolDay: outside(student),
        homebound: student.qualifiers.homebound,
        detention: student.qualifiers.detention,
        creditRecovery: student.qualifiers.creditRecovery,
        remedial: student.qualifiers.remedial,
        remedialCriteria: [...student.qualifiers.remedialCriteria],
        subject: student.qualifiers.subject ?? null,
        delivery,
        workOrderId: snapshot.workOrderId,
        workOrderType: snapshot.workOrderType,
      }),
    );
  }
}

/**
 * State school codes: as posted, else from this service's school replica
 * (session-log's replica may not have had the school yet when it signed).
 */
async function schoolCodes(em: EntityManager, snapshot: PostedSessionSnapshot): Promise<(schoolId: string, posted: string | null) => string | null> {
  const ids = new Set([snapshot.schoolId, ...snapshot.participants.map((p) => p.schoolId).filter((id): id is string => id !== null)]);
  const schools = await em.find(SchoolReplica, { id: { $in: [...ids] } });
  const replicated = new Map(schools.map((school) => [school.id, school.stateSchoolCode]));
  return (schoolId, posted) => posted ?? replicated.get(schoolId) ?? null;
}

/**
 * Minutes outside the school day of each student's own school, in the
 * district's time zone; null for a student whose school has no bell schedule.
 * The district's settings arrive before its first session can be posted; if
 * they have not reached this service yet, the event fails and is retried.
 */
async function outsideMinutesFor(
  em: EntityManager,
  districtId: string,
  snapshot: PostedSessionSnapshot,
  students: PostedParticipant[],
): Promise<(student: PostedParticipant) => number | null> {
  const schoolIds = [...new Set(students.map((s) => s.schoolId ?? snapshot.schoolId))].sort();
  for (const schoolId of schoolIds) {
    await em.execute(`select pg_advisory_xact_lock_shared(hashtextextended(?, 0))`, [bellScheduleLockKey(districtId, schoolId)]);
  }
  const schedules = new Map<string, SchoolDays>((await em.find(BellSchedule, { schoolId: { $in: schoolIds } })).map((s) => [s.schoolId, s.days]));
  const timeZone = schedules.size ? (await em.findOne(DistrictReplica, { districtId }))?.timeZone : undefined;
  if (schedules.size && !timeZone) throw new Error(`district ${districtId} has no settings in state reporting yet (its time zone); retrying`);
  return (student) => {
    const days = schedules.get(student.schoolId ?? snapshot.schoolId);
    if (!days) return null;
    return minutesOutsideSchoolDay(
      {
        timeIn: student.timeIn ? new Date(student.timeIn) : null,
        timeOut: student.timeOut ? new Date(student.timeOut) : null,
        timeAwayMinutes: student.timeAwayMinutes,
        minutes: student.minutes,
      },
      days,
      timeZone!,
    );
  };
}

/** The coaching log's `category` (a district coaching field, a choice in the default catalog), when it has one. */
function coachingCategoryOf(snapshot: PostedSessionSnapshot): string | null {
  const category = snapshot.coachingLog?.category;
  return typeof category === 'string' && category.trim() ? category.trim() : null;
}
