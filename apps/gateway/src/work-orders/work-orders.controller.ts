import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { WorkOrderReply } from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { CreateWorkOrderRequest, UpdateWorkOrderRequest, WorkOrderListQuery, WorkOrderResponse } from './work-orders.dto';
import { WorkOrdersService } from './work-orders.service';

/**
 * Admins manage work orders (school admins those of their schools), payroll
 * reads them all, a provider reads their own. Payroll owns them.
 */
@ApiTags('work-orders')
@ApiBearerAuth()
@Controller('work-orders')
export class WorkOrdersController {
  constructor(private readonly workOrders: WorkOrdersService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({ summary: 'Create a work order', answer: WorkOrderReply, status: 201, errors: [403, 503] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWorkOrderRequest): Promise<WorkOrderResponse> {
    return this.workOrders.create(actor, body);
  }

  @Roles('district_admin', 'school_admin', 'payroll', 'provider')
  @Get()
  @Operation({ summary: 'List work orders', description: 'Newest first by `validFrom`, then id.', answer: Paged(WorkOrderReply), errors: [403, 503] })
  list(@CurrentActor() actor: Actor, @Query() query: WorkOrderListQuery): Promise<Page<WorkOrderResponse>> {
    return this.workOrders.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'payroll', 'provider')
  @Get(':id')
  @Operation({ summary: 'Get a work order', answer: WorkOrderReply, errors: [403, 404, 503] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WorkOrderResponse> {
    return this.workOrders.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  @Operation({ summary: 'Change a work order’s rate, dates or description', answer: WorkOrderReply, errors: [403, 404, 409, 503] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateWorkOrderRequest): Promise<WorkOrderResponse> {
    return this.workOrders.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @Operation({ summary: 'Deactivate a work order (work started before stays covered)', answer: WorkOrderReply, errors: [403, 404, 503] })
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WorkOrderResponse> {
    return this.workOrders.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @Operation({ summary: 'Reactivate a work order', answer: WorkOrderReply, errors: [403, 404, 409, 503] })
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WorkOrderResponse> {
    return this.workOrders.setActive(actor, id, true);
  }
}
