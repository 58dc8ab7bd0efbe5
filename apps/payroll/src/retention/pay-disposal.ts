import { Controller, Injectable, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DISPOSE_PAY, DisposalReply, DisposeRecordsCommand } from '@sessionledger/contracts';
import { disposeInBatches, pgArray, TenantTransactions } from '@sessionledger/persistence';

/**
 * Deletes a district's closed pay periods that ended before the cutoff, with
 * their pay and billable lines and the decisions left without a line, batch
 * by batch. An open period is never touched, and a period goes whole or not
 * at all, so no total that is still kept ever changes (docs/retention.md).
 */
@Injectable()
export class PayDisposal {
  private readonly logger = new Logger(PayDisposal.name);

  constructor(private readonly transactions: TenantTransactions) {}

  async dispose(command: DisposeRecordsCommand): Promise<DisposalReply> {
    const districtId = command.actor.districtId;
    const params = [command.before, pgArray(command.heldStudentIds), pgArray(command.heldSchoolIds), command.batchSize];
    const disposed = await disposeInBatches(this.transactions, districtId, command.batchSize, async (em) => {
      const [row] = (await em.execute(`SELECT payroll.dispose_pay_periods(?::date, ?::uuid[], ?::uuid[], ?) AS deleted`, params)) as { deleted: number }[];
      return row.deleted;
    });
    // Closed periods still ending before the cutoff are what holds (or a kept period's reversals) kept.
    const heldBack = await this.transactions.run(districtId, async (em) => {
      const [row] = (await em.execute(`SELECT count(*)::int AS held FROM payroll.pay_period WHERE status = 'closed' AND ends_on < ?::date`, [command.before])) as {
        held: number;
      }[];
      return row.held;
    });
    this.logger.log({ before: command.before, disposed, heldBack }, 'pay periods disposed');
    return { disposed, heldBack };
  }
}

@Controller()
export class PayDisposalController {
  constructor(private readonly disposal: PayDisposal) {}

  @MessagePattern(DISPOSE_PAY.pattern)
  dispose(@Payload() command: DisposeRecordsCommand): Promise<DisposalReply> {
    return this.disposal.dispose(command);
  }
}
