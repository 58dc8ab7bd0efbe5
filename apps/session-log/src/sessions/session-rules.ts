import { FieldProblem } from '@sessionledger/common';
import { daysBetween, findWorkOrderType, localDate, SessionCatalogDocument } from '@sessionledger/session-rules';
import { DistrictContext } from '../district-context';
import { Session } from './session.entities';

/** Starting a session some minutes ahead of the server clock is tolerated (device clocks drift). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A Career Ladder work order needs a description; a Family Involvement event
 * must be described by the name of one of the district's approved events.
 */
export function descriptionProblem(
  session: Pick<Session, 'districtId' | 'description' | 'familyInvolvement' | 'workOrderType'>,
  catalog: SessionCatalogDocument,
): { code: string; message: string } | null {
  const description = session.description?.trim() ?? '';
  if (session.familyInvolvement && !catalog.familyInvolvementEvents.includes(description)) {
    return {
      code: 'SESSION.FAMILY_EVENT_NOT_APPROVED',
      message: `A Family Involvement event must be described by one of the district’s approved events: ${catalog.familyInvolvementEvents.join('; ')}`,
    };
  }
  const type = session.workOrderType ? findWorkOrderType(session.districtId, session.workOrderType) : undefined;
  if (type?.payableRule.requiresDescription && !description) {
    return { code: 'SESSION.DESCRIPTION_REQUIRED', message: `A session under a ${type.name} work order must be described` };
  }
  return null;
}

export function assertDescription(session: Parameters<typeof descriptionProblem>[0], catalog: SessionCatalogDocument): FieldProblem[] {
  const problem = descriptionProblem(session, catalog);
  return problem ? [{ field: 'description', problems: [problem.message] }] : [];
}

/** Sessions are entered at most `lateEntryDays` after their day, and never ahead of the clock. */
export function startTimeProblem(startedAt: Date, now: Date, district: DistrictContext): string | null {
  if (startedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) return 'must not be in the future';
  const late = daysBetween(localDate(startedAt, district.timeZone), localDate(now, district.timeZone));
  if (late > district.settings.lateEntryDays) {
    return `is ${late} days ago: sessions can be entered at most ${district.settings.lateEntryDays} days after they took place`;
  }
  return null;
}

/** A work order is assigned after the fact only within `workOrderAssignmentDays` of the session's day. */
export function workOrderWindowProblem(session: Session, now: Date, district: DistrictContext): string | null {
  const days = daysBetween(session.sessionDate, localDate(now, district.timeZone));
  const allowed = district.settings.workOrderAssignmentDays;
  return days > allowed ? `can be assigned only within ${allowed} days of the session date (${session.sessionDate}); it is ${days} days later` : null;
}
