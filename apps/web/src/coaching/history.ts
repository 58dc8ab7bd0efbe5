/*
 * A coach's history read from their own sessions: the API lists sessions by
 * provider but has no filter for the service or the teacher coached, so the
 * coaching sessions and their teachers are picked out here.
 */
import type { Schemas } from '@sessionledger/api-client';

export type CoachingSession = Schemas['SessionReply'];
export type CoachingField = Schemas['CoachingField'];
type ListedSession = Schemas['SessionReply'] | Schemas['FamilySessionReply'];

export interface TeacherSummary {
  staffId: string;
  name: string;
  sessions: number;
  /** Minutes of the sessions that have a duration (ended ones): the adjusted duration when set, else as run. */
  minutes: number;
  /** The newest session's day (YYYY-MM-DD, district-local). */
  lastDay: string;
}

export interface LogEntry {
  label: string;
  value: string;
}

/** Sessions whose participants are staff (coaching), as the provider or an admin reads them. */
export function coachingSessionsOf(items: readonly ListedSession[]): CoachingSession[] {
  return items.filter((s): s is CoachingSession => (s.audience === 'provider' || s.audience === 'admin') && s.participantKind === 'staff');
}

/** What a session counts: nothing for a cancelled one or one still running. */
export function sessionMinutes(session: Pick<CoachingSession, 'state' | 'adjustedMinutes' | 'rawMinutes'>): number | null {
  if (session.state !== 'ended') return null;
  return session.adjustedMinutes ?? session.rawMinutes ?? null;
}

/** Every teacher met in the sessions, by name, with how often and how long; sessions are expected newest first (the API's order). */
export function teachersOf(sessions: readonly CoachingSession[]): TeacherSummary[] {
  const byId = new Map<string, TeacherSummary>();
  for (const session of sessions) {
    for (const participant of session.participants) {
      if (participant.kind !== 'staff') continue;
      const known = byId.get(participant.personId);
      const minutes = sessionMinutes(session) ?? 0;
      if (known) {
        known.sessions += 1;
        known.minutes += minutes;
        if (session.sessionDate > known.lastDay) known.lastDay = session.sessionDate;
      } else {
        byId.set(participant.personId, { staffId: participant.personId, name: participant.name, sessions: 1, minutes, lastDay: session.sessionDate });
      }
    }
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.staffId.localeCompare(b.staffId));
}

export function sessionsWithTeacher(sessions: readonly CoachingSession[], staffId: string): CoachingSession[] {
  return sessions.filter((s) => s.participants.some((p) => p.kind === 'staff' && p.personId === staffId));
}

function shown(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : null;
  return String(value);
}

/** The categories of a log: the values of its choice fields (the district's own fields decide which those are). */
export function categoriesOf(log: CoachingSession['coachingLog'], fields: readonly CoachingField[]): string[] {
  if (!log) return [];
  return fields
    .filter((f) => f.type === 'choice' || f.type === 'multi_choice')
    .flatMap((f) => {
      const value = log[f.name];
      if (Array.isArray(value)) return value.map(String);
      return typeof value === 'string' && value ? [value] : [];
    });
}

/**
 * The log's values in the catalog's order under the catalog's labels; a
 * value whose field the district has since removed is still shown, under
 * its name, since the session was logged with it.
 */
export function logEntries(log: CoachingSession['coachingLog'], fields: readonly CoachingField[]): LogEntry[] {
  if (!log) return [];
  const known = fields.flatMap((f) => {
    const value = shown(log[f.name]);
    return value === null ? [] : [{ label: f.label, value }];
  });
  const names = new Set(fields.map((f) => f.name));
  const removed = Object.entries(log).flatMap(([name, raw]) => {
    const value = names.has(name) ? null : shown(raw);
    return value === null ? [] : [{ label: name, value }];
  });
  return [...known, ...removed];
}

/** A fresh log: every yes/no field starts at "no", so a required one is never missing for want of a tap. */
export function initialLogValues(log: CoachingSession['coachingLog'], fields: readonly CoachingField[]): Record<string, unknown> {
  const values: Record<string, unknown> = { ...(log ?? {}) };
  for (const f of fields) if (f.type === 'boolean' && values[f.name] === undefined) values[f.name] = false;
  return values;
}

/** A choice of this few options is shown as one-tap chips, not a drop-down (one interaction instead of two). */
export const FEW_OPTIONS = 8;
