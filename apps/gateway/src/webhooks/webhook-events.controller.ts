import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DIRECTORY_RECORD_CHANGED,
  DirectoryRecordChanged,
  PAY_PERIOD_CLOSED,
  PayPeriodClosed,
  ROSTER_IMPORT_FINISHED,
  RosterImportFinished,
  SESSION_AMENDED,
  SESSION_POSTED,
  SessionAmended,
  SessionPosted,
  STATE_EXPORT_FINISHED,
  StateExportFinished,
} from '@sessionledger/contracts';
import { BullMqContext } from '@sessionledger/messaging';
import { WebhookDeliveries } from './webhook-deliveries';
import { WEBHOOK_SOURCES } from './webhook-events';

/** The platform events district systems hear about: each fans out to the district's subscribed endpoints. */
@Controller()
export class WebhookEventsController {
  constructor(private readonly deliveries: WebhookDeliveries) {}

  @EventPattern(SESSION_POSTED.name)
  sessionPosted(@Payload() event: SessionPosted, @Ctx() context: BullMqContext): Promise<void> {
    return this.deliveries.fanOut(context, WEBHOOK_SOURCES.sessionPosted(event));
  }

  @EventPattern(SESSION_AMENDED.name)
  sessionAmended(@Payload() event: SessionAmended, @Ctx() context: BullMqContext): Promise<void> {
    return this.deliveries.fanOut(context, WEBHOOK_SOURCES.sessionAmended(event));
  }

  @EventPattern(PAY_PERIOD_CLOSED.name)
  payPeriodClosed(@Payload() event: PayPeriodClosed, @Ctx() context: BullMqContext): Promise<void> {
    return this.deliveries.fanOut(context, WEBHOOK_SOURCES.payPeriodClosed(event));
  }

  @EventPattern(STATE_EXPORT_FINISHED.name)
  stateExportFinished(@Payload() event: StateExportFinished, @Ctx() context: BullMqContext): Promise<void> {
    return this.deliveries.fanOut(context, WEBHOOK_SOURCES.stateExportFinished(event));
  }

  @EventPattern(ROSTER_IMPORT_FINISHED.name)
  rosterImportFinished(@Payload() event: RosterImportFinished, @Ctx() context: BullMqContext): Promise<void> {
    return this.deliveries.fanOut(context, WEBHOOK_SOURCES.rosterImportFinished(event));
  }

  @EventPattern(DIRECTORY_RECORD_CHANGED.name)
  directoryRecordChanged(@Payload() event: DirectoryRecordChanged, @Ctx() context: BullMqContext): Promise<void> {
    return this.deliveries.fanOut(context, WEBHOOK_SOURCES.directoryRecordChanged(event));
  }
}
