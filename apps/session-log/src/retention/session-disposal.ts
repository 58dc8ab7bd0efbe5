import { Controller, Injectable, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DISPOSE_SESSIONS, DisposalReply, DisposeRecordsCommand } from '@sessionledger/contracts';
import { disposeInBatches, pgArray, TenantTransactions } from '@sessionledger/persistence';

/**
 * Deletes a district's sessions dated before the cutoff, with their
 * participants (and so their notes), versions, trail and tasks, batch by
 * batch, each batch its own transaction. Pay and state-reporting rows are
 * other services' and are not touched: they keep the snapshot they were
 * given, so no money moves (docs/retention.md).
 */
@Injectable()
export class SessionDisposal {
  private readonly logger = new Logger(SessionDisposal.name);

  constructor(private readonly transactions: TenantTransactions) {}

  async dispose(command: DisposeRecordsCommand): Promise<DisposalReply> {
    const districtId = command.actor.districtId;
    const params = [command.before, pgArray(command.heldStudentIds), pgArray(command.heldSchoolIds), command.batchSize];
    const disposed = await disposeInBatches(this.transactions, districtId, command.batchSize, async (em) => {
      const [row] = (await em.execute(`SELECT session_log.dispose_sessions(?::date, ?::uuid[], ?::uuid[], ?) AS deleted`, params)) as { deleted: number }[];
      return row.deleted;
    });
    // Whatever is still older than the cutoff is what the holds kept.
    const heldBack = await this.transactions.run(districtId, async (em) => {
      const [row] = (await em.execute(`SELECT count(*)::int AS held FROM session_log.session WHERE session_date < ?::date`, [command.before])) as { held: number }[];
      return row.held;
    });
    this.logger.log({ before: command.before, disposed, heldBack }, 'sessions disposed');
    return { disposed, heldBack };
  }
}

@Controller()
export class SessionDisposalController {
  constructor(private readonly disposal: SessionDisposal) {}

  @MessagePattern(DISPOSE_SESSIONS.pattern)
  dispose(@Payload() command: DisposeRecordsCommand): Promise<DisposalReply> {
    return this.disposal.dispose(command);
  }
}
