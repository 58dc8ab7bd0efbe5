import { Module } from '@nestjs/common';
import { MailModule } from '@sessionledger/platform';
import { ReminderJobs } from './reminder-jobs';
import { RemindersController } from './reminders.controller';
import { RemindersService } from './reminders.service';

/** Reminders and escalations of overdue post-session tasks, as delayed jobs on scheduling's own queue. */
@Module({
  imports: [MailModule],
  controllers: [RemindersController],
  providers: [ReminderJobs, RemindersService],
})
export class RemindersModule {}
