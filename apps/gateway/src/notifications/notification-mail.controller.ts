import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { GUARDIAN_DIGEST_CREATED, GuardianDigestCreated, STATE_EXPORT_FINISHED, StateExportFinished, TASK_ESCALATED, TaskEscalated } from '@sessionledger/contracts';
import { NotificationMail } from './notification-mail.service';

/**
 * Events whose people only the gateway knows: each is mailed once per
 * recipient by NotificationMail's own ledger (not the event inbox, so another
 * gateway handler of the same event, such as a webhook, keeps its own once).
 */
@Controller()
export class NotificationMailController {
  constructor(private readonly mail: NotificationMail) {}

  @EventPattern(TASK_ESCALATED.name)
  async taskEscalated(@Payload() event: TaskEscalated): Promise<void> {
    await this.mail.escalated(event);
  }

  @EventPattern(GUARDIAN_DIGEST_CREATED.name)
  async digestCreated(@Payload() event: GuardianDigestCreated): Promise<void> {
    await this.mail.digestCreated(event);
  }

  @EventPattern(STATE_EXPORT_FINISHED.name)
  async exportFinished(@Payload() event: StateExportFinished): Promise<void> {
    await this.mail.exportFinished(event);
  }
}
