import { as, Session, signIn, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent } from '../support/session-fixtures';
import { minutesAgo, SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from '../support/session-harness';

describe('Sessions: start, participants, end (gateway → session-log)', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let students: { id: string }[];
  let group: { id: string };

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(2);
    admin = await signIn(platform.gateway, district.admin.email);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    students = await Promise.all([0, 1, 2, 3].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    group = await addGroup(platform.gateway, admin, district.schools[0].id, tutor.id, students.map((s) => s.id));
  });

  afterAll(() => platform.stop());

  it('starts a group session, times everyone out at the end, and keeps raw and adjusted duration', async () => {
    const startedAt = minutesAgo(62);
    const started = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId: group.id, startedAt, description: 'Fractions' });
    expect(started).toMatchObject({ state: 'active', schoolId: district.schools[0].id, providerId: tutor.id, group: { id: group.id }, version: 1 });
    expect(started.participants).toHaveLength(4);
    expect(started.participants.every((p: { timeIn: string }) => p.timeIn === startedAt)).toBe(true);

    const ended = await as(platform.gateway, tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: minutesAgo(1) })
      .expect(200);
    expect(ended.body).toMatchObject({ state: 'ended', rawMinutes: 61, adjustedMinutes: 60, version: 2 });
    expect(ended.body.participants.every((p: { timeOut: string }) => p.timeOut === ended.body.endedAt)).toBe(true);
    const [row] = await sessionLogRows(platform.sessionLog, district.id, 'select state, adjusted_minutes from session_log.session where id = ?', [started.id]);
    expect(row).toEqual({ state: 'ended', adjusted_minutes: 60 });
  });
});
