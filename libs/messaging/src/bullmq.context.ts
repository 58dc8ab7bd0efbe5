import { BaseRpcContext } from '@nestjs/microservices';
import type { Job } from 'bullmq';

export interface MessageFacts {
  /** Event id (events) or job id (commands). */
  messageId: string;
  pattern: string;
  districtId?: string;
  correlationId?: string;
  occurredAt?: string;
  attempt: number;
}

/** What a handler can learn about the message beyond its payload (`@Ctx()`). */
export class BullMqContext extends BaseRpcContext<[Job, MessageFacts]> {
  get job(): Job {
    return this.args[0];
  }

  get facts(): MessageFacts {
    return this.args[1];
  }
}
