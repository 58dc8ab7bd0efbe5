import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../http/id-param';
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
  create(@CurrentActor() actor: Actor, @Body() body: CreateWorkOrderRequest): Promise<WorkOrderResponse> {
    return this.workOrders.create(actor, body);
  }

  @Roles('district_admin', 'school_admin', 'payroll', 'provider')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: WorkOrderListQuery): Promise<Page<WorkOrderResponse>> {
    return this.workOrders.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'payroll', 'provider')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WorkOrderResponse> {
    return this.workOrders.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateWorkOrderRequest): Promise<WorkOrderResponse> {
    return this.workOrders.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WorkOrderResponse> {
    return this.workOrders.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WorkOrderResponse> {
    return this.workOrders.setActive(actor, id, true);
  }
}
