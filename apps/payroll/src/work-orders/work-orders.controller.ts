import { Controller, } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CREATE_WORK_ORDER,
  CreateWorkOrderCommand,
  GET_WORK_ORDER,
  GetWorkOrderCommand,
  LIST_WORK_ORDERS,
  ListWorkOrdersCommand,
  SET_WORK_ORDER_ACTIVE,
  SetWorkOrderActiveCommand,
  UPDATE_WORK_ORDER,
  UpdateWorkOrderCommand,
  WorkOrderPageReply,
  WorkOrderReply,
} from '@sessionledger/contracts';
import { WorkOrdersService } from './work-orders.service';

/**
 * Payroll's command handlers for work orders; payloads arrive already
 * validated against their contract, and domain errors go back to the caller.
 */
@Controller()
export class WorkOrdersController {
  constructor(private readonly workOrders: WorkOrdersService) {}

  @MessagePattern(CREATE_WORK_ORDER.pattern)
  create(@Payload() command: CreateWorkOrderCommand): Promise<WorkOrderReply> {
    return this.workOrders.create(command);
  }

  @MessagePattern(UPDATE_WORK_ORDER.pattern)
  update(@Payload() command: UpdateWorkOrderCommand): Promise<WorkOrderReply> {
    return this.workOrders.update(command);
  }

  @MessagePattern(SET_WORK_ORDER_ACTIVE.pattern)
  setActive(@Payload() command: SetWorkOrderActiveCommand): Promise<WorkOrderReply> {
    return this.workOrders.setActive(command);
  }

  @MessagePattern(GET_WORK_ORDER.pattern)
  get(@Payload() command: GetWorkOrderCommand): Promise<WorkOrderReply> {
    return this.workOrders.get(command.actor, command.workOrderId);
  }

  @MessagePattern(LIST_WORK_ORDERS.pattern)
  list(@Payload() command: ListWorkOrdersCommand): Promise<WorkOrderPageReply> {
    return this.workOrders.list(command);
  }
}
