import { describe, expect, it } from 'vitest';
import type { SessionView } from '../sessions/api';
import { bodyOf, conflictRows, followOwnWrite, isNetworkFailure, rebasedOnServer, withKeptWrites, type KeptEnd, type KeptParticipantWrite } from './outbox';

const STARTED = '2026-12-04T15:00:00.000Z';

function session(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1',
    version: 4,
    state: 'active',
    startedAt: STARTED,
    endedAt: null,
    rawMinutes: null,
    participants: [
      { id: 'p1', name: 'Ida Park', present: null, timeIn: null, timeOut: null, studentNote: null, version: 2 },
      { id: 'p2', name: 'Jon Lee', present: true, timeIn: STARTED, timeOut: null, studentNote: 'Kept', version: 7 },
    ],
    ...overrides,
  } as unknown as SessionView;
}

const base = { userId: 'u1', sessionId: 's1', sent: false, sessionVersion: 4, createdAt: '2026-12-04T15:10:00.000Z' };
const note = (key: string, participantId: string, participantVersion: number, studentNote: string): KeptParticipantWrite => ({
  ...base,
  kind: 'participant',
  key,
  participantId,
  participantVersion,
  changes: { studentNote },
});
const end: KeptEnd = { ...base, kind: 'end', key: 'k-end', endedAt: '2026-12-04T15:45:00.000Z' };

describe('withKeptWrites', () => {
  it('shows the kept writes over the server copy in order, keeping the server versions', () => {
    const present: KeptParticipantWrite = { ...base, kind: 'participant', key: 'k1', participantId: 'p1', participantVersion: 2, changes: { present: true } };
    const view = withKeptWrites(session(), [present, note('k2', 'p1', 2, 'First'), note('k3', 'p1', 2, 'Second'), end]);
    const ida = view.participants.find((p) => p.id === 'p1')!;
    expect(ida).toMatchObject({ present: true, timeIn: STARTED, studentNote: 'Second', version: 2, timeOut: end.endedAt });
    expect(view).toMatchObject({ state: 'ended', endedAt: end.endedAt, rawMinutes: 45, version: 4 });
  });

  it('ignores writes of other sessions', () => {
    const other = { ...note('k1', 'p1', 2, 'Elsewhere'), sessionId: 's2' };
    expect(withKeptWrites(session(), [other]).participants[0].studentNote).toBeNull();
  });
});

describe('followOwnWrite', () => {
  it('moves later unsent writes of the same participant and the end onto the versions the provider’s own write produced', () => {
    const first = note('k1', 'p1', 2, 'First');
    const later = [note('k2', 'p1', 2, 'Second'), note('k3', 'p2', 7, 'Other'), end];
    const reply = session({ version: 5, participants: [{ ...session().participants[0], version: 3 }, session().participants[1]] });
    const [second, other, ended] = followOwnWrite(later, first, reply);
    expect(second).toMatchObject({ participantVersion: 3, sessionVersion: 5 });
    expect(other).toMatchObject({ participantVersion: 7, sessionVersion: 5 });
    expect(bodyOf(ended as KeptEnd)).toEqual({ version: 5, endedAt: end.endedAt });
  });

  it('never changes a write that may have reached the API (its body is fixed under its key)', () => {
    const sent = { ...note('k2', 'p1', 2, 'Second'), sent: true };
    const reply = session({ version: 5, participants: [{ ...session().participants[0], version: 3 }] });
    expect(followOwnWrite([sent], note('k1', 'p1', 2, 'First'), reply)[0]).toBe(sent);
  });
});

describe('a refused write', () => {
  it('is kept on the server’s versions under a new key when the provider keeps theirs', () => {
    const server = session({ version: 9, participants: [{ ...session().participants[0], version: 5, studentNote: 'Theirs' }] });
    const rebased = rebasedOnServer({ ...note('k1', 'p1', 2, 'Mine'), sent: true }, server, 'k-new');
    expect(rebased).toMatchObject({ key: 'k-new', sent: false, participantVersion: 5, sessionVersion: 9 });
    expect(bodyOf(rebased as KeptParticipantWrite)).toEqual({ studentNote: 'Mine', version: 5 });
  });

  it('shows the fields it sets beside the server’s', () => {
    const server = session({ participants: [{ ...session().participants[0], studentNote: 'Theirs' }] });
    expect(conflictRows(note('k1', 'p1', 2, 'Mine'), server)).toEqual([{ field: 'studentNote', mine: 'Mine', theirs: 'Theirs' }]);
    expect(conflictRows(note('k1', 'gone', 2, 'Mine'), server)[0].theirs).toBe('removed from the session');
  });
});

describe('isNetworkFailure', () => {
  it('is a request without an answer, never an answer of the API', () => {
    expect(isNetworkFailure(new TypeError('Failed to fetch'))).toBe(true);
    expect(isNetworkFailure(Object.assign(new Error('busy'), { status: 503 }))).toBe(false);
  });
});
