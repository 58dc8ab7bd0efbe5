import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { DomainError } from '@sessionledger/common';
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
