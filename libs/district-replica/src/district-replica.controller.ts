import { Controller, Type } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  BackendService,
  DISTRICT_SETTINGS_CHANGED,
  DistrictSettingsChanged,
  PING,
  PingCommand,
  PingReply,
  SCHOOL_CHANGED,
  SchoolChanged,
} from '@sessionledger/contracts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BullMqContext, EventInbox } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { DistrictReplica, SchoolReplica } from './district-replica.entity';

/** What a service does with a school change beyond its replica, in the same transaction. */
export interface ReplicaHooks {
  schoolChanged?(em: EntityManager, event: SchoolChanged): Promise<void>;
}

/**
 * Every back-end service keeps the same replica of district facts and answers
 * the same ping; only the ping's pattern differs, so the controller is made
 * per service.
 */
export function districtReplicaControllerFor(service: BackendService, hooks: ReplicaHooks = {}): Type<unknown> {
  @Controller()
  class DistrictReplicaController {
    constructor(
      private readonly inbox: EventInbox,
      private readonly transactions: TenantTransactions,
    ) {}

    @MessagePattern(PING[service].pattern)
    async ping(@Payload() command: PingCommand): Promise<PingReply> {
      const districtId = command.actor.districtId;
      const replica = await this.transactions.run(districtId, (em) => em.findOne(DistrictReplica, { districtId }));
      return { service, districtId, answeredAt: new Date().toISOString(), settingsVersion: replica?.version ?? 0 };
    }

    @EventPattern(DISTRICT_SETTINGS_CHANGED.name)
    async districtSettingsChanged(@Payload() event: DistrictSettingsChanged, @Ctx() context: BullMqContext): Promise<void> {
      await this.inbox.once(context, async (em) => {
        const replica = (await em.findOne(DistrictReplica, { districtId: event.districtId })) ?? new DistrictReplica(event.districtId);
        // Relay replicas may deliver two changes out of order: the newer version wins.
        if (replica.version !== undefined && replica.version >= event.version) return;
        replica.name = event.name;
        replica.timeZone = event.timeZone;
        replica.version = event.version;
        replica.settings = { ...event.settings };
        replica.updatedAt = new Date();
        em.persist(replica);
      });
    }

    @EventPattern(SCHOOL_CHANGED.name)
    async schoolChanged(@Payload() event: SchoolChanged, @Ctx() context: BullMqContext): Promise<void> {
      await this.inbox.once(context, async (em) => {
        const school = (await em.findOne(SchoolReplica, { id: event.schoolId })) ?? new SchoolReplica(event.schoolId, event.districtId);
        if (school.version !== undefined && school.version >= event.version) return;
        school.version = event.version;
        school.name = event.name;
        school.stateSchoolCode = event.stateSchoolCode;
        school.active = event.active;
        em.persist(school);
        await hooks.schoolChanged?.(em, event);
      });
    }
  }
  Object.defineProperty(DistrictReplicaController, 'name', { value: `${service}DistrictReplicaController` });
  return DistrictReplicaController;
}
