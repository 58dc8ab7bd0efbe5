import { CalendarEntry, CalendarEntryState, CalendarWarning, OccurrenceReply, SessionReply } from '@sessionledger/contracts';

/** An entry with the students it involves, which the overlap check needs and the reply does not carry. */
export interface PlacedEntry {
  entry: CalendarEntry;
  studentIds: string[];
}

const occurrenceKey = (seriesId: string, occurrenceStart: string) => `${seriesId}/${new Date(occurrenceStart).toISOString()}`;

function sessionState(session: SessionReply): CalendarEntryState {
  if (session.posted) return 'posted';
  if (session.state !== 'cancelled') return session.state;
  const status = session.participants.find((p) => p.attendanceStatus?.startsWith('cancelled_'))?.attendanceStatus;
  return status === 'cancelled_billable' || status === 'cancelled_nonbillable' ? status : 'cancelled';
}

/**
 * Planned occurrences and actual sessions as one list: a session started
 * from an occurrence takes its place (kind `session`, with the occurrence);
 * a session from no occurrence is ad hoc (`occurrence: null`).
 */
export function mergeCalendar(occurrences: OccurrenceReply[], sessions: SessionReply[], groupMembers: Map<string, string[]>): PlacedEntry[] {
  const byKey = new Map(occurrences.map((o) => [occurrenceKey(o.seriesId, o.occurrenceStart), o]));
  const started = new Set<string>();
  const placed: PlacedEntry[] = sessions.map((session) => {
    const key = session.occurrence ? occurrenceKey(session.occurrence.seriesId, session.occurrence.occurrenceStart) : null;
    if (key) started.add(key);
    const planned = key ? byKey.get(key) : undefined;
    // A cancelled session is closed at its start; the calendar shows the time it had planned.
    const endsAt =
      session.state === 'cancelled' && session.plannedMinutes !== null
        ? new Date(Date.parse(session.startedAt) + session.plannedMinutes * 60_000).toISOString()
        : session.endedAt;
    return {
      entry: {
        kind: 'session',
        id: session.id,
        sessionId: session.id,
        occurrence: session.occurrence ?? null,
        startsAt: session.startedAt,
        endsAt,
        service: session.service,
        description: session.description,
        placeOfService: planned?.placeOfService ?? null,
        providerId: session.providerId,
        schoolId: session.schoolId,
        participantCount: session.participants.length,
        state: sessionState(session),
      },
      studentIds: session.participants.filter((p) => p.kind === 'student').map((p) => p.personId),
    };
  });
  for (const occurrence of occurrences) {
    const key = occurrenceKey(occurrence.seriesId, occurrence.occurrenceStart);
    if (started.has(key)) continue;
    const studentIds = occurrence.groupId ? (groupMembers.get(occurrence.groupId) ?? []) : occurrence.students.map((s) => s.studentId);
    placed.push({
      entry: {
        kind: 'occurrence',
        id: key,
        sessionId: null,
        occurrence: { seriesId: occurrence.seriesId, occurrenceStart: occurrence.occurrenceStart },
        startsAt: occurrence.startsAt,
        endsAt: occurrence.endsAt,
        service: occurrence.service,
        description: occurrence.description,
        placeOfService: occurrence.placeOfService,
        providerId: occurrence.providerId,
        schoolId: occurrence.schoolId,
        participantCount: studentIds.length,
        state: occurrence.cancellation?.attendance ?? 'planned',
      },
      studentIds,
    });
  }
  return placed.sort((a, b) => a.entry.startsAt.localeCompare(b.entry.startsAt) || a.entry.id.localeCompare(b.entry.id));
}

const CANCELLED: CalendarEntryState[] = ['cancelled', 'cancelled_billable', 'cancelled_nonbillable'];

/** Where an entry occupies time; an active session runs until now at least. */
function span(entry: CalendarEntry, now: number): [number, number] {
  const start = Date.parse(entry.startsAt);
  return [start, entry.endsAt ? Date.parse(entry.endsAt) : Math.max(now, start + 60_000)];
}

/**
 * Overlapping entries that are not cancelled: the same provider in both, or
 * a student in both. Each pair is reported once per provider and per student.
 */
export function doubleBookings(placed: PlacedEntry[], now = Date.now()): CalendarWarning[] {
  const live = placed.filter((p) => !CANCELLED.includes(p.entry.state)).map((p) => ({ ...p, span: span(p.entry, now) }));
  const warnings: CalendarWarning[] = [];
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length && live[j].span[0] < live[i].span[1]; j++) {
      const [a, b] = [live[i], live[j]];
      if (a.span[0] >= b.span[1]) continue;
      const entryIds: [string, string] = [a.entry.id, b.entry.id];
      if (a.entry.providerId === b.entry.providerId) {
        warnings.push({ code: 'CALENDAR.PROVIDER_DOUBLE_BOOKED', message: 'The provider is booked twice at the same time', providerId: a.entry.providerId, entryIds });
      }
      for (const studentId of a.studentIds.filter((id) => b.studentIds.includes(id))) {
        warnings.push({ code: 'CALENDAR.STUDENT_DOUBLE_BOOKED', message: 'A student is booked twice at the same time', studentId, entryIds });
      }
    }
  }
  return warnings;
}
