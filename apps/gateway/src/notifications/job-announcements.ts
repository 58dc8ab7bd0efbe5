import { Injectable } from '@nestjs/common';
import { ANNOUNCE_JOB_FINISHED, FinishedJob, NotificationReply } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { NotificationMail } from './notification-mail.service';

/** The web app's screen of each kind of job: where the notice and its e-mail send the starter. */
export function jobScreen(job: { kind: FinishedJob['kind']; id: string; rosterImportId?: string }): string | null {
  switch (job.kind) {
    case 'roster-import':
      return `/admin/roster-imports?import=${job.id}`;
    case 'invitation-batch':
      // The batch is shown with the import that created the people it invites.
      return job.rosterImportId ? `/admin/roster-imports?import=${job.rosterImportId}&batch=${job.id}` : null;
    case 'state-export':
      return `/admin/state-reporting?export=${job.id}`;
    case 'district-export':
      return null;
  }
}

/**
 * Tells the person who started a long job that it finished: an in-app
 * notice (scheduling keeps the notifications, one per job), then an e-mail
 * when they asked for one. Both are single per job, so calling this again
 * for a retried or redelivered finish announces nothing new.
 */
@Injectable()
export class JobAnnouncements {
  constructor(
    private readonly bus: ServiceBus,
    private readonly mail: NotificationMail,
  ) {}

  async announce(districtId: string, startedBy: string, job: FinishedJob): Promise<NotificationReply> {
    const notice = await this.bus.send(ANNOUNCE_JOB_FINISHED, { districtId, recipientUserId: startedBy, job });
    // A state export that is done has its own mail to everyone who starts one ("your export is ready").
    if (!(job.kind === 'state-export' && job.status === 'succeeded')) await this.mail.jobFinished(districtId, startedBy, notice.job ?? job);
    return notice;
  }
}
