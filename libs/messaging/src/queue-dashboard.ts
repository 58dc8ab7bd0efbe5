import { createHash, timingSafeEqual } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Environment } from '@sessionledger/config';
import { queuesWorkedBy, SERVICES } from '@sessionledger/contracts';
import { createRedis } from '@sessionledger/platform';

export const QUEUE_DASHBOARD_USER = 'operator';
export const QUEUE_DASHBOARD_PATH = '/queues';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The installation operators' view of every queue of every service (Bull
 * Board): depth, failed jobs with their errors, retries. Operators have no
 * account in the product (every user belongs to a district, and a district
 * admin must never see another district's jobs), so the dashboard is not an
 * API route: it listens on a port of its own, which no Service or Ingress
 * exposes (reach it with `kubectl port-forward`), behind HTTP Basic auth whose
 * password is OPS_DASHBOARD_TOKEN, a cluster secret. Without the token it
 * does not start.
 */
export class QueueDashboard implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueDashboard.name);
  private server?: FastifyInstance;
  private queues: Queue[] = [];
  private redis?: Redis;

  constructor(private readonly env: Environment) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.OPS_DASHBOARD_TOKEN) return;
    // One connection for all the queues it shows: a dashboard nobody looks at should cost one, not thirty.
    const connection = (this.redis = createRedis(this.env.REDIS_URL, 'commands', 'gateway:queue-dashboard'));
    connection.on('error', () => undefined);
    this.queues = SERVICES.flatMap((service) => queuesWorkedBy(service)).map((name) => {
      const queue = new Queue(name, { connection, prefix: this.env.REDIS_PREFIX });
      queue.on('error', (error) => this.logger.warn({ queue: name, reason: error.message }, 'queue dashboard connection error'));
      return queue;
    });
    const board = new FastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({ queues: this.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board });

    const server = Fastify({ logger: false });
    const expected = digest(`${QUEUE_DASHBOARD_USER}:${this.env.OPS_DASHBOARD_TOKEN}`);
    server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
      // Equal-length digests: the comparison takes the same time whatever was sent.
      if (!timingSafeEqual(digest(given), expected)) {
        if (given) this.logger.warn({ ip: request.ip }, 'queue dashboard refused a wrong password');
        await reply.code(401).header('www-authenticate', 'Basic realm="sessionledger queues", charset="UTF-8"').send({ code: 'AUTH.REQUIRED' });
      }
    });
    await server.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    await server.listen({ port: this.env.OPS_DASHBOARD_PORT, host: this.env.OPS_DASHBOARD_HOST });
    this.server = server;
    this.logger.log({ port: this.port }, 'queue dashboard is served on its own port');
  }

  /** The port actually bound (OPS_DASHBOARD_PORT=0 picks a free one); undefined when not serving. */
  get port(): number | undefined {
    return (this.server?.server.address() as AddressInfo | null)?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
