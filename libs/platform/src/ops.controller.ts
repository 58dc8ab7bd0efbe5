import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from './public.decorator';
import { HealthRegistry } from './health';

/** Probes, outside `/api`, for the orchestrator; metrics have their own port (MetricsServer). */
@ApiExcludeController()
@Public()
@Controller()
export class OpsController {
  constructor(private readonly health: HealthRegistry) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.health.readiness();
    await reply.status(report.status === 'ready' ? 200 : 503).send(report);
  }
}
