import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  ANNOUNCE_JOB_FINISHED,
  AnnounceJobFinishedCommand,
  LIST_NOTIFICATIONS,
  ListNotificationsCommand,
  MARK_NOTIFICATION_READ,
  MarkNotificationReadCommand,
  NotificationReply,
  SESSION_AMENDED,
  SESSION_POSTED,
  SessionAmended,
  SessionPosted,
  TASK_CLOSED,
  TASK_OPENED,
  TaskClosed,
  TaskOpened,
} from '@sessionledger/contracts';
import { Page } from '@sessionledger/common';
import { BullMqContext, EventInbox } from '@sessionledger/messaging';
import { RemindersService } from './reminders.service';

/** Session-log's task, posting and amendment events, each applied once, and the notification commands (the gateway's finished-job notices among them). */
@Controller()
export class RemindersController {
  constructor(
    private readonly inbox: EventInbox,
    private readonly reminders: RemindersService,
  ) {}

  @EventPattern(TASK_OPENED.name)
  async taskOpened(@Payload() event: TaskOpened, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, (em) => this.reminders.opened(em, event));
    // Also on a duplicate: the jobs may have been lost between the commit and their adding; their ids keep them single.
    await this.reminders.scheduleJobs(event);
  }

  @EventPattern(TASK_CLOSED.name)
  async taskClosed(@Payload() event: TaskClosed, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, (em) => this.reminders.closed(em, event));
  }

  @EventPattern(SESSION_POSTED.name)
  async sessionPosted(@Payload() event: SessionPosted, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, (em) => this.reminders.sessionPosted(em, event));
  }

  @EventPattern(SESSION_AMENDED.name)
  async sessionAmended(@Payload() event: SessionAmended, @Ctx() context: BullMqContext): Promise<void> {
    await this.inbox.once(context, (em) => this.reminders.sessionAmended(em, event));
  }

  @MessagePattern(LIST_NOTIFICATIONS.pattern)
  list(@Payload() command: ListNotificationsCommand): Promise<Page<NotificationReply>> {
    return this.reminders.list(command);
  }

  @MessagePattern(ANNOUNCE_JOB_FINISHED.pattern)
  announceJobFinished(@Payload() command: AnnounceJobFinishedCommand): Promise<NotificationReply> {
    return this.reminders.announceJobFinished(command);
  }

  @MessagePattern(MARK_NOTIFICATION_READ.pattern)
  markRead(@Payload() command: MarkNotificationReadCommand): Promise<NotificationReply> {
    return this.reminders.markRead(command.actor, command.notificationId, command.studentIds);
  }
}
