import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { DomainError, ValidationFailed } from '@sessionledger/common';
import { BACKEND_SERVICES, BackendService, PING } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';

export interface ServiceStatus {
  service: BackendService;
  status: 'up' | 'down';
  roundTripMs: number;
  /** Version of the district settings the service has applied (0: none yet). */
  settingsVersion?: number;
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
  services(@CurrentActor() actor: Actor): Promise<ServiceStatus[]> {
    return Promise.all(BACKEND_SERVICES.map((service) => this.ping(actor, service)));
  }

  /** One service's round trip; 503 SERVICE.UNAVAILABLE when it does not answer in time. */
  @Roles('district_admin')
  @Get('services/:service')
  async service(@CurrentActor() actor: Actor, @Param('service') service: string): Promise<ServiceStatus> {
    if (!isBackendService(service)) {
      throw new ValidationFailed([{ field: 'service', problems: [`must be one of ${BACKEND_SERVICES.join(', ')}`] }]);
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
