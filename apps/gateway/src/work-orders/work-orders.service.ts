import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { Conflict, FieldProblem, Page, ValidationFailed } from '@sessionledger/common';
import { CREATE_WORK_ORDER, GET_WORK_ORDER, LIST_WORK_ORDERS, SET_WORK_ORDER_ACTIVE, UPDATE_WORK_ORDER } from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { activeProviderProblem } from '../directory/staff/staff.service';
import { placeableSchoolProblem } from '../directory/students/student-scope';
import { CreateWorkOrderRequest, UpdateWorkOrderRequest, WorkOrderListQuery, WorkOrderResponse } from './work-orders.dto';

/**
 * Work orders live in payroll; the gateway checks what only it knows (the
 * provider and the school, in its directory) and sends the command. Payroll
 * applies the actor's scope again, the type catalog and the dates.
 */
@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly bus: ServiceBus,
    private readonly transactions: TenantTransactions,
  ) {}

  async create(actor: Actor, request: CreateWorkOrderRequest): Promise<WorkOrderResponse> {
    const problems = await this.assignmentProblems(actor, request.providerId, request.schoolId);
    if (problems.length) throw new ValidationFailed(problems);
    return this.bus.send(CREATE_WORK_ORDER, {
      actor: actor.snapshot(),
      type: request.type,
      providerId: request.providerId,
      schoolId: request.schoolId,
      payRateCents: request.payRateCents,
      validFrom: request.validFrom,
      validTo: request.validTo,
      description: request.description || null,
    });
  }

  list(actor: Actor, query: WorkOrderListQuery): Promise<Page<WorkOrderResponse>> {
    return this.bus.send(LIST_WORK_ORDERS, {
      actor: actor.snapshot(),
      providerId: query.providerId,
      schoolId: query.schoolId,
      type: query.type,
      active: query.active,
      activeOn: query.activeOn,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }

  get(actor: Actor, workOrderId: string): Promise<WorkOrderResponse> {
    return this.bus.send(GET_WORK_ORDER, { actor: actor.snapshot(), workOrderId });
  }

  update(actor: Actor, workOrderId: string, request: UpdateWorkOrderRequest): Promise<WorkOrderResponse> {
    return this.bus.send(UPDATE_WORK_ORDER, {
      actor: actor.snapshot(),
      workOrderId,
      version: request.version,
      payRateCents: request.payRateCents,
      rateEffectiveFrom: request.rateEffectiveFrom,
      validFrom: request.validFrom,
      validTo: request.validTo,
      ...(request.description !== undefined ? { description: request.description || null } : {}),
    });
  }

  /** Reactivating needs the provider still active and approved at the school, as creating does. */
  async setActive(actor: Actor, workOrderId: string, active: boolean): Promise<WorkOrderResponse> {
    if (active) {
      const current = await this.get(actor, workOrderId);
      if (!current.active) {
        const problems = await this.assignmentProblems(actor, current.providerId, current.schoolId);
        if (problems.length) {
          throw new Conflict(
            'WORK_ORDER.NOT_ASSIGNABLE',
            `The work order cannot be reactivated: ${problems.map((p) => `${p.field} ${p.problems.join(', ')}`).join('; ')}`,
          );
        }
      }
    }
    return this.bus.send(SET_WORK_ORDER_ACTIVE, { actor: actor.snapshot(), workOrderId, active });
  }

  /** The school must be one the actor administers, and the provider active and approved there. */
  private assignmentProblems(actor: Actor, providerId: string, schoolId: string): Promise<FieldProblem[]> {
    return this.transactions.run(actor.districtId, async (em) => {
      const schoolProblem = await placeableSchoolProblem(em, actor, schoolId);
      if (schoolProblem) return [{ field: 'schoolId', problems: [schoolProblem] }];
      const providerProblem = await activeProviderProblem(em, providerId, schoolId);
      return providerProblem ? [{ field: 'providerId', problems: [providerProblem] }] : [];
    });
  }
}
