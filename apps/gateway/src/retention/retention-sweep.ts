import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Environment } from '@sessionledger/config';
import { TenantTransactions, underAdvisoryLock } from '@sessionledger/persistence';
import { PeriodicPass } from '@sessionledger/platform';
import { User } from '../directory/directory.entities';
import { RetentionService } from './retention.service';

const LOCK_KEY = 'gateway.retention-sweep';
/** A district disposes automatically at most once a day; a run an admin started counts. */
const DAY_MS = 86_400_000;

/**
 * Runs the disposal of every district whose retention policy says
 * `automatic`, once a day, under the authority of the admin who set that
 * policy (the reports name them, marked automatic). One gateway replica at a
 * time (a PostgreSQL advisory lock held through the pass); a district that
 * fails is logged and tried on the next pass, and its reports say why.
 */
@Injectable()
export class RetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionSweep.name);
  private readonly passes: PeriodicPass;

  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    private readonly retention: RetentionService,
    env: Environment,
  ) {
    this.passes = new PeriodicPass(this.logger, 'retention sweep', () => env.RETENTION_SWEEP_INTERVAL_MS, () => this.sweepOnce());
  }

  onApplicationBootstrap(): void {
    this.passes.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass: the districts due now, each disposed of in turn. Returns how many districts ran (0 when another replica holds the lock). */
  async sweepOnce(): Promise<number> {
    const ran = await underAdvisoryLock(this.orm, LOCK_KEY, async (tx) => {
      const due = await tx.execute<{ district_id: string; policy_set_by: string }[]>(`select district_id, policy_set_by from gateway.districts_due_for_disposal(?)`, [
        new Date(Date.now() - DAY_MS),
      ]);
      let districtsRun = 0;
      for (const { district_id: districtId, policy_set_by: setBy } of due) {
        if (this.passes.isStopped) break;
        try {
          const authority = await this.transactions.run(districtId, (em) => em.findOne(User, { id: setBy }));
          const name = authority ? `${authority.firstName} ${authority.lastName}` : 'a district admin';
          const actor = new Actor(setBy, districtId, ['district_admin'], [], `Automatic disposal (policy set by ${name})`, null);
          const run = await this.retention.runDisposal(actor, {});
          districtsRun += 1;
          this.logger.log({ districtId, runId: run.runId, reports: run.reports.map((r) => ({ recordClass: r.recordClass, status: r.status, disposed: r.disposed })) }, 'automatic disposal ran');
        } catch (error) {
          this.logger.error({ districtId, err: { message: (error as Error).message } }, 'automatic disposal of a district failed; trying next pass');
        }
      }
      return districtsRun;
    });
    return ran ?? 0;
  }
}
