import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BACKEND_SERVICES, CommandContract, EventContract } from '@sessionledger/contracts';
import { BullMqClient } from './bullmq.client';

/** Typed sending: the contract fixes the pattern, the payload type and the reply type together. */
@Injectable()
export class ServiceBus implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly client: BullMqClient) {}

  onApplicationBootstrap(): void {
    // Not awaited: a gateway started while Redis is down still boots, and reports not-ready.
    void this.client.warmUp(BACKEND_SERVICES).catch(() => undefined);
  }

  send<P, R>(contract: CommandContract<P, R>, payload: P): Promise<R> {
    return lastValueFrom(this.client.send<R, P>(contract.pattern, payload));
  }

  async emit<P extends { districtId: string }>(contract: EventContract<P>, payload: P): Promise<void> {
    await lastValueFrom(this.client.emit(contract.name, payload), { defaultValue: undefined });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
