/*
 * What the Needs Attention screen says about each item, from what the API
 * answers: who flagged a session and when (its trail), the notes its provider
 * left for admins, what blocks posting (the audit, in the API's words), a
 * duration override; overdue tasks and escalations of the admin's schools.
 */
import type { Schemas } from '@sessionledger/api-client';

export type Session = Schemas['SessionReply'];
export type SessionChange = Schemas['SessionChangeReply'];
export type Audit = Schemas['SessionAuditReply'];
export type Task = Schemas['TaskReply'];
export type Notification = Schemas['NotificationReply'];

export const TASK_LABELS: Record<Task['kind'], string> = { attendance: 'Attendance not recorded', notes: 'Student notes not written' };

export interface Flagging {
  by: string;
  at: string;
}

/**
 * The newest change that put the session in the queue. The flag carries no
 * reason of its own; its trail entry is the only record of who raised it.
 */
export function latestFlagging(changes: readonly SessionChange[]): Flagging | null {
  let latest: SessionChange | null = null;
  for (const change of changes) {
    if (change.action !== 'updated' || change.detail.needsAttention !== true) continue;
    if (!latest || change.at > latest.at || (change.at === latest.at && change.id > latest.id)) latest = change;
  }
  return latest ? { by: latest.actorName, at: latest.at } : null;
}

export interface AdminNote {
  participantId: string;
  name: string;
  note: string;
}

/** The notes to admins, where a provider says what the admins should look at. */
export function adminNotes(session: Pick<Session, 'participants'>): AdminNote[] {
  return session.participants.flatMap((p) => (p.adminNote?.trim() ? [{ participantId: p.id, name: p.name, note: p.adminNote.trim() }] : []));
}

/** "Tutoring · Group 3a1f · Fractions": what the session was, in the words the provider gave it. */
export function sessionTitle(session: Pick<Session, 'service' | 'group' | 'description'>, serviceName: (code: string) => string): string {
  return [serviceName(session.service), session.group?.name, session.description].filter(Boolean).join(' · ');
}

/**
 * The duration a session needs an admin for: the audit says so
 * (`SESSION.DURATION_OUT_OF_RANGE`) when it is outside the range a provider
 * may set, which only an admin's override with a reason changes.
 */
export function durationProblem(audit: Pick<Audit, 'problems'> | undefined): string | null {
  return audit?.problems.find((problem) => problem.code === 'SESSION.DURATION_OUT_OF_RANGE')?.message ?? null;
}

/**
 * The duration can be set (or overridden) on an ended session not yet
 * posted; after posting only an amendment changes it (409 SESSION.POSTED).
 */
export function durationSettable(session: Pick<Session, 'state' | 'posted'>): boolean {
  return session.state === 'ended' && !session.posted;
}

/** The minutes the duration dialog starts from: what the session has now, else its run time to 5 minutes. */
export function startingMinutes(session: Pick<Session, 'adjustedMinutes' | 'rawMinutes'>): number | null {
  if (session.adjustedMinutes !== null) return session.adjustedMinutes;
  return session.rawMinutes !== null ? Math.max(5, Math.round(session.rawMinutes / 5) * 5) : null;
}

/** Escalations among a page of the admin's notifications (the list has no `kind` filter). */
export function escalationsOf(notifications: readonly Notification[]): Notification[] {
  return notifications.filter((notification) => notification.kind === 'escalation');
}

/** The distinct providers a page names, for one name lookup each. */
export function providerIds(items: readonly { providerId: string | null }[]): string[] {
  return [...new Set(items.flatMap((item) => (item.providerId ? [item.providerId] : [])))];
}
