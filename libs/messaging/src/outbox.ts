import { EntityManager } from '@mikro-orm/postgresql';
import { requestContext } from '@sessionledger/common';
import { EventContract } from '@sessionledger/contracts';
import { OutboxEvent } from './outbox.entity';

/**
 * Records an event in the caller's unit of work. It is flushed with the
 * business change, so an event exists exactly when its change does.
 */
export function recordEvent<P extends { districtId: string }>(
  em: EntityManager,
  contract: EventContract<P>,
  payload: P,
): OutboxEvent {
  const event = new OutboxEvent(payload.districtId, contract.name, { ...payload }, requestContext.current()?.correlationId);
  em.persist(event);
  return event;
}
