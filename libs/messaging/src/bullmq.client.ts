import { Logger } from '@nestjs/common';
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { Job, Queue, QueueEvents } from 'bullmq';
import { DomainError, newId, requestContext, ServiceUnavailable } from '@sessionledger/common';
import { BackendService, commandQueueOf, CONTRACTS, eventQueueOf } from '@sessionledger/contracts';
import type { Metrics } from '@sessionledger/platform';
import { redisOptionsFrom } from '@sessionledger/platform';
import { COMMAND_JOB_OPTIONS, EVENT_JOB_OPTIONS, QueueSettings } from './bullmq-options';
import type { CommandEnvelope, EventEnvelope, ReplyEnvelope } from './envelopes';

export interface BullMqClientOptions extends QueueSettings {
  /** How long `send` waits for the owning service before answering 503. */
  timeoutMs: number;
  metrics?: Metrics;
}

/**
 * The caller's side of the BullMQ transport. `send(pattern, data)` adds a job
 * to the owner's command queue and waits for its return value; when the owner
 * does not answer in time the job is withdrawn (so it cannot run late) and
 * the caller gets SERVICE.UNAVAILABLE, never a hang. `emit` fans an event out
 * to every consumer's queue.
 */
export class BullMqClient extends ClientProxy {
  private readonly logger = new Logger(BullMqClient.name);
  private readonly queues = new Map<string, Queue>();
  private readonly queueEvents = new Map<string, QueueEvents>();

  constructor(private readonly options: BullMqClientOptions) {
    super();
  }

  async connect(): Promise<void> {
    // Queues open lazily, one per destination.
  }

  /**
   * Opens the reply listeners of the given services before the first request.
   * A listener reads completions from the moment it starts, so one opened by
   * the first request itself could miss that request's quick answer.
   */
  async warmUp(services: readonly BackendService[]): Promise<void> {
    await Promise.all(services.map((service) => this.events(commandQueueOf(service)).waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queueEvents.values()].map((events) => events.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queueEvents.clear();
    this.queues.clear();
  }

  unwrap<T>(): T {
    return this.queues as T;
  }

  override on(): never {
    throw new Error('BullMqClient does not support event listeners');
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    let cancelled = false;
    this.request(pattern, packet.data)
      .then((reply) => {
        if (cancelled) return;
        if (reply.ok) callback({ response: reply.data, isDisposed: true });
        else callback({ err: DomainError.fromBody(reply.error.kind, reply.error), isDisposed: true });
      })
      .catch((error: unknown) => {
        if (!cancelled) callback({ err: error, isDisposed: true });
      });
    return () => {
      cancelled = true;
    };
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket<{ districtId: string }>): Promise<T> {
    const name = this.normalizePattern(packet.pattern);
    const contract = CONTRACTS.find(name);
    if (!contract || contract.kind !== 'event') throw new Error(`${name} is not a known event`);
    const envelope: EventEnvelope = {
      id: newId(),
      name,
      districtId: packet.data.districtId,
      occurredAt: new Date().toISOString(),
      correlationId: requestContext.current()?.correlationId,
      payload: packet.data,
    };
    await Promise.all(
      contract.consumers.map((consumer) =>
        this.queue(eventQueueOf(consumer)).add(name, envelope, { ...EVENT_JOB_OPTIONS, jobId: envelope.id }),
      ),
    );
    return undefined as T;
  }

  private async request(pattern: string, data: unknown): Promise<ReplyEnvelope> {
    const contract = CONTRACTS.find(pattern);
    if (!contract || contract.kind !== 'command') throw new Error(`${pattern} is not a known command`);
    const queueName = commandQueueOf(contract.owner);
    const stopTimer = this.options.metrics?.rpcDuration.startTimer({ pattern });
    const envelope: CommandEnvelope = {
      pattern,
      data,
      correlationId: requestContext.current()?.correlationId ?? newId(),
      deadline: Date.now() + this.options.timeoutMs,
    };
    let job;
    try {
      job = await this.queue(queueName).add(pattern, envelope, COMMAND_JOB_OPTIONS);
    } catch (error) {
      stopTimer?.({ outcome: 'redis_down' });
      throw new ServiceUnavailable(contract.owner, `the message broker refused the command (${(error as Error).message})`);
    }
    try {
      const reply = (await job.waitUntilFinished(this.events(queueName), this.options.timeoutMs)) as ReplyEnvelope;
      stopTimer?.({ outcome: reply.ok ? 'ok' : reply.error.kind });
      return reply;
    } catch (error) {
      // The completion notice can be missed (a listener reconnecting); the job itself still holds the answer.
      const finished = await Job.fromId(this.queue(queueName), job.id!).catch(() => undefined);
      if (finished?.finishedOn && finished.returnvalue) {
        stopTimer?.({ outcome: 'late_notice' });
        return finished.returnvalue as ReplyEnvelope;
      }
      stopTimer?.({ outcome: 'timeout' });
      await job.remove().catch(() => undefined);
      this.logger.warn({ pattern, messageId: job.id, reason: (error as Error).message }, 'command got no answer');
      throw new ServiceUnavailable(contract.owner, `no answer within ${this.options.timeoutMs} ms`);
    }
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: redisOptionsFrom(this.options.redisUrl, 'commands'), prefix: this.options.prefix });
      queue.on('error', (error) => this.logger.warn({ queue: name, reason: error.message }, 'queue connection error'));
      // BullMQ adds a listener per request awaiting its reply: hundreds at once are normal here.
      queue.setMaxListeners(0);
      this.queues.set(name, queue);
    }
    return queue;
  }

  private events(name: string): QueueEvents {
    let events = this.queueEvents.get(name);
    if (!events) {
      events = new QueueEvents(name, { connection: redisOptionsFrom(this.options.redisUrl, 'blocking'), prefix: this.options.prefix });
      events.on('error', (error) => this.logger.warn({ queue: name, reason: error.message }, 'queue events connection error'));
      events.setMaxListeners(0);
      this.queueEvents.set(name, events);
    }
    return events;
  }
}
