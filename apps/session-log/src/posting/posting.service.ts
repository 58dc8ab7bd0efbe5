import { Injectable } from '@nestjs/common';
import { OptimisticLockError } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Conflict, DomainError, Forbidden, invalid, NotFound, Page, pageOf, ValidationFailed } from '@sessionledger/common';
import {
  AmendSessionCommand,
  AuditProblem,
  BulkPostCommand,
  BulkPostBatchReply,
  PostReply,
  PostSessionCommand,
  Role,
  SESSION_AMENDED,
  SESSION_POSTED,
  SessionVersionReply,
  SessionVersionsCommand,
  SIGNATURE_MEANING,
  Signer,
} from '@sessionledger/contracts';
import { Environment } from '@sessionledger/config';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { applyParticipantChanges } from '../sessions/participants.service';
import { canChange } from '../sessions/session-access';
import { auditProblems } from '../sessions/session-audit';
import { applyDuration, applySessionFields, applyTags, applyWorkOrder } from '../sessions/session-changes';
import { SessionUnit, SessionWrites } from '../sessions/session-writes';
import { Session, SessionVersion } from '../sessions/session.entities';
import { postedSnapshot } from './posted-snapshot';

export class NotPostable extends DomainError {
  constructor(problems: AuditProblem[]) {
    super('unprocessable', 'SESSION.NOT_POSTABLE', `The session cannot be posted yet: ${problems.map((p) => p.message).join('; ')}`, undefined, {
      problems,
    });
  }
}

function signatureOf(version: SessionVersion): PostReply['signature'] {
  return {
    version: version.version,
    signerId: version.signerId,
    signerName: version.signerName,
    signerRole: version.signerRole,
    meaning: version.meaning,
    signedAt: version.signedAt.toISOString(),
    contentHash: version.contentHash,
    method: version.signatureMethod,
    reason: version.reason,
  };
}

/**
 * Posting turns a log into pay, bills and the state report. The gateway has
 * checked the signer's password; here the session is checked complete (its
 * audit view empty), its content snapshotted and hashed, the signature
 * recorded, the session frozen (a trigger refuses any later change but an
 * amendment) and the event written to the outbox in the same transaction.
 */
@Injectable()
export class PostingService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly writes: SessionWrites,
    private readonly env: Environment,
  ) {}

  async post(command: PostSessionCommand): Promise<PostReply> {
    const { actor, signer } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const unit = await this.writes.load(em, actor, command.sessionId, 'session');
      const { session } = unit;
      if (session.providerId !== actor.userId || signer.userId !== actor.userId) {
        throw new Forbidden('SESSION.NOT_SIGNER', 'Only the session’s own provider signs it');
      }
      if (session.postedVersion !== null) {
        throw new Conflict('SESSION.ALREADY_POSTED', `The session is already posted (version ${session.postedVersion})`, { postedVersion: session.postedVersion });
      }
      const problems = auditProblems(session, unit.participants, unit.catalog);
      if (problems.length) throw new NotPostable(problems);
      const version = await this.sign(unit, 1, signer, null);
      recordEvent(em, SESSION_POSTED, { districtId: actor.districtId, snapshot: version.snapshot });
      await this.writes.finish(unit, { action: 'posted', detail: { version: 1, contentHash: version.contentHash, signatureMethod: version.signatureMethod } });
      return { sessionId: session.id, version: 1, signature: signatureOf(version) };
    });
  }

  /**
   * All of a provider's finished, unposted sessions in a date range, each in
   * its own transaction with its own signature and hash; those not complete
   * are listed with what they lack and left as they were.
   */
  async bulkPost(command: BulkPostCommand): Promise<BulkPostBatchReply> {
    const { actor, after } = command;
    if (command.to < command.from) throw invalid('to', `must be on or after from (${command.from})`);
    const candidates = await this.transactions.run(actor.districtId, (em) =>
      em.find(
        Session,
        {
          providerId: actor.userId,
          postedVersion: null,
          sessionDate: { $gte: command.from, $lte: command.to },
          ...(after ? { $or: [{ startedAt: { $gt: new Date(after.startedAt) } }, { startedAt: new Date(after.startedAt), id: { $gt: after.id } }] } : {}),
        },
        { fields: ['id', 'sessionDate', 'startedAt'], orderBy: { startedAt: 'asc', id: 'asc' }, limit: this.env.BULK_POST_BATCH_SIZE + 1 },
      ),
    );
    const batch = candidates.slice(0, this.env.BULK_POST_BATCH_SIZE);
    const reply: BulkPostBatchReply = { posted: [], incomplete: [], next: null };
    for (const candidate of batch) {
      try {
        reply.posted.push(await this.post({ actor, signer: command.signer, sessionId: candidate.id }));
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind === 'internal' || error.kind === 'unavailable') throw error;
        // Posted meanwhile — by an earlier attempt of this same bulk post that timed out at the gateway, say: nothing is lacking.
        if (error.code === 'SESSION.ALREADY_POSTED') continue;
        const problems = error instanceof NotPostable ? (error.details!.problems as AuditProblem[]) : [{ code: error.code, message: error.message }];
        reply.incomplete.push({ sessionId: candidate.id, sessionDate: candidate.sessionDate, problems });
      }
    }
    const last = batch[batch.length - 1];
    if (candidates.length > this.env.BULK_POST_BATCH_SIZE) reply.next = { startedAt: last.startedAt.toISOString(), id: last.id };
    return reply;
  }

  /**
   * A change after posting: version n+1, signed again, with who, when and
   * why; the earlier versions stay as they were signed. The session's own
   * provider or an admin of its school amends, with their password.
   */
  async amend(command: AmendSessionCommand): Promise<PostReply> {
    const { actor } = command;
    // The reason is kept trimmed; MinLength on the raw text lets blanks through as an empty reason.
    if (command.body.reason.trim().length < 3) throw invalid('reason', 'must say why the session is amended (3 characters at least)');
    try {
      return await this.transactions.run(actor.districtId, async (em) => {
        const unit = await this.writes.load(em, actor, command.sessionId, 'session');
        const { session } = unit;
        if (session.postedVersion === null) throw new Conflict('SESSION.NOT_POSTED', 'Only a posted session is amended; edit it instead');
        if (session.postedVersion !== command.body.basedOnVersion) {
          throw new Conflict('SESSION.STALE', `The session was amended by someone else (now version ${session.postedVersion}); reload it and try again`, {
            currentVersion: session.postedVersion,
          });
        }
        await allowAmendment(em, session.id);
        const changed = applyAmendment(unit, command);
        const problems = auditProblems(session, unit.participants, unit.catalog);
        if (problems.length) throw new NotPostable(problems);
        const next = session.postedVersion + 1;
        const version = await this.sign(unit, next, command.signer, command.body.reason.trim());
        recordEvent(em, SESSION_AMENDED, {
          districtId: actor.districtId,
          snapshot: version.snapshot,
          previousVersion: next - 1,
          reason: command.body.reason.trim(),
        });
        await this.writes.finish(unit, {
          action: 'amended',
          detail: { version: next, reason: command.body.reason.trim(), changed, contentHash: version.contentHash, signatureMethod: version.signatureMethod },
        });
        return { sessionId: session.id, version: next, signature: signatureOf(version) };
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) throw new Conflict('SESSION.STALE', 'The session was changed by someone else; reload it and try again');
      throw error;
    }
  }

  /** Every signed version, oldest first: the original stays readable after amendments. Staff only. */
  versions(command: SessionVersionsCommand): Promise<Page<SessionVersionReply>> {
    const { actor } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const session = await em.findOne(Session, { id: command.sessionId });
      if (!session || !canChange(actor, session)) throw new NotFound('session', command.sessionId);
      // Signed versions never change: "changed since" is "signed since".
      const where = { sessionId: session.id, ...(command.updatedSince ? { signedAt: { $gte: new Date(command.updatedSince) } } : {}) };
      const [versions, total] = await em.findAndCount(SessionVersion, where, {
        orderBy: { version: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return pageOf(
        versions.map((v) => ({ version: v.version, snapshot: v.snapshot, signature: signatureOf(v) })),
        total,
        command,
      );
    });
  }

  private async sign(unit: SessionUnit, version: number, signer: Signer, reason: string | null): Promise<SessionVersion> {
    const { em, session, now } = unit;
    const snapshot = await postedSnapshot(unit, version, now, signer.userId);
    const signed = new SessionVersion({
      districtId: session.districtId,
      sessionId: session.id,
      version,
      snapshot,
      contentHash: snapshot.contentHash,
      signerId: signer.userId,
      signerName: signer.name,
      signerRole: signingRole(unit),
      signatureMethod: signer.method ?? 'password',
      meaning: SIGNATURE_MEANING,
      signedAt: now,
      reason,
    });
    em.persist(signed);
    session.postedVersion = version;
    session.postedAt = now;
    return signed;
  }
}

/** The capacity a signature is given in: the session's provider, or the admin of its school who amends it. */
function signingRole(unit: SessionUnit): Role {
  if (unit.actor.userId === unit.session.providerId) return 'provider';
  return unit.actor.roles.includes('district_admin') ? 'district_admin' : 'school_admin';
}

/** Tells the immutability triggers that this transaction amends this session (and nothing else). */
async function allowAmendment(em: EntityManager, sessionId: string): Promise<void> {
  await em.execute(`select set_config('session_log.amending', ?, true)`, [sessionId]);
}

/** The shared rules name the fields of the edit routes; an amendment's refusal names the field of its own body. */
function named<T>(fields: Record<string, string>, apply: () => T): T {
  try {
    return apply();
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    throw new ValidationFailed((error.fields ?? []).map((problem) => ({ ...problem, field: fields[problem.field] ?? problem.field })));
  }
}

/** Applies an amendment's changes with the same rules as edits before posting; returns the names of what changed. */
function applyAmendment(unit: SessionUnit, command: AmendSessionCommand): string[] {
  const { changes, reason } = command.body;
  const changed: string[] = [];
  const session = changes.session;
  if (session) changed.push(...Object.keys(named({ description: 'changes.session.description' }, () => applySessionFields(unit, session))).map((field) => `session.${field}`));
  if (changes.adjustedMinutes !== undefined) {
    named({ minutes: 'changes.adjustedMinutes' }, () => applyDuration(unit, changes.adjustedMinutes!, reason));
    changed.push('adjustedMinutes');
  }
  if (changes.tags) {
    named({ tags: 'changes.tags' }, () => applyTags(unit, changes.tags!));
    changed.push('tags');
  }
  if (command.workOrder) {
    named({ workOrderId: 'changes.workOrderId', description: 'changes.session.description' }, () => applyWorkOrder(unit, command.workOrder!));
    changed.push('workOrder');
  }
  for (const [index, amendment] of (changes.participants ?? []).entries()) {
    const participant = unit.participants.find((p) => p.id === amendment.participantId);
    if (!participant) throw new ValidationFailed([{ field: `changes.participants.${index}.participantId`, problems: ['is not a participant of the session'] }]);
    const { participantId: _id, ...fields } = amendment;
    const problems = applyParticipantChanges(unit, participant, fields);
    if (problems.length) throw new ValidationFailed(problems.map((p) => ({ field: `changes.participants.${index}.${p.field}`, problems: p.problems })));
    changed.push(...Object.keys(fields).map((field) => `participants.${participant.id}.${field}`));
  }
  for (const [index, participantId] of (changes.removeParticipants ?? []).entries()) {
    const field = `changes.removeParticipants.${index}`;
    const participant = unit.participants.find((p) => p.id === participantId);
    if (!participant) throw invalid(field, 'is not a participant of the session');
    if (changes.participants?.some((p) => p.participantId === participantId)) {
      throw invalid(field, 'is also changed by this amendment: remove or change a participant, not both');
    }
    // The row goes (the immutability trigger lets this amendment's transaction through); the signed versions keep who it was.
    unit.em.remove(participant);
    unit.participants.splice(unit.participants.indexOf(participant), 1);
    changed.push(`participants.${participant.id}.removed`);
  }
  if (!changed.length) throw invalid('changes', 'must change something');
  return changed;
}
