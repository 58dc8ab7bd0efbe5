import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PAYROLL_APPLIED, schemaOf, SessionPayApplied } from '@sessionledger/contracts';
import { BullMqContext, EventInbox } from '@sessionledger/messaging';

/**
 * Consumers' acknowledgements of the versions they applied, kept beside the
 * signed versions for the reconciler. The first one counts; repeats (a
 * republished version is acknowledged again) change nothing.
 */
@Controller()
export class AcknowledgementsController {
  constructor(private readonly inbox: EventInbox) {}

  @EventPattern(PAYROLL_APPLIED.name)
  async payrollApplied(@Payload() event: SessionPayApplied, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, async (em) => {
      await em.execute(
        `insert into ${schemaOf('session-log')}.session_version_ack (district_id, session_id, version, consumer) values (?, ?, ?, 'payroll') on conflict do nothing`,
        [event.districtId, event.sessionId, event.version],
      );
    });
  }
}
