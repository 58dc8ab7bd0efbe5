import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BackendService, PAYROLL_APPLIED, schemaOf, SessionVersionApplied, STATE_REPORTING_RECORDED } from '@sessionledger/contracts';
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
  async payrollApplied(@Payload() event: SessionVersionApplied, @Ctx() context: BullMqContext): Promise<void> {
    await this.acknowledged('payroll', event, context);
  }

  @EventPattern(STATE_REPORTING_RECORDED.name)
  async stateReportingRecorded(@Payload() event: SessionVersionApplied, @Ctx() context: BullMqContext): Promise<void> {
    await this.acknowledged('state-reporting', event, context);
  }

  private async acknowledged(consumer: BackendService, event: SessionVersionApplied, context: BullMqContext): Promise<void> {
    await this.inbox.once(context, async (em) => {
      await em.execute(
        `insert into ${schemaOf('session-log')}.session_version_ack (district_id, session_id, version, consumer) values (?, ?, ?, ?) on conflict do nothing`,
        [event.districtId, event.sessionId, event.version, consumer],
      );
    });
  }
}
