import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Metrics } from '@sessionledger/platform';
import { TenantTransactions } from '@sessionledger/persistence';
import { BullMqContext } from './bullmq.context';

export type InboxOutcome = 'applied' | 'duplicate';

/**
 * Exactly-once effects for at-least-once delivery. The event id is inserted
 * into the consumer's inbox in the same transaction as the effect: a second
 * delivery (BullMQ retry, relay repeat, job re-added after removal) finds the
 * id and does nothing; a concurrent duplicate waits on the key and then finds it.
 */
@Injectable()
export class EventInbox {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly metrics: Metrics,
  ) {}

  async once(context: BullMqContext, effect: (em: EntityManager) => Promise<void>): Promise<InboxOutcome> {
    const { messageId, districtId, pattern } = context.facts;
    if (!districtId) throw new Error(`event ${messageId} has no district`);
    const outcome = await this.transactions.run(districtId, async (em) => {
      const schema = em.config.get('schema') as string;
      const claimed = await em.execute(
        `insert into ${schema}.inbox_event (event_id, district_id, name) values (?, ?, ?) on conflict do nothing returning event_id`,
        [messageId, districtId, pattern],
      );
      if (claimed.length === 0) return 'duplicate' as const;
      await effect(em);
      await em.flush();
      return 'applied' as const;
    });
    if (outcome === 'duplicate') this.metrics.duplicateEvents.inc({ pattern });
    return outcome;
  }

  /**
   * `effect` exactly once, and `acknowledge` every time the event arrives: in
   * the effect's transaction the first time, in a transaction of its own for a
   * repeat. A producer that republishes until acknowledged (session-log's
   * reconciler) thus gets its acknowledgement even when the first one was lost.
   */
  async onceAcknowledged(
    context: BullMqContext,
    effect: (em: EntityManager) => Promise<void>,
    acknowledge: (em: EntityManager) => void,
  ): Promise<InboxOutcome> {
    const outcome = await this.once(context, async (em) => {
      await effect(em);
      acknowledge(em);
    });
    if (outcome === 'duplicate') {
      await this.transactions.run(context.facts.districtId!, async (em) => {
        acknowledge(em);
        await em.flush();
      });
    }
    return outcome;
  }
}
