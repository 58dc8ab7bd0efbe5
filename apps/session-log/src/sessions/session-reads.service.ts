import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { NotFound, Page, pageOf } from '@sessionledger/common';
import {
  ActorSnapshot,
  ListSessionsCommand,
  ListTasksCommand,
  SessionAuditReply,
  SessionChangeReply,
  SessionPageReply,
  SessionHistoryCommand,
  SessionRef,
  SessionView,
  TaskPageReply,
  ViewSessionCommand,
} from '@sessionledger/contracts';
import { pgArray, TenantTransactions } from '@sessionledger/persistence';
import { catalogOf, serviceOf } from '../catalog/session-catalog.service';
import { audienceFor, canChange } from './session-access';
import { auditProblems, auditWarnings, paymentOf } from './session-audit';
import { billingWarnings } from './billing-warnings';
import { toSessionReply, toSessionView } from './session-view';
import { Participant, PostSessionTask, Session, SessionChange } from './session.entities';

interface Scope {
  sql: string;
  params: unknown[];
}

/**
 * The sessions a reader may list, as SQL: admins their schools, providers
 * their own, guardians and students the posted ones their children / they took part in.
 * Null when the reader may see none.
 */
function readableScope(actor: ActorSnapshot, viewerStudentIds: string[]): Scope | null {
  const parts: Scope[] = [];
  if (actor.roles.includes('district_admin')) return { sql: 'true', params: [] };
  if (actor.roles.includes('school_admin') && actor.schoolIds.length) parts.push({ sql: 's.school_id = any(?::uuid[])', params: [pgArray(actor.schoolIds)] });
  if (actor.roles.includes('provider')) parts.push({ sql: 's.provider_id = ?', params: [actor.userId] });
  if ((actor.roles.includes('guardian') || actor.roles.includes('student')) && viewerStudentIds.length) {
    parts.push({
      sql: `(s.posted_version is not null and s.id in (select p.session_id from session_log.participant p where p.kind = 'student' and p.person_id = any(?::uuid[])))`,
      params: [pgArray(viewerStudentIds)],
    });
  }
  if (!parts.length) return null;
  return { sql: `(${parts.map((p) => p.sql).join(' or ')})`, params: parts.flatMap((p) => p.params) };
}

/** MikroORM would expand a JS array into a list of parameters; PostgreSQL takes one array literal. */

@Injectable()
export class SessionReadsService {
  constructor(private readonly transactions: TenantTransactions) {}

  get(command: ViewSessionCommand): Promise<SessionView> {
    const { actor } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const { session, participants } = await this.load(em, command.sessionId);
      const audience = audienceFor(actor, session, participants, command.viewer.studentIds);
      if (!audience) throw new NotFound('session', command.sessionId);
      const { catalog } = await catalogOf(em, actor.districtId);
      return toSessionView(session, participants, audience, command.viewer.studentIds, serviceOf(catalog, session.service)?.noteTemplate ?? null);
    });
  }

  list(command: ListSessionsCommand): Promise<SessionPageReply> {
    const { actor } = command;
    // Filtering by what guardians and students may not see (the flag, the state, the school, another child) would
    // reveal it by which of their sessions come back: such filters apply to the staff part of the scope only.
    const revealing =
      command.needsAttention !== undefined ||
      command.state !== undefined ||
      command.schoolId !== undefined ||
      (command.studentId !== undefined && !command.viewer.studentIds.includes(command.studentId));
    const scope = readableScope(actor, revealing ? [] : command.viewer.studentIds);
    const empty = pageOf([], 0, command);
    if (!scope) return Promise.resolve(empty);
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: Scope[] = [{ sql: 's.district_id = ?', params: [actor.districtId] }, scope];
      if (command.from) conditions.push({ sql: 's.session_date >= ?', params: [command.from] });
      if (command.to) conditions.push({ sql: 's.session_date <= ?', params: [command.to] });
      if (command.providerId) conditions.push({ sql: 's.provider_id = ?', params: [command.providerId] });
      if (command.schoolId) conditions.push({ sql: 's.school_id = ?', params: [command.schoolId] });
      if (command.state) conditions.push({ sql: 's.state = ?', params: [command.state] });
      if (command.needsAttention !== undefined) conditions.push({ sql: 's.needs_attention = ?', params: [command.needsAttention] });
      if (command.updatedSince) {
        // A participant's change leaves the session row alone (it is only share-locked then) but always leaves a trail entry.
        conditions.push({
          sql: `(s.updated_at >= ? or exists (select 1 from session_log.session_change c where c.district_id = s.district_id and c.session_id = s.id and c.at >= ?))`,
          params: [command.updatedSince, command.updatedSince],
        });
      }
      if (command.studentId) {
        conditions.push({ sql: `s.id in (select p.session_id from session_log.participant p where p.person_id = ?)`, params: [command.studentId] });
      }
      const where = conditions.map((c) => c.sql).join(' and ');
      const params = conditions.flatMap((c) => c.params);
      const rows: { id: string; total: string }[] = await em.execute(
        `select s.id, count(*) over () as total from session_log.session s where ${where}
          order by s.started_at desc, s.id limit ? offset ?`,
        [...params, command.pageSize, (command.page - 1) * command.pageSize],
      );
      if (!rows.length) {
        const [{ count }] = await em.execute<{ count: string }[]>(`select count(*) from session_log.session s where ${where}`, params);
        return { ...empty, total: Number(count) };
      }
      const ids = rows.map((row) => row.id);
      // One transaction is one connection: its statements run one after another anyway.
      const sessions = await em.find(Session, { id: { $in: ids } });
      const participants = await em.find(Participant, { sessionId: { $in: ids } });
      const { catalog } = await catalogOf(em, actor.districtId);
      const byId = new Map(sessions.map((s) => [s.id, s]));
      const items = ids.flatMap((id) => {
        const session = byId.get(id)!;
        const own = participants.filter((p) => p.sessionId === id);
        const audience = audienceFor(actor, session, own, command.viewer.studentIds);
        return audience ? [toSessionView(session, own, audience, command.viewer.studentIds, serviceOf(catalog, session.service)?.noteTemplate ?? null)] : [];
      });
      return pageOf(items, Number(rows[0].total), command);
    });
  }

  /** What stands between the session and posting, and whether it will be paid. Staff only. */
  audit(command: SessionRef): Promise<SessionAuditReply> {
    const { actor } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const { session, participants } = await this.loadForStaff(em, actor, command.sessionId);
      const { catalog } = await catalogOf(em, actor.districtId);
      const problems = auditProblems(session, participants, catalog);
      const view = toSessionReply(session, participants, 'admin');
      return {
        sessionId: session.id,
        postable: problems.length === 0,
        problems,
        warnings: [...auditWarnings(session, catalog), ...billingWarnings(session, participants)],
        payment: paymentOf(session, participants, catalog),
        durationOverride: view.durationOverride,
      };
    });
  }

  history(command: SessionHistoryCommand): Promise<Page<SessionChangeReply>> {
    const { actor } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      await this.loadForStaff(em, actor, command.sessionId);
      const where = { sessionId: command.sessionId, ...(command.updatedSince ? { at: { $gte: new Date(command.updatedSince) } } : {}) };
      const [changes, total] = await em.findAndCount(SessionChange, where, {
        orderBy: { at: 'asc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      const items = changes.map((c) => ({ id: c.id, at: c.at.toISOString(), actorId: c.actorId, actorName: c.actorName, action: c.action, detail: c.detail }));
      return pageOf(items, total, command);
    });
  }

  /**
   * Post-session tasks: a provider's own (`mine`), or for admins every task
   * of their schools — with `overdue`, the ones past due and not done.
   */
  tasks(command: ListTasksCommand): Promise<TaskPageReply> {
    const { actor } = command;
    const now = new Date();
    return this.transactions.run(actor.districtId, async (em) => {
      const where: Record<string, unknown>[] = [];
      if (command.mine) where.push({ providerId: actor.userId });
      else if (!actor.roles.includes('district_admin')) where.push({ schoolId: { $in: actor.schoolIds } });
      if (command.schoolId) where.push({ schoolId: command.schoolId });
      if (command.overdue) where.push({ completedAt: null, dueAt: { $lt: now } });
      else if (command.open !== undefined) where.push({ completedAt: command.open ? null : { $ne: null } });
      if (command.updatedSince) where.push({ updatedAt: { $gte: new Date(command.updatedSince) } });
      const [tasks, total] = await em.findAndCount(PostSessionTask, { $and: where }, {
        orderBy: { dueAt: 'asc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return {
        items: tasks.map((t) => ({
          id: t.id,
          sessionId: t.sessionId,
          kind: t.kind,
          providerId: t.providerId,
          schoolId: t.schoolId,
          sessionDate: t.sessionDate,
          dueAt: t.dueAt.toISOString(),
          completedAt: t.completedAt?.toISOString() ?? null,
          overdue: !t.completedAt && t.dueAt < now,
          updatedAt: t.updatedAt.toISOString(),
        })),
        page: command.page,
        pageSize: command.pageSize,
        total,
      };
    });
  }

  private async load(em: EntityManager, sessionId: string): Promise<{ session: Session; participants: Participant[] }> {
    const session = await em.findOne(Session, { id: sessionId });
    if (!session) throw new NotFound('session', sessionId);
    const participants = await em.find(Participant, { sessionId }, { orderBy: { addedAt: 'asc', id: 'asc' } });
    return { session, participants };
  }

  private async loadForStaff(em: EntityManager, actor: ActorSnapshot, sessionId: string) {
    const loaded = await this.load(em, sessionId);
    if (!canChange(actor, loaded.session)) throw new NotFound('session', sessionId);
    return loaded;
  }
}
