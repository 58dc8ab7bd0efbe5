/*
 * A work order as its form: what a new one needs, and for an existing one
 * only what changed (with the version read). Type, provider and school are
 * fixed once created (the API's rule), so the edit form sends none of them.
 */
import type { Schemas } from '@sessionledger/api-client';
import type { WorkOrder } from './api';
import { centsFromDollars, dollarsFromCents } from './pay';

export interface WorkOrderForm {
  type: string | null;
  schoolId: string | null;
  providerId: string | null;
  /** Dollars an hour, as typed. */
  rate: string;
  /** For a new rate on an existing work order: the day it takes effect; blank is the district's today. */
  rateEffectiveFrom: string;
  validFrom: string;
  validTo: string;
  description: string;
}

export const EMPTY_FORM: WorkOrderForm = { type: null, schoolId: null, providerId: null, rate: '', rateEffectiveFrom: '', validFrom: '', validTo: '', description: '' };

export function formOf(order: WorkOrder): WorkOrderForm {
  return {
    type: order.type,
    schoolId: order.schoolId,
    providerId: order.providerId,
    rate: dollarsFromCents(order.payRateCents),
    rateEffectiveFrom: '',
    validFrom: order.validFrom,
    validTo: order.validTo,
    description: order.description ?? '',
  };
}

/** What the screen can tell before asking the API, by the API's field names. */
export function formProblems(form: WorkOrderForm, creating: boolean): Record<string, string> {
  const problems: Record<string, string> = {};
  if (creating && !form.type) problems.type = 'Choose a type';
  if (creating && !form.schoolId) problems.schoolId = 'Choose a school';
  if (creating && !form.providerId) problems.providerId = 'Choose a provider';
  if (centsFromDollars(form.rate) === null) problems.payRateCents = 'Write the pay in dollars an hour, such as 32.50';
  if (!form.validFrom) problems.validFrom = 'Choose the first day';
  if (!form.validTo) problems.validTo = 'Choose the last day';
  else if (form.validFrom && form.validTo < form.validFrom) problems.validTo = 'The last day is before the first day';
  return problems;
}

export function createBody(form: WorkOrderForm): Schemas['CreateWorkOrderRequest'] {
  return {
    type: form.type ?? '',
    schoolId: form.schoolId ?? '',
    providerId: form.providerId ?? '',
    payRateCents: centsFromDollars(form.rate) ?? 0,
    validFrom: form.validFrom,
    validTo: form.validTo,
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
  };
}

/** The PATCH body: the version read and what differs; a new rate takes its effective day along. */
export function updateBody(read: WorkOrder, form: WorkOrderForm): Schemas['UpdateWorkOrderRequest'] {
  const body: Schemas['UpdateWorkOrderRequest'] = { version: read.version };
  const cents = centsFromDollars(form.rate);
  if (cents !== null && cents !== read.payRateCents) {
    body.payRateCents = cents;
    if (form.rateEffectiveFrom) body.rateEffectiveFrom = form.rateEffectiveFrom;
  }
  if (form.validFrom !== read.validFrom) body.validFrom = form.validFrom;
  if (form.validTo !== read.validTo) body.validTo = form.validTo;
  // "" clears the description on the API's side.
  if (form.description.trim() !== (read.description ?? '')) body.description = form.description.trim();
  return body;
}

export function changesAnything(body: Schemas['UpdateWorkOrderRequest']): boolean {
  return Object.keys(body).some((key) => key !== 'version');
}
