import type { Actor } from '@sessionledger/auth';
import type { Page } from '@sessionledger/common';
import { isStaffView, SessionView } from '@sessionledger/contracts';

/**
 * What an API client reads of a session: the admin view (it reaches the whole
 * district) without what was written about a child — no student, client or
 * admin note and no coaching log. A district system needs attendance, minutes
 * and state; the notes stay with the people whose audience they are (see
 * session-log's session-view.ts), so a copy in a student information system
 * never holds clinical or internal remarks.
 */
export function forReader<T extends SessionView>(actor: Actor, view: T): T {
  if (!actor.client || !isStaffView(view)) return view;
  return {
    ...view,
    coachingLog: null,
    participants: view.participants.map(({ studentNote: _s, clientNote: _c, adminNote: _a, ...rest }) => rest),
  };
}

export function pageForReader<T extends SessionView>(actor: Actor, page: Page<T>): Page<T> {
  return actor.client ? { ...page, items: page.items.map((view) => forReader(actor, view)) } : page;
}
