import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { lastValueFrom, isObservable } from 'rxjs';
import { invalid, newId, requestContext, unsafeTextFields, ValidationFailed } from '@sessionledger/common';
import { commandQueueOf, CONTRACTS, eventQueueOf, ServiceName } from '@sessionledger/contracts';
import type { Metrics } from '@sessionledger/platform';
import { redisOptionsFrom } from '@sessionledger/platform';
import { DEFAULT_WORKER_SETTINGS, QueueSettings, WorkerSettings } from './bullmq-options';
import { BullMqContext, MessageFacts } from './bullmq.context';
import type { CommandEnvelope, EventEnvelope, ReplyEnvelope } from './envelopes';
import { errorReply, fieldProblems } from './message-errors';

export interface BullMqServerOptions extends QueueSettings {
  service: ServiceName;
  worker?: Partial<WorkerSettings>;
  metrics?: Metrics;
}

/**
 * A `@nestjs/microservices` transport on BullMQ. Each service consumes two
 * queues: `<service>.commands` (request/reply: the handler's result is the
 * job's return value) and `<service>.events` (one queue per consumer, fed by
 * the producers' outbox relays). Handlers stay ordinary `@MessagePattern` and
 * `@EventPattern` methods; payloads are validated against their contract
 * before a handler sees them, since Redis is a trust boundary.
 */
export class BullMqServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(BullMqServer.name);
  private readonly workers: Worker[] = [];
  private readonly settings: WorkerSettings;

  constructor(private readonly options: BullMqServerOptions) {
    super();
    this.settings = { ...DEFAULT_WORKER_SETTINGS, ...options.worker };
  }

  on(): never {
    throw new Error('BullMqServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.workers as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const handlers = [...this.messageHandlers.entries()];
      if (handlers.some(([, handler]) => !handler.isEventHandler)) {
        this.workers.push(this.createWorker(commandQueueOf(this.options.service), (job) => this.handleCommand(job)));
      }
      if (handlers.some(([, handler]) => handler.isEventHandler)) {
        this.workers.push(this.createWorker(eventQueueOf(this.options.service), (job) => this.handleEventJob(job)));
      }
      await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking jobs and waits for the ones in flight (Nest calls this on SIGTERM). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    this.workers.length = 0;
  }

  private createWorker(queue: string, process: (job: Job) => Promise<unknown>): Worker {
    const worker = new Worker(queue, process, {
      connection: redisOptionsFrom(this.options.redisUrl, 'blocking'),
      prefix: this.options.prefix,
      concurrency: this.settings.concurrency,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      maxStalledCount: this.settings.maxStalledCount,
      autorun: true,
    });
    worker.on('error', (error) => this.logger.error({ queue, err: { message: error.message } }, 'worker error'));
    worker.on('failed', (job, error) =>
      this.logger.warn({ queue, messageId: job?.id, attempt: job?.attemptsMade, reason: error.message }, 'message failed'),
    );
    return worker;
  }

  private async handleCommand(job: Job<CommandEnvelope>): Promise<ReplyEnvelope> {
    const { pattern, data, correlationId, deadline } = job.data;
    const facts: MessageFacts = { messageId: job.id ?? newId(), pattern, correlationId, attempt: job.attemptsMade + 1 };
    return requestContext.run({ correlationId: correlationId ?? facts.messageId, messageId: facts.messageId }, async () => {
      const stopTimer = this.options.metrics?.messageDuration.startTimer({ pattern, kind: 'command' });
      let reply: ReplyEnvelope;
      if (Date.now() > deadline) {
        reply = {
          ok: false,
          error: { kind: 'unavailable', code: 'MESSAGE.EXPIRED', message: 'The caller gave up on this command before it was handled' },
        };
      } else {
        reply = await this.invoke(pattern, data, job, facts);
      }
      stopTimer?.();
      this.options.metrics?.messagesHandled.inc({ pattern, kind: 'command', outcome: reply.ok ? 'ok' : reply.error.kind });
      return reply;
    });
  }

  private async invoke(pattern: string, data: unknown, job: Job, facts: MessageFacts): Promise<ReplyEnvelope> {
    try {
      const handler = this.getHandlerByPattern(pattern);
      if (!handler || handler.isEventHandler) {
        return errorReply(invalid('pattern', `no handler for ${pattern}`));
      }
      const payload = await this.validatedPayload(pattern, data);
      const result = await handler(payload, new BullMqContext([job, facts]));
      const value = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : await result;
      return { ok: true, data: value ?? null };
    } catch (error) {
      if (!(error instanceof Error && 'kind' in error)) {
        this.logger.error({ pattern, err: { message: (error as Error)?.message, stack: (error as Error)?.stack } }, 'command handler failed');
      }
      return errorReply(error);
    }
  }

  /**
   * Events: a handler that throws fails the job and BullMQ retries it with
   * backoff; a payload that breaks its contract will never succeed, so it
   * fails once, loudly, without retries.
   */
  private async handleEventJob(job: Job<EventEnvelope>): Promise<void> {
    const envelope = job.data;
    const facts: MessageFacts = {
      messageId: envelope.id,
      pattern: envelope.name,
      districtId: envelope.districtId,
      correlationId: envelope.correlationId,
      occurredAt: envelope.occurredAt,
      attempt: job.attemptsMade + 1,
    };
    await requestContext.run(
      { correlationId: envelope.correlationId ?? envelope.id, messageId: envelope.id, districtId: envelope.districtId },
      async () => {
        const stopTimer = this.options.metrics?.messageDuration.startTimer({ pattern: envelope.name, kind: 'event' });
        try {
          const handler = this.getHandlerByPattern(envelope.name);
          if (!handler) throw new UnrecoverableError(`no handler for event ${envelope.name}`);
          let payload: unknown;
          try {
            payload = await this.validatedPayload(envelope.name, envelope.payload);
          } catch (error) {
            throw new UnrecoverableError(`event ${envelope.name} ${envelope.id} breaks its contract: ${(error as Error).message}`);
          }
          if ((payload as { districtId?: string }).districtId !== envelope.districtId) {
            throw new UnrecoverableError(`event ${envelope.id} names two districts`);
          }
          const result = await handler(payload, new BullMqContext([job, facts]));
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          else await result;
          this.options.metrics?.messagesHandled.inc({ pattern: envelope.name, kind: 'event', outcome: 'ok' });
        } catch (error) {
          this.options.metrics?.messagesHandled.inc({ pattern: envelope.name, kind: 'event', outcome: 'error' });
          throw error;
        } finally {
          stopTimer?.();
        }
      },
    );
  }

  private async validatedPayload(pattern: string, data: unknown): Promise<unknown> {
    const contract = CONTRACTS.find(pattern);
    if (!contract) throw invalid('pattern', `${pattern} is not a known message`);
    if (data === null || typeof data !== 'object') {
      throw invalid('payload', 'must be an object');
    }
    // Redis is a boundary too: text PostgreSQL cannot store is refused here, never as a 500 at the insert.
    const unsafe = unsafeTextFields(data);
    if (unsafe.length > 0) {
      throw new ValidationFailed(unsafe.map((field) => ({ field, problems: ['must not contain NUL characters or unpaired surrogates'] })), `Invalid ${pattern} payload`);
    }
    const payload = plainToInstance(contract.payload as new () => object, data);
    const errors = await validate(payload, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ValidationFailed(fieldProblems(errors), `Invalid ${pattern} payload`);
    return payload;
  }
}
