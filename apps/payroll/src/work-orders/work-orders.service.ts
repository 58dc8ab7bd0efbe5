import { Injectable } from '@nestjs/common';
import { OptimisticLockError } from '@mikro-orm/core';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Conflict, Forbidden, invalid, NotFound, pageOf } from '@sessionledger/common';
import { ActorSnapshot, CreateWorkOrderCommand, ListWorkOrdersCommand, SetWorkOrderActiveCommand, UpdateWorkOrderCommand, WorkOrderPageReply, WorkOrderRate, WorkOrderReply } from '@sessionledger/contracts';
import { findWorkOrderType, localDate } from '@sessionledger/session-rules';
import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { WorkOrder } from './work-order.entity';

export function toWorkOrderReply(order: WorkOrder, rates: WorkOrderRate[]): WorkOrderReply {
  return {
    id: order.id,
    type: order.type,
    typeName: findWorkOrderType(order.districtId, order.type)?.name ?? order.type,
    providerId: order.providerId,
    schoolId: order.schoolId,
    payRateCents: order.payRateCents,
    rates,
    validFrom: order.validFrom,
    validTo: order.validTo,
    description: order.description,
    active: order.active,
    deactivatedAt: order.deactivatedAt?.toISOString() ?? null,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    createdBy: order.createdBy,
  };
}

/** District admins and payroll see every work order; school admins those of their schools; providers their own. */
function visibilityOf(actor: ActorSnapshot): FilterQuery<WorkOrder> | 'all' | 'none' {
  if (actor.roles.includes('district_admin') || actor.roles.includes('payroll')) return 'all';
  const scopes: FilterQuery<WorkOrder>[] = [];
  if (actor.roles.includes('school_admin')) scopes.push({ schoolId: { $in: actor.schoolIds } });
  if (actor.roles.includes('provider')) scopes.push({ providerId: actor.userId });
  return scopes.length ? { $or: scopes } : 'none';
}

function administers(actor: ActorSnapshot, schoolId: string): boolean {
  return actor.roles.includes('district_admin') || (actor.roles.includes('school_admin') && actor.schoolIds.includes(schoolId));
}

function canSee(actor: ActorSnapshot, order: WorkOrder): boolean {
  return (
    actor.roles.includes('district_admin') ||
    actor.roles.includes('payroll') ||
    administers(actor, order.schoolId) ||
    (actor.roles.includes('provider') && order.providerId === actor.userId)
  );
}

/** The dated rates of the work orders, oldest first, in one statement. */
async function ratesOf(em: EntityManager, orderIds: string[]): Promise<Map<string, WorkOrderRate[]>> {
  const rates = new Map<string, WorkOrderRate[]>(orderIds.map((id) => [id, []]));
  if (!orderIds.length) return rates;
  const rows: { workOrderId: string; effectiveFrom: string; payRateCents: number }[] = await em.execute(
    `select work_order_id as "workOrderId", effective_from::text as "effectiveFrom", pay_rate_cents as "payRateCents"
       from payroll.work_order_rate where work_order_id in (?) order by effective_from`,
    [orderIds],
  );
  for (const row of rows) rates.get(row.workOrderId)?.push({ effectiveFrom: row.effectiveFrom, payRateCents: row.payRateCents });
  return rates;
}

async function replyOf(em: EntityManager, order: WorkOrder): Promise<WorkOrderReply> {
  return toWorkOrderReply(order, (await ratesOf(em, [order.id])).get(order.id)!);
}

/** A rate from `effectiveFrom` on (replacing one set for that very day); the work order shows its newest rate. */
async function setRate(em: EntityManager, order: WorkOrder, effectiveFrom: string, payRateCents: number, by: string): Promise<void> {
  await em.execute(
    `insert into payroll.work_order_rate (district_id, work_order_id, effective_from, pay_rate_cents, created_by) values (?, ?, ?::date, ?, ?)
     on conflict (district_id, work_order_id, effective_from) do update set pay_rate_cents = excluded.pay_rate_cents, created_by = excluded.created_by, created_at = now()`,
    [order.districtId, order.id, effectiveFrom, payRateCents, by],
  );
  const [newest]: { payRateCents: number }[] = await em.execute(
    `select pay_rate_cents as "payRateCents" from payroll.work_order_rate where work_order_id = ? order by effective_from desc limit 1`,
    [order.id],
  );
  order.payRateCents = newest.payRateCents;
}

async function districtToday(em: EntityManager, districtId: string): Promise<string> {
  const replica = await em.findOne(DistrictReplica, { districtId });
  return localDate(new Date(), replica?.timeZone ?? 'UTC');
}

function assertDates(validFrom: string, validTo: string): void {
  if (validTo < validFrom) throw invalid('validTo', `validTo must be on or after validFrom (${validFrom})`);
}

/**
 * Work orders are payroll's. The gateway has already checked roles and that
 * the provider is approved at the school; this applies the actor's scope
 * again (a command is a trust boundary too), the type catalog and the dates.
 */
@Injectable()
export class WorkOrdersService {
  constructor(private readonly transactions: TenantTransactions) {}

  create(command: CreateWorkOrderCommand): Promise<WorkOrderReply> {
    const { actor } = command;
    if (!administers(actor, command.schoolId)) {
      throw invalid('schoolId', 'must be an active school of the district that you administer');
    }
    if (!findWorkOrderType(actor.districtId, command.type)) {
      throw invalid('type', `${command.type} is not a work order type of the district`);
    }
    assertDates(command.validFrom, command.validTo);
    return this.transactions.run(actor.districtId, async (em) => {
      const order = new WorkOrder({
        districtId: actor.districtId,
        type: command.type,
        providerId: command.providerId,
        schoolId: command.schoolId,
        payRateCents: command.payRateCents,
        validFrom: command.validFrom,
        validTo: command.validTo,
        description: command.description?.trim() || null,
        createdBy: actor.userId,
      });
      em.persist(order);
      await em.flush();
      await setRate(em, order, order.validFrom, order.payRateCents, actor.userId);
      return replyOf(em, order);
    });
  }

  get(actor: ActorSnapshot, workOrderId: string): Promise<WorkOrderReply> {
    return this.transactions.run(actor.districtId, async (em) => replyOf(em, await this.visible(em, actor, workOrderId)));
  }

  list(command: ListWorkOrdersCommand): Promise<WorkOrderPageReply> {
    const { actor } = command;
    const scope = visibilityOf(actor);
    if (scope === 'none') return Promise.resolve(pageOf([], 0, command));
    return this.transactions.run(actor.districtId, async (em) => {
      const conditions: FilterQuery<WorkOrder>[] = scope === 'all' ? [] : [scope];
      if (command.providerId) conditions.push({ providerId: command.providerId });
      if (command.schoolId) conditions.push({ schoolId: command.schoolId });
      if (command.type) conditions.push({ type: command.type });
      if (command.active !== undefined) conditions.push({ active: command.active });
      if (command.activeOn) conditions.push({ validFrom: { $lte: command.activeOn }, validTo: { $gte: command.activeOn } });
      if (command.updatedSince) conditions.push({ updatedAt: { $gte: new Date(command.updatedSince) } });
      const [orders, total] = await em.findAndCount(WorkOrder, conditions.length ? { $and: conditions } : {}, {
        orderBy: { validFrom: 'desc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      const rates = await ratesOf(em, orders.map((order) => order.id));
      return pageOf(orders.map((order) => toWorkOrderReply(order, rates.get(order.id)!)), total, command);
    });
  }

  update(command: UpdateWorkOrderCommand): Promise<WorkOrderReply> {
    const { actor } = command;
    return this.saving(() =>
      this.transactions.run(actor.districtId, async (em) => {
        const order = await this.managed(em, actor, command.workOrderId);
        if (order.version !== command.version) {
          throw new Conflict('WORK_ORDER.STALE', `The work order was changed by someone else (now version ${order.version}); reload it and try again`, {
            currentVersion: order.version,
          });
        }
        const validFrom = command.validFrom ?? order.validFrom;
        const validTo = command.validTo ?? order.validTo;
        assertDates(validFrom, validTo);
        if (command.payRateCents !== undefined) {
          // Pay already settled was priced at the rate of its day; a rate reaching back would make amended and unamended sessions disagree.
          const today = await districtToday(em, actor.districtId);
          const requested = command.rateEffectiveFrom ?? today;
          if (requested < today) {
            throw invalid('rateEffectiveFrom', `must be today (${today}) or later: sessions already worked keep the rate of their day`);
          }
          await setRate(em, order, requested < validFrom ? validFrom : requested, command.payRateCents, actor.userId);
        } else if (command.rateEffectiveFrom !== undefined) {
          throw invalid('rateEffectiveFrom', 'goes with payRateCents');
        }
        order.validFrom = validFrom;
        order.validTo = validTo;
        if (command.description !== undefined) order.description = command.description?.trim() || null;
        await em.flush();
        return replyOf(em, order);
      }),
    );
  }

  /** Work orders are never deleted: pay refers to them. */
  setActive(command: SetWorkOrderActiveCommand): Promise<WorkOrderReply> {
    const { actor } = command;
    return this.saving(() =>
      this.transactions.run(actor.districtId, async (em) => {
        const order = await this.managed(em, actor, command.workOrderId);
        if (order.active !== command.active) {
          order.active = command.active;
          order.deactivatedAt = command.active ? null : new Date();
          await em.flush();
        }
        return replyOf(em, order);
      }),
    );
  }

  /** Another district's work order, or one outside the actor's scope, is simply not found. */
  private async visible(em: EntityManager, actor: ActorSnapshot, workOrderId: string): Promise<WorkOrder> {
    const order = await em.findOne(WorkOrder, { id: workOrderId });
    if (!order || !canSee(actor, order)) throw new NotFound('work_order');
    return order;
  }

  private async managed(em: EntityManager, actor: ActorSnapshot, workOrderId: string): Promise<WorkOrder> {
    const order = await this.visible(em, actor, workOrderId);
    if (!administers(actor, order.schoolId)) throw new Forbidden('WORK_ORDER.NOT_ADMINISTERED', 'Only an admin of the work order’s school may change it');
    return order;
  }

  /** A write that raced another after the version check is still a stale write, not a failure. */
  private async saving<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OptimisticLockError) throw new Conflict('WORK_ORDER.STALE', 'The work order was changed by someone else; reload it and try again');
      throw error;
    }
  }
}
