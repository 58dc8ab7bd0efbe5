import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { CommandContract, EventContract } from '@sessionledger/contracts';
import { BullMqClient } from './bullmq.client';

/** Typed sending: the contract fixes the pattern, the payload type and the reply type together. */
@Injectable()
export class ServiceBus implements OnApplicationShutdown {
  constructor(private readonly client: BullMqClient) {}

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
