import type { ActorSnapshot } from '@sessionledger/contracts';
import type { ErrorBody, ErrorKind } from '@sessionledger/common';

/** A command as it travels in a BullMQ job. */
export interface CommandEnvelope {
  pattern: string;
  data: unknown;
  correlationId: string;
  /** Epoch ms after which the caller has given up: a late job is dropped, not run. */
  deadline: number;
}

/** What a command job returns; failures are answers, not failed jobs. */
export type ReplyEnvelope =
  | { ok: true; data: unknown }
  | { ok: false; error: ErrorBody & { kind: ErrorKind } };

/** An event as it travels in a BullMQ job; the job id is the event id. */
export interface EventEnvelope {
  id: string;
  name: string;
  districtId: string;
  occurredAt: string;
  correlationId?: string;
  payload: unknown;
}

export type { ActorSnapshot };
