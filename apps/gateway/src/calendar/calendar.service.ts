import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { Actor } from '@sessionledger/auth';
import { Forbidden, invalid, isUuid, NotFound } from '@sessionledger/common';
import {
  ActorSnapshot,
  CalendarReply,
  isStaffView,
  LIST_CALENDAR_OCCURRENCES,
  LIST_SESSIONS,
  MAX_CALENDAR_WINDOW_DAYS,
  OccurrenceReply,
  SessionReply,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { GroupMember, School, StaffApproval, Student, User } from '../directory/directory.entities';
import { CalendarFeed } from './calendar-feed.entity';
import { doubleBookings, mergeCalendar } from './calendar-merge';
import { viewerStudentIds } from '../sessions/session-directory';
import { CalendarFeedReply, CalendarQuery, FamilyOccurrenceReply, FamilyUpcomingQuery, FamilyUpcomingReply } from './calendar.dto';
import { calendarDocument, FeedEvent, utcDateTime } from './icalendar';

const DAY = 86_400_000;
const SCOPES = ['providerId', 'schoolId', 'studentId'] as const;
type Scope = { field: (typeof SCOPES)[number]; id: string };
/** Sessions are read 200 at a time; a calendar beyond this many pages is refused rather than cut short silently. */
const MAX_SESSION_PAGES = 25;
/** A family's upcoming sessions: the next two weeks unless asked otherwise. */
const FAMILY_DEFAULT_DAYS = 14;
/** The feed: from 30 days back to 180 days ahead. */
const FEED_PAST_DAYS = 30;
const FEED_AHEAD_DAYS = 180;


function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A local date at least a day outside [from, to) on each side whatever the district's zone; exact filtering is by instant. */
function utcDate(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

function serviceLabel(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The calendar: scheduling's planned occurrences and session-log's actual
 * sessions, fetched in parallel and merged here. The provider feed is an
 * iCalendar document of the same occurrences behind a secret URL.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  async calendar(actor: Actor, query: CalendarQuery): Promise<CalendarReply> {
    const scope = this.scopeOf(query);
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to <= from) throw invalid('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_CALENDAR_WINDOW_DAYS * DAY) throw invalid('to', `must be at most ${MAX_CALENDAR_WINDOW_DAYS} days after from`);
    const groupIds = await this.transactions.run(actor.districtId, (em) => this.authorize(em, actor, scope));
    const [occurrences, sessions] = await Promise.all([
      this.bus.send(LIST_CALENDAR_OCCURRENCES, {
        actor: actor.snapshot(),
        from: from.toISOString(),
        to: to.toISOString(),
        [scope.field]: scope.id,
        groupIds,
      }),
      this.sessions(actor, scope, from, to),
    ]);
    const members = await this.groupMembers(actor.districtId, occurrences);
    const placed = mergeCalendar(occurrences, sessions, members);
    return { from: from.toISOString(), to: to.toISOString(), entries: placed.map((p) => p.entry), warnings: doubleBookings(placed) };
  }

  /**
   * A guardian's children's planned sessions, or a student's own: when, which
   * service and with whom. Each child is read as that child's calendar (its
   * series and its groups' series); nothing a provider typed (description,
   * place of service, which can be a home address) and no other student.
   */
  async familyUpcoming(actor: Actor, query: FamilyUpcomingQuery): Promise<FamilyUpcomingReply> {
    const from = query.from ? new Date(query.from) : new Date();
    const to = query.to ? new Date(query.to) : new Date(from.getTime() + FAMILY_DEFAULT_DAYS * DAY);
    if (to <= from) throw invalid('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_CALENDAR_WINDOW_DAYS * DAY) throw invalid('to', `must be at most ${MAX_CALENDAR_WINDOW_DAYS} days after from`);
    const children = await this.transactions.run(actor.districtId, async (em) => {
      const ids = await viewerStudentIds(em, actor);
      const [students, memberships] = await Promise.all([em.find(Student, { id: { $in: ids } }), em.find(GroupMember, { studentId: { $in: ids } })]);
      return students.map((student) => ({
        id: student.id,
        name: `${student.firstName} ${student.lastName}`,
        groupIds: memberships.filter((m) => m.studentId === student.id).map((m) => m.groupId),
      }));
    });
    const perChild = await Promise.all(
      children.map(async (child) => {
        const occurrences = await this.bus.send(LIST_CALENDAR_OCCURRENCES, {
          actor: actor.snapshot(),
          from: from.toISOString(),
          to: to.toISOString(),
          studentId: child.id,
          groupIds: child.groupIds,
        });
        return occurrences.map((o) => ({ child, occurrence: o }));
      }),
    );
    const entries = perChild.flat();
    const providerIds = [...new Set(entries.map((e) => e.occurrence.providerId))];
    const providers = providerIds.length ? await this.transactions.run(actor.districtId, (em) => em.find(User, { id: { $in: providerIds } })) : [];
    const names = new Map(providers.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
    const items = entries
      .filter(({ occurrence }) => Date.parse(occurrence.startsAt) >= from.getTime() && Date.parse(occurrence.startsAt) < to.getTime())
      .map(
        ({ child, occurrence }): FamilyOccurrenceReply => ({
          studentId: child.id,
          studentName: child.name,
          startsAt: occurrence.startsAt,
          endsAt: occurrence.endsAt,
          service: occurrence.service,
          providerName: names.get(occurrence.providerId) ?? '',
          cancelled: occurrence.cancellation !== null,
        }),
      )
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.studentName.localeCompare(b.studentName));
    return { from: from.toISOString(), to: to.toISOString(), items };
  }

  /** Creates the provider's feed, or rotates it: the previous URL stops working. */
  async rotateFeed(actor: Actor, baseUrl: string): Promise<CalendarFeedReply> {
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.transactions.run(actor.districtId, async (em) => {
      const feed = await em.findOne(CalendarFeed, { providerId: actor.userId });
      if (feed) [feed.secretHash, feed.createdAt] = [digest(secret), now];
      else em.persist(new CalendarFeed(actor.districtId, actor.userId, digest(secret), now));
      await em.flush();
    });
    return { url: `${baseUrl}/api/calendar-feeds/${actor.districtId}.${secret}.ics`, createdAt: now.toISOString() };
  }

  async revokeFeed(actor: Actor): Promise<void> {
    await this.transactions.run(actor.districtId, (em) => em.nativeDelete(CalendarFeed, { providerId: actor.userId }));
  }

  /**
   * The feed behind `<district>.<secret>.ics`. An unknown, rotated or revoked
   * secret, or a provider no longer active, is not found. The document holds
   * no student names and no free text a provider typed (descriptions and the
   * place of service may name students or their homes): service, school and
   * the number of students only.
   */
  async feed(file: string): Promise<string> {
    const [districtId, secret, extension, ...rest] = file.split('.');
    if (extension !== 'ics' || rest.length || !isUuid(districtId) || !secret) throw new NotFound('calendar feed');
    const owner = await this.transactions.run(districtId, async (em) => {
      const feed = await em.findOne(CalendarFeed, { secretHash: digest(secret) });
      const user = feed ? await em.findOne(User, { id: feed.providerId }) : null;
      if (!user || user.status !== 'active' || !user.roles.includes('provider')) return null;
      const approvals = await em.find(StaffApproval, { userId: user.id });
      const schools = await em.find(School, { id: { $in: approvals.map((a) => a.schoolId) } });
      return { user, schoolNames: new Map(schools.map((s) => [s.id, s.name])) };
    });
    if (!owner) throw new NotFound('calendar feed');
    const actor: ActorSnapshot = {
      userId: owner.user.id,
      districtId,
      roles: ['provider'],
      schoolIds: [...owner.schoolNames.keys()],
      displayName: owner.user.displayName,
    };
    const now = new Date();
    const occurrences = await this.bus.send(LIST_CALENDAR_OCCURRENCES, {
      actor,
      from: new Date(now.getTime() - FEED_PAST_DAYS * DAY).toISOString(),
      to: new Date(now.getTime() + FEED_AHEAD_DAYS * DAY).toISOString(),
      providerId: owner.user.id,
      groupIds: [],
    });
    const members = await this.groupMembers(districtId, occurrences);
    const events = occurrences.map((o): FeedEvent => {
      const count = o.groupId ? (members.get(o.groupId)?.length ?? 0) : o.students.length;
      const cancelled = o.cancellation ? ` Cancelled (${o.cancellation.attendance === 'cancelled_billable' ? 'billable' : 'not billable'}).` : '';
      return {
        uid: `${o.seriesId}-${utcDateTime(new Date(o.occurrenceStart))}@sessionledger`,
        start: new Date(o.startsAt),
        end: new Date(o.endsAt),
        summary: serviceLabel(o.service),
        // The place of service is free text (it can be a student's home address, or name): the school is what the feed may say.
        location: owner.schoolNames.get(o.schoolId) ?? null,
        description: `${o.type === 'group' ? 'Group' : 'Individual'} session, ${count} ${count === 1 ? 'student' : 'students'}.${cancelled}`,
        cancelled: o.cancellation !== null,
        sequence: o.sequence,
      };
    });
    return calendarDocument(events, { name: `Sessionledger: ${owner.user.displayName}`, now });
  }

  private scopeOf(query: CalendarQuery): Scope {
    const named = SCOPES.filter((field) => query[field] !== undefined);
    if (named.length === 0) throw invalid('providerId', 'name exactly one of providerId, schoolId or studentId');
    if (named.length > 1) throw invalid(named[1], `name exactly one of providerId, schoolId or studentId (${named.join(' and ')} given)`);
    return { field: named[0], id: query[named[0]]! };
  }

  /**
   * Providers read their own calendar; a school admin a provider approved at
   * one of their schools, their schools, their schools' students; a district
   * admin everything. Returns the student's groups for a student calendar.
   */
  private async authorize(em: EntityManager, actor: Actor, scope: Scope): Promise<string[]> {
    const refuse = () => new Forbidden('CALENDAR.NOT_ALLOWED', 'You may not read this calendar');
    if (scope.field === 'providerId') {
      const provider = await em.findOne(User, { id: scope.id });
      if (!provider || !provider.roles.includes('provider')) throw new NotFound('provider', scope.id);
      if (actor.isDistrictAdmin || (actor.has('provider') && actor.userId === scope.id)) return [];
      const approvals = await em.find(StaffApproval, { userId: scope.id });
      if (!approvals.some((a) => actor.canAdministerSchool(a.schoolId))) throw refuse();
      return [];
    }
    if (scope.field === 'schoolId') {
      if (!(await em.findOne(School, { id: scope.id }))) throw new NotFound('school', scope.id);
      if (!actor.canAdministerSchool(scope.id)) throw refuse();
      return [];
    }
    const student = await em.findOne(Student, { id: scope.id });
    if (!student) throw new NotFound('student', scope.id);
    if (!actor.canAdministerSchool(student.schoolId)) throw refuse();
    return (await em.find(GroupMember, { studentId: scope.id })).map((m) => m.groupId);
  }

  /** Every session of the scope whose start lies in [from, to). */
  private async sessions(actor: Actor, scope: Scope, from: Date, to: Date): Promise<SessionReply[]> {
    const sessions: SessionReply[] = [];
    for (let page = 1; ; page++) {
      const reply = await this.bus.send(LIST_SESSIONS, {
        actor: actor.snapshot(),
        viewer: { studentIds: [] },
        from: utcDate(from.getTime() - DAY),
        to: utcDate(to.getTime() + DAY),
        [scope.field]: scope.id,
        page,
        pageSize: 200,
      });
      // Calendars are staff's (no viewer is passed), so every session comes in the staff view.
      sessions.push(...reply.items.filter(isStaffView));
      if (page * reply.pageSize >= reply.total) break;
      if (page >= MAX_SESSION_PAGES) throw invalid('to', 'the window holds too many sessions: choose a shorter one');
    }
    return sessions.filter((s) => Date.parse(s.startedAt) >= from.getTime() && Date.parse(s.startedAt) < to.getTime());
  }

  /** Members of the groups the occurrences name: a group series takes its students when each session starts. */
  private async groupMembers(districtId: string, occurrences: OccurrenceReply[]): Promise<Map<string, string[]>> {
    const groupIds = [...new Set(occurrences.flatMap((o) => (o.groupId ? [o.groupId] : [])))];
    const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
    if (!groupIds.length) return members;
    const rows = await this.transactions.run(districtId, (em) => em.find(GroupMember, { groupId: { $in: groupIds } }));
    for (const row of rows) members.get(row.groupId)!.push(row.studentId);
    return members;
  }
}
