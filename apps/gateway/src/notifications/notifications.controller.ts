import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { NotificationReply } from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { NotificationsQuery } from './notifications.dto';
import { NotificationsService } from './notifications.service';

/** Staff read their reminders and escalations, guardians their students' note digests; students get none. */
const READERS = ['provider', 'school_admin', 'district_admin', 'payroll', 'guardian'] as const;

/**
 * A user's reminders of overdue post-session tasks; a school admin also sees
 * the escalations of their schools, a district admin those of every school;
 * a guardian the digests of their students' notes, one every 4 posted sessions.
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Roles(...READERS)
  @Get()
  @Operation({
    summary: 'List my notifications',
    description:
      'Reminders, escalations (admins), note digests (guardians) and notices that a long job I started finished (`job-finished`, with `job.link` to its screen), newest first (ties by id). `updatedSince` filters on the latest of created, read and e-mailed.',
    answer: Paged(NotificationReply),
    errors: [503],
  })
  list(@CurrentActor() actor: Actor, @Query() query: NotificationsQuery): Promise<Page<NotificationReply>> {
    return this.notifications.list(actor, query);
  }

  @Roles(...READERS)
  @Post(':id/read')
  @Operation({ summary: 'Mark a notification read', description: 'Idempotent: reading it again keeps the first readAt.', answer: NotificationReply, errors: [404, 503] })
  markRead(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<NotificationReply> {
    return this.notifications.markRead(actor, id);
  }
}
