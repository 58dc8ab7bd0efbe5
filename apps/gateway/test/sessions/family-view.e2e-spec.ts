import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { messagingTransport } from '@sessionledger/messaging';
import { routeInventory, startApp, stopApps, waitFor } from '@sessionledger/testing';
import { SchedulingModule } from '../../../scheduling/src/scheduling.module';
import { as, Session, signIn, TEST_PASSWORD, TestDistrict, TestUser } from '../support/gateway-harness';
import { addGroup, addStudent, addWorkOrder, guardianOf, linkStudentAccount } from '../support/session-fixtures';
import { minutesAgo, replicated, SessionPlatform, startSession, startSessionPlatform } from '../support/session-harness';

/**
 * DESIGN.md "What families see": guardians and students see posted sessions
 * only, with date, time, provider, subject and the notes of their audience —
 * nothing else. This file crawls every GET route a guardian or a student may
 * call (from the gateway's own route inventory, so a new route is crawled or
 * fails the test), with the ids of sessions their child / they took part in,
 * and compares every field path received with the allow-list below.
 */

const canary = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;
const DESCRIPTION = canary('provider-description');
const ACTIVITIES = canary('activities-description');
const CANCEL_REASON = canary('cancel-reason');
const OVERRIDE_REASON = canary('override-reason');
const ADMIN_NOTE = canary('admin-note');
const CLIENT_NOTE = canary('client-note');
const OTHER_CHILD = canary('other-child');
const PLACE = canary('place-of-service');
const UNPOSTED = canary('unposted-note');
/** Codes that would reveal the work-order type, the qualifier criteria or the tags. */
const REVEALING_CODES = ['career_ladder', 'Career Ladder', 'd_or_f_grade', 'student_achievement', 'remedial', 'cancelled_'];

const NOTE = (n: number) => `Session ${n}: you read the whole passage with fewer stops. Your phrasing sounded natural. Next, try the longer story alone.`;
const REMEDIAL = { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' };

/** Every leaf of a JSON body as a path; array elements as `[]`, empty arrays and objects as such. */
function fieldPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.length ? value.flatMap((item) => fieldPaths(item, `${path}[]`)) : [`${path}[]`];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return [`${path}{}`];
    return entries.flatMap(([key, inner]) => fieldPaths(inner, path ? `${path}.${key}` : key));
  }
  return [path];
}

const sessionFields = (prefix: string) =>
  [
    'id',
    'audience',
    'sessionDate',
    'startedAt',
    'endedAt',
    'providerName',
    'participants[].personId',
    'participants[].name',
    'participants[].subject',
    'participants[].studentNote',
  ].map((field) => `${prefix}${field}`);

const ME = ['userId', 'districtId', 'displayName', 'roles[]', 'schoolIds[]', 'providerKind'];
/** The district's own record: its name, time zone and settings (no session data). */
const DISTRICT = [
  'id',
  'name',
  'timeZone',
  'version',
  'settings.anonymizationMinGroupSize',
  'settings.cancellationNoticeHours',
  'settings.lateEntryDays',
  'settings.workOrderAssignmentDays',
  'settings.taskDueHours',
  'settings.taskEscalationHours',
  'settings.guardianDigestEnabled',
];
/** Whether the account has a second factor; never its secret or recovery codes. */
const OWN_MFA = ['enrolled', 'enrolledAt', 'pending', 'recoveryCodesLeft', 'required'];
/** The account's own sign-ins, one per device. */
const OWN_SIGN_INS = ['items[].id', 'items[].method', 'items[].device', 'items[].userAgent', 'items[].address', 'items[].startedAt', 'items[].lastUsedAt', 'items[].current', 'page', 'pageSize', 'total'];
const HEALTH = ['status'];
/** The probes say whether the platform is up, nothing of a district. */
const READY = ['status', 'checks.postgres.status', 'checks.redis.status'];
/** Notifications share one shape; a guardian's are digests only, whose task fields are null (asserted below). */
const NOTIFICATION_TASK_FIELDS = ['taskId', 'taskKind', 'sessionId', 'providerId', 'dueAt'] as const;

/**
 * The reviewed allow-list: per route, every field path a reader may receive.
 * A field not listed here fails the test — add it only once DESIGN.md says families see it.
 */
const ALLOWED: Record<'guardian' | 'student', Record<string, { status: number; fields: string[] }>> = {
  guardian: {
    'GET /sessions': { status: 200, fields: [...sessionFields('items[].'), 'items[].participants[].clientNote', 'page', 'pageSize', 'total'] },
    'GET /sessions/:id': { status: 200, fields: [...sessionFields(''), 'participants[].clientNote'] },
    'GET /me': { status: 200, fields: ME },
    'GET /me/mfa': { status: 200, fields: OWN_MFA },
    'GET /me/sign-ins': { status: 200, fields: OWN_SIGN_INS },
    'GET /me/preferences': { status: 200, fields: ['language', 'jobMail'] },
    // Planned sessions: when, which service, with whom, called off or not; nothing a provider typed.
    'GET /me/upcoming-sessions': {
      status: 200,
      fields: ['from', 'to', 'items[].studentId', 'items[].studentName', 'items[].startsAt', 'items[].endsAt', 'items[].service', 'items[].providerName', 'items[].cancelled'],
    },
    'GET /district': { status: 200, fields: DISTRICT },
    'GET /me/notifications': {
      status: 200,
      fields: [
        'items[].id',
        'items[].kind',
        'items[].recipientUserId',
        'items[].recipientSchoolId',
        'items[].recipientStudentId',
        'items[].taskId',
        'items[].taskKind',
        'items[].sessionId',
        'items[].providerId',
        'items[].dueAt',
        'items[].sessionIds[]',
        // A digest lists the child's posted sessions: when, which service and who gave it.
        'items[].sessions[].sessionId',
        'items[].sessions[].startedAt',
        'items[].sessions[].endedAt',
        'items[].sessions[].service',
        'items[].sessions[].providerName',
        // A notice that a job the reader started finished: null for families, who start none.
        'items[].job',
        'items[].createdAt',
        'items[].readAt',
        'items[].emailedAt',
        'page',
        'pageSize',
        'total',
      ],
    },
    'GET /health/live': { status: 200, fields: HEALTH },
    'GET /health/ready': { status: 200, fields: READY },
    'GET /calendar-feeds/:file': { status: 404, fields: [] },
    // Single sign-on redirects carry no records; a district without SSO answers 404, a bare callback 400.
    'GET /auth/sso/:district/start': { status: 404, fields: [] },
    'GET /auth/sso/callback': { status: 400, fields: [] },
  },
  student: {
    'GET /sessions': { status: 200, fields: [...sessionFields('items[].'), 'page', 'pageSize', 'total'] },
    'GET /sessions/:id': { status: 200, fields: sessionFields('') },
    'GET /me': { status: 200, fields: ME },
    'GET /me/mfa': { status: 200, fields: OWN_MFA },
    'GET /me/sign-ins': { status: 200, fields: OWN_SIGN_INS },
    'GET /me/preferences': { status: 200, fields: ['language', 'jobMail'] },
    // Planned sessions: when, which service, with whom, called off or not; nothing a provider typed.
    'GET /me/upcoming-sessions': {
      status: 200,
      fields: ['from', 'to', 'items[].studentId', 'items[].studentName', 'items[].startsAt', 'items[].endsAt', 'items[].service', 'items[].providerName', 'items[].cancelled'],
    },
    'GET /district': { status: 200, fields: DISTRICT },
    'GET /health/live': { status: 200, fields: HEALTH },
    'GET /health/ready': { status: 200, fields: READY },
    'GET /calendar-feeds/:file': { status: 404, fields: [] },
    // Single sign-on redirects carry no records; a district without SSO answers 404, a bare callback 400.
    'GET /auth/sso/:district/start': { status: 404, fields: [] },
    'GET /auth/sso/callback': { status: 400, fields: [] },
  },
};

describe('What families see: a crawl of every GET route guardians and students can call', () => {
  let platform: SessionPlatform;
  let scheduling: NestFastifyApplication;
  let district: TestDistrict;
  let admin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let child: { id: string };
  let otherChild: { id: string };
  let guardianSession: Session;
  let studentSession: Session;
  /** Posted sessions the child took part in. */
  const posted: string[] = [];
  /** An ended session of the child, notes written, never posted. */
  let unposted: string;

  const api = (who: Session) => as(platform.gateway, who);

  /** Starts a session of the child and the other child and fills in each entry; returns it running. */
  async function started(groupId: string, workOrderId: string, extra: Record<string, unknown> = {}) {
    const session = await startSession(platform.gateway, tutorSession, { service: 'tutoring', groupId, workOrderId, startedAt: minutesAgo(55), ...extra });
    return session as { id: string; version: number; participants: { id: string; personId: string; version: number }[] };
  }

  async function fill(session: Awaited<ReturnType<typeof started>>, n: number) {
    for (const p of session.participants) {
      const mine = p.personId === child.id;
      await api(tutorSession)
        .patch(`/api/sessions/${session.id}/participants/${p.id}`)
        .send({
          version: p.version,
          present: true,
          qualifiers: REMEDIAL,
          studentNote: mine ? NOTE(n) : `Note for ${OTHER_CHILD}. You did well. Keep going.`,
          clientNote: mine ? `${CLIENT_NOTE} ${n}` : `Client ${OTHER_CHILD}`,
          adminNote: `${ADMIN_NOTE} ${n}`,
        })
        .expect(200);
    }
  }

  async function end(sessionId: string) {
    const current = (await api(tutorSession).get(`/api/sessions/${sessionId}`).expect(200)).body;
    return (await api(tutorSession).post(`/api/sessions/${sessionId}/end`).send({ version: current.version, endedAt: minutesAgo(5) }).expect(200)).body;
  }

  const post = (sessionId: string) => api(tutorSession).post(`/api/sessions/${sessionId}/post`).send({ password: TEST_PASSWORD }).expect(200);

  beforeAll(async () => {
    platform = await startSessionPlatform({ sessionLogEnv: { OUTBOX_RELAY_ENABLED: 'true' } });
    scheduling = await startApp({ service: 'scheduling', module: SchedulingModule, ...messagingTransport('scheduling') });
    district = await platform.district(1);
    await replicated(scheduling, district.id, 1);
    admin = await signIn(platform.gateway, district.admin.email);
    const school = district.schools[0].id;
    tutor = await district.user(['provider'], { schoolIds: [school], providerKind: 'tutor', name: 'Tara' });
    tutorSession = await signIn(platform.gateway, tutor.email);
    child = await addStudent(platform.gateway, admin, school, { firstName: 'Kit' });
    otherChild = await addStudent(platform.gateway, admin, school, { firstName: 'Other' });
    const [guardian, studentUser] = [await guardianOf(platform.gateway, district, [child.id]), await linkStudentAccount(platform.gateway, district, child.id)];
    [guardianSession, studentSession] = await Promise.all([signIn(platform.gateway, guardian.email), signIn(platform.gateway, studentUser.email)]);
    const group = await addGroup(platform.gateway, admin, school, tutor.id, [child.id, otherChild.id]);
    const careerLadder = await addWorkOrder(platform.gateway, admin, { type: 'career_ladder', providerId: tutor.id, schoolId: school });
    // The group's weekly series from the day after tomorrow: its occurrences are the family's upcoming sessions, without what the provider typed.
    const firstDay = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await api(tutorSession)
      .post('/api/series')
      .send({ service: 'tutoring', type: 'group', groupId: group.id, start: `${firstDay}T16:00`, durationMinutes: 45, rrule: 'FREQ=WEEKLY;COUNT=4', description: DESCRIPTION, placeOfService: PLACE })
      .expect(201);

    // 1: everything staff may see: work-order type, description, activities, tags, qualifier criteria, an admin's duration override, the flag.
    const full = await started(group.id, careerLadder.id, { description: DESCRIPTION, activitiesDescription: ACTIVITIES });
    await fill(full, 1);
    const ended = await end(full.id);
    const tagged = (await api(tutorSession).put(`/api/sessions/${full.id}/tags`).send({ version: ended.version, tags: ['student_achievement'] }).expect(200)).body;
    const overridden = (await api(admin).put(`/api/sessions/${full.id}/duration`).send({ version: tagged.version, minutes: 120, reason: OVERRIDE_REASON }).expect(200)).body;
    await api(admin).patch(`/api/sessions/${full.id}`).send({ version: overridden.version, needsAttention: true }).expect(200);
    await post(full.id);
    posted.push(full.id);

    // 2: cancelled with a reason, posted.
    const cancelled = await started(group.id, careerLadder.id, { description: DESCRIPTION, plannedMinutes: 45 });
    await api(tutorSession).post(`/api/sessions/${cancelled.id}/cancel`).send({ version: cancelled.version, cancelledAt: minutesAgo(60), reason: CANCEL_REASON }).expect(200);
    await post(cancelled.id);
    posted.push(cancelled.id);

    // 3–5: three more attended sessions, so the guardian's digest of 4 attended sessions exists to be crawled.
    for (const n of [3, 4, 5]) {
      const session = await started(group.id, careerLadder.id, { description: DESCRIPTION, startedAt: minutesAgo(n * 24 * 60 + 55) });
      await fill(session, n);
      const current = (await api(tutorSession).get(`/api/sessions/${session.id}`).expect(200)).body;
      const done = (
        await api(tutorSession)
          .post(`/api/sessions/${session.id}/end`)
          .send({ version: current.version, endedAt: minutesAgo(n * 24 * 60 + 5) })
          .expect(200)
      ).body;
      await api(tutorSession).put(`/api/sessions/${session.id}/tags`).send({ version: done.version, tags: ['student_achievement'] }).expect(200);
      await post(session.id);
      posted.push(session.id);
    }

    // Never posted: ended, notes written.
    const draft = await started(group.id, careerLadder.id, { description: DESCRIPTION });
    for (const p of draft.participants) {
      await api(tutorSession).patch(`/api/sessions/${draft.id}/participants/${p.id}`).send({ version: p.version, present: true, studentNote: UNPOSTED, clientNote: UNPOSTED }).expect(200);
    }
    await end(draft.id);
    unposted = draft.id;

    await waitFor(async () => ((await api(guardianSession).get('/api/me/notifications')).body.items as unknown[]).length > 0, 20_000);
  });

  afterAll(async () => {
    await stopApps(scheduling);
    await platform?.stop();
  });

  /** Concrete URLs for each GET route pattern, with the reader's own records' ids. A route without an entry fails the crawl. */
  function urlsFor(route: string): string[] | undefined {
    const urls: Record<string, string[]> = {
      'GET /sessions': [
        '/api/sessions',
        '/api/sessions?pageSize=200',
        `/api/sessions?studentId=${child.id}`,
        `/api/sessions?providerId=${tutor.id}`,
        `/api/sessions?from=2020-01-01&to=2099-12-31`,
      ],
      'GET /sessions/:id': posted.map((id) => `/api/sessions/${id}`),
      'GET /me': ['/api/me'],
      'GET /district': ['/api/district'],
      'GET /me/notifications': ['/api/me/notifications', '/api/me/notifications?unread=true&pageSize=200'],
      // Their own second factor and sign-ins: an account's own security, nothing of a session or another person.
      'GET /me/mfa': ['/api/me/mfa'],
      'GET /me/sign-ins': ['/api/me/sign-ins', '/api/me/sign-ins?pageSize=200'],
      'GET /me/preferences': ['/api/me/preferences'],
      'GET /me/upcoming-sessions': ['/api/me/upcoming-sessions', `/api/me/upcoming-sessions?from=${encodeURIComponent(minutesAgo(60 * 24 * 7))}&to=${encodeURIComponent(minutesAgo(-60 * 24 * 30))}`],
      // Probes are served outside /api.
      'GET /health/live': ['/health/live'],
      'GET /health/ready': ['/health/ready'],
      'GET /calendar-feeds/:file': [`/api/calendar-feeds/${district.id}.${randomBytes(16).toString('hex')}.ics`],
      'GET /auth/sso/:district/start': [`/api/auth/sso/${district.id}/start`],
      'GET /auth/sso/callback': ['/api/auth/sso/callback'],
    };
    return urls[route];
  }

  /** The GET routes a role may call: those declaring the role, and the public ones. */
  function routesOf(role: 'guardian' | 'student'): string[] {
    return routeInventory(platform.gateway)
      .filter((r) => r.route.startsWith('GET '))
      .filter((r) => r.access?.kind === 'public' || (r.access?.kind === 'roles' && r.access.roles.includes(role)))
      .map((r) => r.route)
      .sort();
  }

  async function crawl(role: 'guardian' | 'student', reader: Session): Promise<{ seen: Record<string, { status: number | number[]; fields: string[] }>; responses: { url: string; response: Response }[] }> {
    const seen: Record<string, { status: number | number[]; fields: string[] }> = {};
    const responses: { url: string; response: Response }[] = [];
    for (const route of routesOf(role)) {
      const urls = urlsFor(route);
      if (!urls) throw new Error(`${route} is reachable by a ${role} but not crawled: add its URLs to urlsFor and its fields to ALLOWED`);
      const fields = new Set<string>();
      const statuses = new Set<number>();
      for (const url of urls) {
        const response = await api(reader).get(url);
        responses.push({ url, response });
        statuses.add(response.status);
        if (response.status < 300 && response.type === 'application/json') for (const path of fieldPaths(response.body)) fields.add(path);
      }
      seen[route] = { status: statuses.size === 1 ? [...statuses][0] : [...statuses], fields: [...fields].sort() };
    }
    return { seen, responses };
  }

  for (const role of ['guardian', 'student'] as const) {
    it(`gives a ${role} on every GET route exactly the fields of the reviewed allow-list`, async () => {
      const reader = role === 'guardian' ? guardianSession : studentSession;
      const { seen } = await crawl(role, reader);
      const expected = Object.fromEntries(Object.entries(ALLOWED[role]).map(([route, { status, fields }]) => [route, { status, fields: [...fields].sort() }]));
      expect(seen).toEqual(expected);
    });

    it(`never sends a ${role} a work-order type, description, cancellation reason, qualifier criteria, tag, override reason, admin note or another child’s note`, async () => {
      const reader = role === 'guardian' ? guardianSession : studentSession;
      const { responses } = await crawl(role, reader);
      const secrets = [DESCRIPTION, PLACE, ACTIVITIES, CANCEL_REASON, OVERRIDE_REASON, ADMIN_NOTE, OTHER_CHILD, UNPOSTED, ...REVEALING_CODES, ...(role === 'student' ? [CLIENT_NOTE] : [])];
      for (const { url, response } of responses) {
        for (const secret of secrets) expect({ url, leaked: response.text.includes(secret) ? secret : null }).toEqual({ url, leaked: null });
      }
      if (role === 'guardian') {
        const notifications = (await api(reader).get('/api/me/notifications').expect(200)).body.items as Record<string, unknown>[];
        for (const notification of notifications) {
          expect(notification).toMatchObject({ kind: 'digest', recipientStudentId: child.id, ...Object.fromEntries(NOTIFICATION_TASK_FIELDS.map((field) => [field, null])) });
        }
      }
      // What they may see, they do see: their notes, the provider, the subject.
      const one = (await api(reader).get(`/api/sessions/${posted[0]}`).expect(200)).body;
      expect(one).toMatchObject({ providerName: 'Tara User1', participants: [{ personId: child.id, subject: 'Reading', studentNote: NOTE(1) }] });
      if (role === 'guardian') expect(one.participants[0].clientNote).toBe(`${CLIENT_NOTE} 1`);
      const upcoming = (await api(reader).get('/api/me/upcoming-sessions').expect(200)).body.items;
      expect(upcoming.length).toBeGreaterThanOrEqual(1);
      for (const item of upcoming) expect(item).toMatchObject({ studentId: child.id, service: 'tutoring', providerName: 'Tara User1', cancelled: false });
    });

    it(`answers 404 to a ${role} for an unposted session of theirs, and leaves it out of every list`, async () => {
      const reader = role === 'guardian' ? guardianSession : studentSession;
      const refused = await api(reader).get(`/api/sessions/${unposted}`).expect(404);
      expect(refused.text).not.toContain(UNPOSTED);
      for (const url of urlsFor('GET /sessions')!) {
        const listed = (await api(reader).get(url).expect(200)).body;
        expect(listed.items.map((s: { id: string }) => s.id)).not.toContain(unposted);
      }
      const all = (await api(reader).get('/api/sessions?pageSize=200').expect(200)).body;
      expect(all.items.map((s: { id: string }) => s.id).sort()).toEqual([...posted].sort());
      expect(all.total).toBe(posted.length);
      // The staff who may change it still see it.
      await api(tutorSession).get(`/api/sessions/${unposted}`).expect(200);
    });
  }

  it('crawls a route the moment it becomes reachable: the inventory decides what is called, not a hand-kept list', () => {
    for (const role of ['guardian', 'student'] as const) {
      expect(routesOf(role)).toEqual(Object.keys(ALLOWED[role]).sort());
    }
  });
});
