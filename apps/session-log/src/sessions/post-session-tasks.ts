import { EntityManager } from '@mikro-orm/postgresql';
import { TASK_CLOSED, TASK_OPENED } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import { DistrictContext } from '../district-context';
import { Participant, PostSessionTask, Session, TaskKind } from './session.entities';

/**
 * Post-session tasks exist from the moment a session starts and are done
 * when the session's own data says so; they are kept beside the session so
 * their state changes in the same transaction as the log.
 */
export function createTasks(em: EntityManager, session: Session, district: DistrictContext, providerEmail?: string, providerLanguage?: string): void {
  const dueAt = new Date(session.startedAt.getTime() + district.settings.taskDueHours * 3_600_000);
  for (const kind of ['attendance', 'notes'] as const) {
    const task = new PostSessionTask(session, kind, dueAt);
    em.persist(task);
    recordTaskOpened(em, task, task.createdAt, providerEmail, providerLanguage);
  }
}

/** Scheduling mirrors open tasks to remind and escalate; the event commits with the task's change. */
function recordTaskOpened(em: EntityManager, task: PostSessionTask, at: Date, providerEmail?: string, providerLanguage?: string): void {
  recordEvent(em, TASK_OPENED, {
    districtId: task.districtId,
    taskId: task.id,
    sessionId: task.sessionId,
    kind: task.kind,
    providerId: task.providerId,
    schoolId: task.schoolId,
    dueAt: task.dueAt.toISOString(),
    changedAt: at.toISOString(),
    ...(providerEmail ? { providerEmail } : {}),
    ...(providerEmail && providerLanguage ? { providerLanguage } : {}),
  });
}

export function taskDone(kind: TaskKind, session: Session, participants: Participant[]): boolean {
  if (session.state === 'active') return false;
  // A cancelled session owes no notes, and nobody's attendance when nobody was on it.
  if (session.state === 'cancelled' && (kind === 'notes' || participants.length === 0)) return true;
  if (participants.length === 0) return false;
  if (kind === 'attendance') return participants.every((p) => p.attendanceStatus !== null);
  if (session.participantKind === 'staff') return session.coachingLog !== null;
  return participants.filter((p) => p.attendanceStatus === 'attended').every((p) => Boolean(p.studentNote?.trim()));
}

/** Marks tasks done (or open again, when a note is cleared) after a change to the session. */
export async function refreshTasks(em: EntityManager, session: Session, participants: Participant[], now: Date): Promise<void> {
  const tasks = await em.find(PostSessionTask, { sessionId: session.id });
  // A deleted session's tasks go with it (cascade): closed for scheduling, so nobody is reminded of them.
  const deleted = em.getUnitOfWork().getRemoveStack().has(session);
  for (const task of tasks) {
    const done = deleted || taskDone(task.kind, session, participants);
    if (done && !task.completedAt) {
      task.completedAt = now;
      recordEvent(em, TASK_CLOSED, { districtId: task.districtId, taskId: task.id, changedAt: now.toISOString() });
    }
    if (!done && task.completedAt) {
      task.completedAt = null;
      recordTaskOpened(em, task, now);
    }
  }
}
