import { Module } from '@nestjs/common';
import { MailModule } from '@sessionledger/platform';
import { JobAnnouncements } from './job-announcements';
import { JobAnnouncementsController } from './job-announcements.controller';
import { NotificationMailController } from './notification-mail.controller';
import { NotificationMail } from './notification-mail.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** GET /me/notifications and marking one read (scheduling owns the records); the e-mails of escalations, digests and finished exports; finished jobs announced to their starter. */
@Module({
  imports: [MailModule],
  controllers: [NotificationsController, NotificationMailController, JobAnnouncementsController],
  providers: [NotificationsService, NotificationMail, JobAnnouncements],
})
export class NotificationsModule {}
