import type {
  DirectoryRecordChanged,
  PayPeriodClosed,
  PostedSessionSnapshot,
  RosterImportFinished,
  SessionAmended,
  SessionPosted,
  StateExportFinished,
} from '@sessionledger/contracts';

/** The events an endpoint may subscribe to: the `type` of each webhook. */
export const WEBHOOK_EVENT_TYPES = [
  'session.posted',
  'session.amended',
  'pay_period.closed',
  'state_export.finished',
  'roster_import.finished',
  'school.changed',
  'staff.changed',
  'student.changed',
  'guardian.changed',
  'group.changed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookMessage {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/**
 * A posted version as a district system needs it: ids, dates, minutes and
 * attendance. Never names, notes, descriptions or qualifier details: the
 * receiver reads those through the API under its own permissions.
 */
function sessionData(snapshot: PostedSessionSnapshot): Record<string, unknown> {
  return {
    sessionId: snapshot.sessionId,
    version: snapshot.version,
    providerId: snapshot.providerId,
    schoolId: snapshot.schoolId,
    workOrderId: snapshot.workOrderId ?? null,
    sessionDate: snapshot.sessionDate,
    startedAt: snapshot.startedAt,
    endedAt: snapshot.endedAt,
    state: snapshot.state,
    minutes: snapshot.adjustedMinutes ?? snapshot.rawMinutes,
    participants: snapshot.participants.map((participant) => ({
      kind: participant.kind,
      personId: participant.personId,
      attendanceStatus: participant.attendanceStatus,
    })),
    signedAt: snapshot.signedAt,
    contentHash: snapshot.contentHash,
  };
}

/** Each platform event a webhook reports, and what its `type` and `data` are. */
export const WEBHOOK_SOURCES = {
  sessionPosted: (event: SessionPosted): WebhookMessage => ({ type: 'session.posted', data: sessionData(event.snapshot) }),
  sessionAmended: (event: SessionAmended): WebhookMessage => ({
    type: 'session.amended',
    data: { ...sessionData(event.snapshot), previousVersion: event.previousVersion },
  }),
  payPeriodClosed: (event: PayPeriodClosed): WebhookMessage => ({
    type: 'pay_period.closed',
    data: { periodId: event.periodId, startsOn: event.startsOn, endsOn: event.endsOn, closedAt: event.closedAt },
  }),
  stateExportFinished: (event: StateExportFinished): WebhookMessage => ({
    type: 'state_export.finished',
    data: { exportId: event.exportId, format: event.format, status: event.status, records: event.records ?? null, finishedAt: event.finishedAt },
  }),
  rosterImportFinished: (event: RosterImportFinished): WebhookMessage => ({
    type: 'roster_import.finished',
    data: {
      importId: event.importId,
      status: event.status,
      dryRun: event.dryRun,
      errorCount: event.errorCount,
      failureCode: event.failureCode ?? null,
      finishedAt: event.finishedAt,
    },
  }),
  directoryRecordChanged: (event: DirectoryRecordChanged): WebhookMessage => ({
    type: `${event.record}.changed`,
    data: { id: event.id, sourcedId: event.sourcedId ?? null, change: event.change, active: event.active, version: event.version },
  }),
} as const;
