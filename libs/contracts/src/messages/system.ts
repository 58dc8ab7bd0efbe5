import { TenantCommand } from '../actor';
import { defineCommand } from '../contract';
import { BACKEND_SERVICES, BackendService } from '../services';

export class PingCommand extends TenantCommand {}

export interface PingReply {
  service: BackendService;
  districtId: string;
  answeredAt: string;
  /** District settings as this service's replica knows them (version 0: none received yet). */
  settingsVersion: number;
}

/** One ping per back-end service: proves the round trip gateway → BullMQ → service → gateway. */
export const PING = Object.fromEntries(
  BACKEND_SERVICES.map((service) => [service, defineCommand<PingCommand, PingReply>(service, 'ping', PingCommand)]),
) as Record<BackendService, ReturnType<typeof defineCommand<PingCommand, PingReply>>>;
