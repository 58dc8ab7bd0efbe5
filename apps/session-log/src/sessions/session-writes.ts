import { Injectable } from '@nestjs/common';
import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Conflict, Forbidden, NotFound } from '@sessionledger/common';
import { ActorSnapshot, NoteHint, SessionWriteReply } from '@sessionledger/contracts';
import { SessionCatalogDocument } from '@sessionledger/session-rules';
import { TenantTransactions } from '@sessionledger/persistence';
import { serviceOf } from '../catalog/session-catalog.service';
import { DistrictContext, writeFacts } from '../district-context';
import { administers, audienceFor, canChange } from './session-access';
import { refreshTasks } from './post-session-tasks';
import { toSessionReply } from './session-view';
import { Participant, Session, SessionChange } from './session.entities';

/** Everything a change to a session works with, loaded once in its transaction. */
export interface SessionUnit {
  em: EntityManager;
  actor: ActorSnapshot;
  session: Session;
  participants: Participant[];
  catalog: SessionCatalogDocument;
  district: DistrictContext;
  now: Date;
}

export interface ChangeOutcome {
  action: string;
  detail?: Record<string, unknown>;
  hints?: NoteHint[];
}

export interface WriteOptions {
  /** The version the client read; a session-level change is refused if the session moved on since. */
  expectedVersion?: number;
  /**
   * Session-level changes lock the session row; changes to one participant
   * only share-lock it, so two people timing students in at once both
   * succeed while an end or a delete waits for them.
   */
  lock: 'session' | 'participant';
  /** States the change may be made in. */
  states?: Session['state'][];
}

export function staleSession(current: number): Conflict {
  return new Conflict('SESSION.STALE', `The session was changed by someone else (now version ${current}); reload it and try again`, {
    currentVersion: current,
  });
}

export function recordChange(em: EntityManager, session: Session, actor: ActorSnapshot, action: string, detail: Record<string, unknown> = {}): void {
  em.persist(
    new SessionChange({ districtId: session.districtId, sessionId: session.id, actorId: actor.userId, actorName: actor.displayName, action, detail }),
  );
}

const STATE_MESSAGES: Record<Session['state'], string> = {
  active: 'The session is still running',
  ended: 'The session has ended',
  cancelled: 'The session was cancelled',
};

/**
 * The one way a session changes: load it under a lock, check who may change
 * it, its state and version, apply the change, keep the trail and the
 * post-session tasks in step, commit, answer with the session as the writer
 * sees it.
 */
@Injectable()
export class SessionWrites {
  constructor(private readonly transactions: TenantTransactions) {}

  async change(actor: ActorSnapshot, sessionId: string, options: WriteOptions, apply: (unit: SessionUnit) => Promise<ChangeOutcome>): Promise<SessionWriteReply> {
    try {
      return await this.transactions.run(actor.districtId, async (em) => {
        const unit = await this.load(em, actor, sessionId, options.lock);
        const { session } = unit;
        if (session.postedVersion !== null) {
          throw new Conflict('SESSION.POSTED', `The session is posted (version ${session.postedVersion}): change it by an amendment`, {
            postedVersion: session.postedVersion,
          });
        }
        if (options.expectedVersion !== undefined && options.expectedVersion !== session.version) throw staleSession(session.version);
        if (options.states && !options.states.includes(session.state)) {
          throw new Conflict('SESSION.WRONG_STATE', `${STATE_MESSAGES[session.state]}: this change needs a session that is ${options.states.join(' or ')}`, {
            state: session.state,
          });
        }
        const outcome = await apply(unit);
        await this.finish(unit, outcome);
        return this.reply(unit, outcome.hints ?? []);
      });
    } catch (error) {
      // Two edits of one participant race past the version check (rows are read unlocked); the loser's UPDATE finds the version moved.
      const stale = error instanceof OptimisticLockError ? error.getEntity() : undefined;
      if (stale instanceof Participant) {
        throw new Conflict('PARTICIPANT.STALE', `${stale.name}'s entry was changed by someone else; reload it and try again`);
      }
      if (error instanceof OptimisticLockError) throw new Conflict('SESSION.STALE', 'The session was changed by someone else; reload it and try again');
      throw error;
    }
  }

  /** The session under a lock, with everything a change works with; who may change it is checked here. */
  async load(em: EntityManager, actor: ActorSnapshot, sessionId: string, lock: WriteOptions['lock']): Promise<SessionUnit> {
    const lockMode = lock === 'session' ? LockMode.PESSIMISTIC_WRITE : LockMode.PESSIMISTIC_READ;
    const session = await em.findOne(Session, { id: sessionId }, { lockMode });
    if (!session) throw new NotFound('session', sessionId);
    const participants = await em.find(Participant, { sessionId }, { orderBy: { addedAt: 'asc', id: 'asc' } });
    if (!audienceFor(actor, session, participants, [])) throw new NotFound('session', sessionId);
    if (!canChange(actor, session)) throw new Forbidden('SESSION.NOT_YOURS', 'Only the session’s provider or an admin of its school may change it');
    const { catalog, district } = await writeFacts(em, actor.districtId);
    return { em, actor, session, participants, catalog, district, now: new Date() };
  }

  /** Keeps the trail and the post-session tasks in step with a change, then writes it all. */
  async finish(unit: SessionUnit, outcome: ChangeOutcome): Promise<void> {
    recordChange(unit.em, unit.session, unit.actor, outcome.action, outcome.detail);
    // `apply` keeps unit.participants current (added, removed), so the tasks see the session as it will commit.
    await refreshTasks(unit.em, unit.session, unit.participants, unit.now);
    await unit.em.flush();
  }

  reply(unit: Pick<SessionUnit, 'actor' | 'session' | 'participants' | 'catalog'>, hints: NoteHint[]): SessionWriteReply {
    // Only staff write (load checked it): the writer is the school's admin or the session's provider.
    const audience = administers(unit.actor, unit.session.schoolId) ? 'admin' : 'provider';
    const template = serviceOf(unit.catalog, unit.session.service)?.noteTemplate ?? null;
    return { ...toSessionReply(unit.session, unit.participants, audience, template), noteHints: hints };
  }
}
