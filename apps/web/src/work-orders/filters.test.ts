import { describe, expect, it } from 'vitest';
import { changeFilter, NO_FILTERS, readFilters, workOrderQuery, writeFilters } from './filters';

const SCHOOL = '33333333-3333-4333-8333-333333333333';

describe('work order filters in the address', () => {
  it('reads back what it writes', () => {
    const filters = { schoolId: SCHOOL, providerId: null, type: 'tutoring', active: false, page: 3 };
    const search = writeFilters(filters);
    expect(search.toString()).toBe(`school=${SCHOOL}&type=tutoring&active=no&page=3`);
    expect(readFilters(search)).toEqual(filters);
  });

  it('drops what the API would refuse from a hand-edited address', () => {
    expect(readFilters(new URLSearchParams('school=nope&type=juggling&active=maybe&page=-2'))).toEqual(NO_FILTERS);
  });

  it('writes nothing for the unfiltered first page, and goes back to it when a filter changes', () => {
    expect(writeFilters(NO_FILTERS).toString()).toBe('');
    expect(changeFilter({ ...NO_FILTERS, page: 4 }, { active: true })).toEqual({ ...NO_FILTERS, active: true, page: 1 });
  });

  it('asks the API for both active and deactivated ones unless told', () => {
    expect(workOrderQuery(NO_FILTERS, 25)).toEqual({ schoolId: undefined, providerId: undefined, type: undefined, active: undefined, page: 1, pageSize: 25 });
    expect(workOrderQuery({ ...NO_FILTERS, active: true }, 25).active).toBe(true);
  });
});
