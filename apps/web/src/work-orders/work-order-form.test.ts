import { describe, expect, it } from 'vitest';
import type { WorkOrder } from './api';
import { centsFromDollars } from './pay';
import { changesAnything, createBody, EMPTY_FORM, formOf, formProblems, updateBody } from './work-order-form';

const ORDER: WorkOrder = {
  id: '55555555-5555-4555-8555-555555555555',
  type: 'tutoring',
  typeName: 'Tutoring',
  providerId: '44444444-4444-4444-8444-444444444444',
  schoolId: '33333333-3333-4333-8333-333333333333',
  payRateCents: 3250,
  rates: [{ effectiveFrom: '2026-08-17', payRateCents: 3250 }],
  validFrom: '2026-08-17',
  validTo: '2027-05-28',
  description: 'After school',
  active: true,
  deactivatedAt: null,
  version: 2,
  createdAt: '2026-08-01T12:00:00.000Z',
  createdBy: '11111111-1111-4111-8111-111111111111',
};

describe('pay in dollars', () => {
  it('reads dollars and cents as typed into integer cents', () => {
    expect(centsFromDollars('32.5')).toBe(3250);
    expect(centsFromDollars('$1,000')).toBe(100000);
    expect(centsFromDollars(' 40.05 ')).toBe(4005);
    expect(centsFromDollars('12.345')).toBeNull();
    expect(centsFromDollars('-3')).toBeNull();
    expect(centsFromDollars('')).toBeNull();
  });
});

describe('work order form', () => {
  it('names every missing field of a new work order by the API’s field name', () => {
    expect(Object.keys(formProblems(EMPTY_FORM, true)).sort()).toEqual(['payRateCents', 'providerId', 'schoolId', 'type', 'validFrom', 'validTo']);
    expect(formProblems({ ...formOf(ORDER), validTo: '2026-08-01' }, false)).toEqual({ validTo: 'The last day is before the first day' });
  });

  it('creates with cents and leaves a blank description out', () => {
    const body = createBody({ ...formOf(ORDER), rate: '30', description: '  ' });
    expect(body).toEqual({ type: 'tutoring', providerId: ORDER.providerId, schoolId: ORDER.schoolId, payRateCents: 3000, validFrom: '2026-08-17', validTo: '2027-05-28' });
  });

  it('changes only what differs, a new rate with its effective day, and clears a description with ""', () => {
    const unchanged = updateBody(ORDER, formOf(ORDER));
    expect(unchanged).toEqual({ version: 2 });
    expect(changesAnything(unchanged)).toBe(false);
    expect(updateBody(ORDER, { ...formOf(ORDER), rate: '35.00', rateEffectiveFrom: '2026-12-07', description: '' })).toEqual({
      version: 2,
      payRateCents: 3500,
      rateEffectiveFrom: '2026-12-07',
      description: '',
    });
  });

  it('sends no effective day when the rate is unchanged', () => {
    expect(updateBody(ORDER, { ...formOf(ORDER), rateEffectiveFrom: '2026-12-07', validTo: '2027-06-30' })).toEqual({ version: 2, validTo: '2027-06-30' });
  });
});
