import { Forbidden, invalid, ValidationFailed } from '@sessionledger/common';
import { SessionChanges, WorkOrderSnapshot } from '@sessionledger/contracts';
import { durationRangeProblem, durationStepProblem } from '@sessionledger/session-rules';
import { administers } from './session-access';
import { plannedMinutesOf } from './session-audit';
import { assertDescription, workOrderWindowProblem } from './session-rules';
import { ChangeOutcome, SessionUnit } from './session-writes';

/*
 * Session-level changes with rules, applied the same way by an edit before
 * posting and by an amendment after it.
 */


function emptyToNull(text: string | null | undefined): string | null {
  return text?.trim() || null;
}

/** Description, activities description and the Family Involvement mark; returns what changed. */
export function applySessionFields(unit: SessionUnit, changes: SessionChanges): Record<string, unknown> {
  const { session } = unit;
  const changed: Record<string, unknown> = {};
  if (changes.description !== undefined) session.description = changed.description = emptyToNull(changes.description);
  if (changes.activitiesDescription !== undefined) session.activitiesDescription = changed.activitiesDescription = emptyToNull(changes.activitiesDescription);
  if (changes.familyInvolvement !== undefined) session.familyInvolvement = changed.familyInvolvement = changes.familyInvolvement;
  const problems = assertDescription(session, unit.catalog);
  if (problems.length) throw new ValidationFailed(problems);
  return changed;
}

/**
 * The adjusted duration: 5-minute steps, 15 minutes at least, the planned
 * duration plus 30 at most; outside that only an admin, with a reason, and
 * the override is kept on the session and in its trail.
 */
export function applyDuration(unit: SessionUnit, minutes: number, reason: string | undefined): ChangeOutcome {
  const { session, actor, now } = unit;
  const step = durationStepProblem(minutes);
  if (step) throw invalid('minutes', step);
  const planned = plannedMinutesOf(session)!;
  const outOfRange = durationRangeProblem(minutes, planned);
  const previous = session.adjustedMinutes;
  if (outOfRange) {
    if (!administers(actor, session.schoolId)) {
      throw new Forbidden('SESSION.DURATION_NEEDS_ADMIN', `The duration ${outOfRange}; only an admin can set it beyond that, with a reason`);
    }
    if (!reason?.trim()) throw invalid('reason', `is required: the duration ${outOfRange}, and an admin override must say why`);
    session.adjustedMinutes = minutes;
    session.durationOverrideReason = reason.trim();
    session.durationOverrideBy = actor.userId;
    session.durationOverrideAt = now;
    return { action: 'duration-overridden', detail: { from: previous, to: minutes, planned, reason: session.durationOverrideReason } };
  }
  session.adjustedMinutes = minutes;
  session.durationOverrideReason = session.durationOverrideBy = session.durationOverrideAt = null;
  return { action: 'duration-adjusted', detail: { from: previous, to: minutes, planned } };
}

/** Tags (today: Career Ladder goals) from the district's catalog. */
export function applyTags(unit: SessionUnit, tags: string[]): ChangeOutcome {
  const { session, catalog } = unit;
  const known = new Set(catalog.careerLadderGoals.map((goal) => goal.code));
  const unknown = tags.filter((tag) => !known.has(tag));
  if (unknown.length) throw invalid('tags', `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a tag' : 'are not tags'} of the district (${[...known].join(', ')})`);
  if (new Set(tags).size !== tags.length) throw invalid('tags', 'must not repeat a tag');
  const previous = session.tags;
  session.tags = [...tags];
  return { action: 'tagged', detail: { from: previous, to: session.tags } };
}

/** A work order after the fact: only within the district's window after the session's day. */
export function applyWorkOrder(unit: SessionUnit, workOrder: WorkOrderSnapshot): ChangeOutcome {
  const { session, catalog, district, now } = unit;
  const window = workOrderWindowProblem(session, now, district);
  if (window) throw invalid('workOrderId', window);
  const previous = session.workOrderId;
  [session.workOrderId, session.workOrderType, session.workOrderAssignedAt] = [workOrder.id, workOrder.type, now];
  const problems = assertDescription(session, catalog);
  if (problems.length) throw new ValidationFailed(problems);
  return { action: 'work-order-assigned', detail: { from: previous, to: session.workOrderId, type: session.workOrderType } };
}
