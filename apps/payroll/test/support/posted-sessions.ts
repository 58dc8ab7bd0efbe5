import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { PostedParticipant, PostedSessionSnapshot, SESSION_AMENDED, SESSION_POSTED } from '@sessionledger/contracts';
import { AttendanceStatus } from '@sessionledger/session-rules';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { waitFor } from '@sessionledger/testing';

/**
 * Posted-session events as session-log emits them, for tests of payroll's
 * side: snapshots built here, published on the real bus, waited for in
 * payroll's inbox.
 */
export const NO_QUALIFIERS: PostedParticipant['qualifiers'] = {
  homebound: false,
  detention: false,
  creditRecovery: false,
  remedial: false,
  remedialCriteria: [],
  subject: null,
};
export const REMEDIAL: PostedParticipant['qualifiers'] = { ...NO_QUALIFIERS, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Math' };

/** One student as session-log posts them; `minutes` is what they received (0 unless they attended). */
export function postedStudent(status: AttendanceStatus, minutes: number, qualifiers = REMEDIAL): PostedParticipant {
  const attended = status === 'attended';
  return {
    participantId: randomUUID(),
    kind: 'student',
    personId: randomUUID(),
    name: `Student ${minutes}`,
    stateId: null,
    schoolId: null,
    schoolCode: null,
    attendanceStatus: status,
    timeIn: attended ? '2026-03-04T15:00:00.000Z' : null,
    timeOut: attended ? '2026-03-04T16:00:00.000Z' : null,
    timeAwayMinutes: 0,
    minutes: attended ? minutes : 0,
    qualifiers,
    activities: [],
  };
}

/**
 * A posted Tutoring session: 45 minutes, four attending remedial students
 * (payable under Tutoring); `fields` override any of it.
 */
export function postedSnapshot(
  fields: Partial<PostedSessionSnapshot> & Pick<PostedSessionSnapshot, 'providerId' | 'schoolId' | 'workOrderId'>,
): PostedSessionSnapshot {
  const sessionDate = fields.sessionDate ?? '2026-03-04';
  return {
    sessionId: randomUUID(),
    version: 1,
    providerName: 'Tess Tutor',
    schoolCode: null,
    service: 'tutoring',
    participantKind: 'student',
    workOrderType: 'tutoring',
    sessionDate,
    startedAt: `${sessionDate}T15:00:00.000Z`,
    endedAt: `${sessionDate}T15:45:00.000Z`,
    state: 'ended',
    rawMinutes: 45,
    adjustedMinutes: 45,
    description: 'Fractions',
    familyInvolvement: false,
    tags: [],
    careerLadderGoalTagged: false,
    participants: [postedStudent('attended', 45), postedStudent('attended', 45), postedStudent('attended', 45), postedStudent('attended', 45)],
    contentHash: 'a'.repeat(64),
    signedAt: `${sessionDate}T16:00:00.000Z`,
    signedBy: fields.providerId,
    ...fields,
  };
}

/** The next version of a snapshot, as an amendment would post it. */
export function amendedSnapshot(previous: PostedSessionSnapshot, changes: Partial<PostedSessionSnapshot> = {}): PostedSessionSnapshot {
  return { ...previous, version: previous.version + 1, contentHash: String(previous.version + 1).repeat(64).slice(0, 64), ...changes };
}

export type PostingEvent = { posted: PostedSessionSnapshot } | { amended: PostedSessionSnapshot; reason: string };

/** Rows of a payroll table under the district (row-level security applies). */
export function payrollRows<T = Record<string, unknown>>(payroll: NestFastifyApplication, districtId: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return payroll.get(TenantTransactions).run(districtId, (em) => em.execute(sql, params) as Promise<T[]>);
}

async function takenEvents(payroll: NestFastifyApplication, districtId: string): Promise<number> {
  const [{ count }] = await payrollRows<{ count: number }>(payroll, districtId, `select count(*)::int as count from payroll.inbox_event where name like 'session-log.%'`);
  return count;
}

/**
 * Publishes the events to payroll's queue through the real bus (each emit is
 * a new event id) and waits until payroll has taken every one of them.
 */
export async function deliverPostings(gateway: NestFastifyApplication, payroll: NestFastifyApplication, districtId: string, ...events: PostingEvent[]): Promise<void> {
  const before = await takenEvents(payroll, districtId);
  const bus = gateway.get(ServiceBus);
  for (const event of events) {
    if ('posted' in event) await bus.emit(SESSION_POSTED, { districtId, snapshot: event.posted });
    else await bus.emit(SESSION_AMENDED, { districtId, snapshot: event.amended, previousVersion: event.amended.version - 1, reason: event.reason });
  }
  await waitFor(async () => (await takenEvents(payroll, districtId)) >= before + events.length, 15_000);
}
