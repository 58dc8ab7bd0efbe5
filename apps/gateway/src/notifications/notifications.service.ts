import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { LIST_NOTIFICATIONS, MARK_NOTIFICATION_READ, NotificationReply } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { viewerStudentIds } from '../sessions/session-directory';
import { NotificationsQuery } from './notifications.dto';

/**
 * Notifications live in scheduling, which decides what the actor may see from
 * the actor's snapshot; a guardian's students, which only the gateway knows, go with it.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  async list(actor: Actor, query: NotificationsQuery): Promise<Page<NotificationReply>> {
    return this.bus.send(LIST_NOTIFICATIONS, { actor: actor.snapshot(), studentIds: await this.guardedStudents(actor), ...query });
  }

  async markRead(actor: Actor, notificationId: string): Promise<NotificationReply> {
    return this.bus.send(MARK_NOTIFICATION_READ, { actor: actor.snapshot(), notificationId, studentIds: await this.guardedStudents(actor) });
  }

  private async guardedStudents(actor: Actor): Promise<string[]> {
    if (!actor.has('guardian')) return [];
    return this.transactions.run(actor.districtId, (em) => viewerStudentIds(em, actor));
  }
}
