import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  GATEWAY_JOB_FINISHED,
  GatewayJobFinished,
  ROSTER_IMPORT_FINISHED,
  RosterImportFinished,
  STATE_EXPORT_FINISHED,
  StateExportFinished,
} from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { JobAnnouncements, jobScreen } from './job-announcements';

/**
 * The finish of each long job, as its own event reports it, announced to
 * whoever started it. Handlers run again on a redelivery; the announcement
 * stays single (see JobAnnouncements).
 */
@Controller()
export class JobAnnouncementsController {
  constructor(
    private readonly announcements: JobAnnouncements,
    private readonly transactions: TenantTransactions,
  ) {}

  @EventPattern(ROSTER_IMPORT_FINISHED.name)
  async rosterImportFinished(@Payload() event: RosterImportFinished): Promise<void> {
    const [found] = await this.transactions.run(event.districtId, (em) =>
      em.execute<{ requested_by: string | null }[]>(`select requested_by from gateway.roster_import where id = ?`, [event.importId]),
    );
    // An operator's import from the command line has nobody signed in to tell.
    if (!found?.requested_by) return;
    const job = { kind: 'roster-import' as const, id: event.importId };
    await this.announcements.announce(event.districtId, found.requested_by, { ...job, status: event.status, link: jobScreen(job), finishedAt: event.finishedAt });
  }

  @EventPattern(STATE_EXPORT_FINISHED.name)
  async stateExportFinished(@Payload() event: StateExportFinished): Promise<void> {
    const job = { kind: 'state-export' as const, id: event.exportId };
    await this.announcements.announce(event.districtId, event.requestedBy, {
      ...job,
      status: event.status === 'done' ? 'succeeded' : 'failed',
      link: jobScreen(job),
      finishedAt: event.finishedAt,
    });
  }

  @EventPattern(GATEWAY_JOB_FINISHED.name)
  async gatewayJobFinished(@Payload() event: GatewayJobFinished): Promise<void> {
    let rosterImportId: string | undefined;
    if (event.kind === 'invitation-batch') {
      const [batch] = await this.transactions.run(event.districtId, (em) =>
        em.execute<{ roster_import_id: string }[]>(`select roster_import_id from gateway.invitation_batch where id = ?`, [event.jobId]),
      );
      rosterImportId = batch?.roster_import_id;
    }
    const job = { kind: event.kind, id: event.jobId };
    await this.announcements.announce(event.districtId, event.startedBy, { ...job, status: event.status, link: jobScreen({ ...job, rosterImportId }), finishedAt: event.finishedAt });
  }
}
