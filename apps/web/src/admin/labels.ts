/* Words shared by the admin screens. */
import type { Session } from './attention';

/** A session's state as an admin reads it: posted outranks ended. */
export function stateLabel(session: Pick<Session, 'state' | 'posted'>): string {
  if (session.posted) return 'Posted';
  return { active: 'Running', ended: 'Ended, not posted', cancelled: 'Cancelled' }[session.state];
}

/** A school's name, or a plain word while the names load or when the school is not one the reader may list. */
export function schoolName(names: ReadonlyMap<string, string>, id: string | null): string {
  return (id && names.get(id)) ?? 'Not known';
}
