/*
 * What a running session keeps while the network is away: the provider's
 * time-ins, time-outs, notes and the end, in the order they were made. The
 * rules here are pure (no IndexedDB, no fetch) so they can be tested alone:
 * how a kept write changes what the screen shows, which version it is sent
 * with, and what a refusal means.
 */
import type { Participant, ParticipantChanges, SessionView } from '../sessions/api';

interface KeptWriteBase {
  /** IndexedDB's key: the order the provider acted in. */
  seq?: number;
  /** Whose write it is: only that user's sign-in ever sends it. */
  userId: string;
  sessionId: string;
  /** Sent as `Idempotency-Key`: a write whose answer was lost is answered again, never applied twice. */
  key: string;
  /**
   * Once true the body is fixed: it may have reached the API, and the same
   * key with another body would be refused (422). Until then the version may
   * follow the provider's own earlier writes.
   */
  sent: boolean;
  /** The session's version on the screen when the provider acted. */
  sessionVersion: number;
  createdAt: string;
}

export interface KeptParticipantWrite extends KeptWriteBase {
  kind: 'participant';
  participantId: string;
  /** The participant's version the provider saw: a change by someone else since then is a conflict. */
  participantVersion: number;
  changes: ParticipantChanges;
}

export interface KeptEnd extends KeptWriteBase {
  kind: 'end';
  endedAt: string;
}

export type KeptWrite = KeptParticipantWrite | KeptEnd;

/** A kept write the API refused: a conflict (409, someone else changed it) shows both versions; any other refusal, its reason. */
export interface RefusedWrite {
  write: KeptWrite;
  status: number;
  code: string;
  message: string;
  /** The session as the API has it now, read after the refusal. */
  server: SessionView | undefined;
}

/**
 * The session as the provider left it: the server's copy with the kept
 * writes laid over it in order. Versions stay the server's, so the next
 * write still names what the provider last saw from the API.
 */
export function withKeptWrites(session: SessionView, writes: readonly KeptWrite[]): SessionView {
  let view = session;
  for (const write of writes) {
    if (write.sessionId !== session.id) continue;
    if (write.kind === 'participant') {
      view = { ...view, participants: view.participants.map((p) => (p.id === write.participantId ? applyChanges(p, write.changes, view) : p)) };
    } else {
      view = {
        ...view,
        state: 'ended',
        endedAt: write.endedAt,
        rawMinutes: Math.max(0, Math.round((Date.parse(write.endedAt) - Date.parse(view.startedAt)) / 60_000)),
        // The API times out at the end everyone still in; the screen says the same until it answers.
        participants: view.participants.map((p) => (p.present !== false && p.timeIn && !p.timeOut ? { ...p, timeOut: write.endedAt } : p)),
      };
    }
  }
  return view;
}

function applyChanges(participant: Participant, changes: ParticipantChanges, session: SessionView): Participant {
  const next: Participant = { ...participant };
  for (const [field, value] of Object.entries(changes) as [keyof ParticipantChanges, unknown][]) {
    if (value !== undefined) (next as Record<string, unknown>)[field] = value;
  }
  // Marked present without a time: the API times them in at the session's start.
  if (changes.present === true && !next.timeIn) next.timeIn = session.startedAt;
  return next;
}

/** The body a kept write is sent with. */
export function bodyOf(write: KeptParticipantWrite): ParticipantChanges & { version: number };
export function bodyOf(write: KeptEnd): { version: number; endedAt: string };
export function bodyOf(write: KeptWrite): Record<string, unknown> {
  return write.kind === 'participant' ? { ...write.changes, version: write.participantVersion } : { version: write.sessionVersion, endedAt: write.endedAt };
}

/**
 * After `done` was answered with `reply`, the writes kept behind it that were
 * based on the same versions now follow the versions the provider's own write
 * produced: three notes typed offline are three steps of one participant, not
 * three conflicts with each other. Writes already sent keep their body.
 */
export function followOwnWrite(later: readonly KeptWrite[], done: KeptWrite, reply: SessionView): KeptWrite[] {
  const after = done.kind === 'participant' ? reply.participants.find((p) => p.id === done.participantId)?.version : undefined;
  return later.map((write) => {
    if (write.sent || write.sessionId !== done.sessionId) return write;
    let next = write;
    if (write.sessionVersion === done.sessionVersion && reply.version !== write.sessionVersion) next = { ...next, sessionVersion: reply.version };
    if (
      next.kind === 'participant' &&
      done.kind === 'participant' &&
      next.participantId === done.participantId &&
      next.participantVersion === done.participantVersion &&
      after !== undefined
    ) {
      next = { ...next, participantVersion: after };
    }
    return next;
  });
}

/**
 * "Keep mine" after a conflict: the same change, based on what the server
 * has now, under a new key (the old key's body was refused and is kept for
 * replay under that key).
 */
export function rebasedOnServer(write: KeptWrite, server: SessionView, newKey: string): KeptWrite {
  if (write.kind === 'end') return { ...write, key: newKey, sent: false, sessionVersion: server.version };
  const current = server.participants.find((p) => p.id === write.participantId);
  return { ...write, key: newKey, sent: false, sessionVersion: server.version, participantVersion: current?.version ?? write.participantVersion };
}

/** No answer at all (offline, DNS, a dropped connection): fetch rejects with a TypeError. An answer, even a 503, is not this. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError;
}

/** What a kept write changes, in the provider's words, for the status line and the conflict dialog. */
export function describeWrite(write: KeptWrite, session: SessionView | undefined): string {
  if (write.kind === 'end') return 'End of the session';
  const name = session?.participants.find((p) => p.id === write.participantId)?.name ?? 'A student';
  const fields = Object.keys(write.changes);
  if (fields.some((f) => f.endsWith('Note'))) return `${name}: note`;
  if (write.changes.present === true) return `${name}: present`;
  if (write.changes.timeOut) return `${name}: time out`;
  return `${name}: ${fields.join(', ')}`;
}

/** The fields a conflict shows side by side: what the provider's write sets, and the same fields on the server now. */
export function conflictRows(write: KeptWrite, server: SessionView | undefined): { field: string; mine: string; theirs: string }[] {
  if (write.kind === 'end') {
    return [
      { field: 'State', mine: 'ended', theirs: server?.state ?? 'unknown' },
      { field: 'Ended at', mine: write.endedAt, theirs: server?.endedAt ?? '—' },
    ];
  }
  const current = server?.participants.find((p) => p.id === write.participantId) as Record<string, unknown> | undefined;
  return Object.entries(write.changes).map(([field, value]) => ({ field, mine: shown(value), theirs: current ? shown(current[field]) : 'removed from the session' }));
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
