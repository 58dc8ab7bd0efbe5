import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SESSION_AMENDED, SESSION_POSTED, SessionAmended, SessionPosted } from '@sessionledger/contracts';
import { BullMqContext, EventInbox } from '@sessionledger/messaging';
import { recordPostedVersion } from './record-posted-version';

/**
 * Posted and amended sessions, each recorded once: the inbox row and the
 * records commit together, so a redelivered event does nothing the second time.
 */
@Controller()
export class PostedSessionsController {
  constructor(private readonly inbox: EventInbox) {}

  @EventPattern(SESSION_POSTED.name)
  async sessionPosted(@Payload() event: SessionPosted, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, (em) =>
      recordPostedVersion(em, { districtId: event.districtId, snapshot: event.snapshot, event: 'posted', amendmentReason: null }),
    );
  }

  @EventPattern(SESSION_AMENDED.name)
  async sessionAmended(@Payload() event: SessionAmended, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, (em) =>
      recordPostedVersion(em, { districtId: event.districtId, snapshot: event.snapshot, event: 'amended', amendmentReason: event.reason }),
    );
  }
}
