import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { DomainError, invalid } from '@sessionledger/common';
import { BACKEND_SERVICES, BackendService, PING } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { Operation } from '../http/openapi';

export class ServiceStatus {
  @ApiProperty({ enum: BACKEND_SERVICES })
  service: BackendService;

  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Milliseconds from asking to the answer (or to giving up)' })
  roundTripMs: number;

  /** Version of the district settings the service has applied (0: none yet). */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Version of the district settings the service has applied (0: none yet); only when up' })
  settingsVersion?: number;

  @ApiPropertyOptional({ description: 'Why the service is down' })
  error?: string;
}

function isBackendService(name: string): name is BackendService {
  return (BACKEND_SERVICES as readonly string[]).includes(name);
}

/** A district admin's view of the platform: each service answers over the message bus, or says why not. */
@ApiTags('system')
@ApiBearerAuth()
@Controller('system')
export class SystemController {
  constructor(private readonly bus: ServiceBus) {}

  @Roles('district_admin')
  @Get('services')
  @Operation({ summary: 'Check every back-end service', description: 'Each service answers over the message bus, or says why not; always one entry per service, in a fixed order.', answer: [ServiceStatus] })
  services(@CurrentActor() actor: Actor): Promise<ServiceStatus[]> {
    return Promise.all(BACKEND_SERVICES.map((service) => this.ping(actor, service)));
  }

  /** One service's round trip; 503 SERVICE.UNAVAILABLE when it does not answer in time. */
  @Roles('district_admin')
  @Get('services/:service')
  @Operation({ summary: 'Check one back-end service', answer: ServiceStatus, errors: [503] })
  @ApiParam({ name: 'service', enum: BACKEND_SERVICES })
  async service(@CurrentActor() actor: Actor, @Param('service') service: string): Promise<ServiceStatus> {
    if (!isBackendService(service)) {
      throw invalid('service', `must be one of ${BACKEND_SERVICES.join(', ')}`);
    }
    const started = performance.now();
    const reply = await this.bus.send(PING[service], { actor: actor.snapshot() });
    return { service, status: 'up', roundTripMs: Math.round(performance.now() - started), settingsVersion: reply.settingsVersion };
  }

  private async ping(actor: Actor, service: BackendService): Promise<ServiceStatus> {
    const started = performance.now();
    try {
      const reply = await this.bus.send(PING[service], { actor: actor.snapshot() });
      return { service, status: 'up', roundTripMs: Math.round(performance.now() - started), settingsVersion: reply.settingsVersion };
    } catch (error) {
      const message = error instanceof DomainError ? error.message : 'no answer';
      return { service, status: 'down', roundTripMs: Math.round(performance.now() - started), error: message };
    }
  }
}
