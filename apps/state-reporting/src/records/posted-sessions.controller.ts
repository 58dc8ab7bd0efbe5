import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from '@mikro-orm/postgresql';
import { SESSION_AMENDED, SESSION_POSTED, SessionAmended, SessionPosted, STATE_REPORTING_RECORDED } from '@sessionledger/contracts';
import { BullMqContext, EventInbox, recordEvent } from '@sessionledger/messaging';
import { PostedVersion, recordPostedVersion } from './record-posted-version';

/**
 * Posted and amended sessions, each recorded once: the inbox row, the records
 * and the acknowledgement to session-log commit together, so a redelivered
 * event does nothing the second time. A repeated event id is acknowledged
 * again: it is how session-log's reconciler republishes a version whose
 * acknowledgement was lost with Redis.
 */
@Controller()
export class PostedSessionsController {
  constructor(private readonly inbox: EventInbox) {}

  @EventPattern(SESSION_POSTED.name)
  async sessionPosted(@Payload() event: SessionPosted, @Ctx() context: BullMqContext): Promise<void> {
    await this.recordOnce(context, { districtId: event.districtId, snapshot: event.snapshot, event: 'posted', amendmentReason: null });
  }

  @EventPattern(SESSION_AMENDED.name)
  async sessionAmended(@Payload() event: SessionAmended, @Ctx() context: BullMqContext): Promise<void> {
    await this.recordOnce(context, { districtId: event.districtId, snapshot: event.snapshot, event: 'amended', amendmentReason: event.reason });
  }

  private async recordOnce(context: BullMqContext, posted: PostedVersion): Promise<void> {
    await this.inbox.onceAcknowledged(context, (em) => recordPostedVersion(em, posted), (em) => acknowledge(em, posted));
  }
}

function acknowledge(em: EntityManager, posted: PostedVersion): void {
  recordEvent(em, STATE_REPORTING_RECORDED, { districtId: posted.districtId, sessionId: posted.snapshot.sessionId, version: posted.snapshot.version });
}
