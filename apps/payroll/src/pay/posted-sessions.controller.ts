import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from '@mikro-orm/postgresql';
import { PAYROLL_APPLIED, SESSION_AMENDED, SESSION_POSTED, SessionAmended, SessionPosted } from '@sessionledger/contracts';
import { BullMqContext, EventInbox, recordEvent } from '@sessionledger/messaging';
import { applyPostedVersion, PostedVersion } from './session-pay';

/**
 * Posted and amended sessions, each applied once: the inbox row and the pay
 * effect commit together, so a redelivered event does nothing the second time.
 */
@Controller()
export class PostedSessionsController {
  constructor(private readonly inbox: EventInbox) {}

  @EventPattern(SESSION_POSTED.name)
  async sessionPosted(@Payload() event: SessionPosted, @Ctx() context: BullMqContext): Promise<void> {
    await this.applyOnce(context, { districtId: event.districtId, snapshot: event.snapshot, event: 'posted', amendmentReason: null });
  }

  @EventPattern(SESSION_AMENDED.name)
  async sessionAmended(@Payload() event: SessionAmended, @Ctx() context: BullMqContext): Promise<void> {
    await this.applyOnce(context, { districtId: event.districtId, snapshot: event.snapshot, event: 'amended', amendmentReason: event.reason });
  }

  /**
   * The effect and its acknowledgement to session-log commit together (a
   * version already decided is acknowledged too). A repeated event id has no
   * effect, but is acknowledged again: it is how session-log's reconciler
   * republishes a version whose acknowledgement was lost with Redis.
   */
  private async applyOnce(context: BullMqContext, posted: PostedVersion): Promise<void> {
    await this.inbox.onceAcknowledged(context, (em) => applyPostedVersion(em, posted), (em) => acknowledge(em, posted));
  }
}

function acknowledge(em: EntityManager, posted: PostedVersion): void {
  recordEvent(em, PAYROLL_APPLIED, { districtId: posted.districtId, sessionId: posted.snapshot.sessionId, version: posted.snapshot.version });
}
