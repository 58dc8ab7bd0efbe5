import { describe, expect, it } from 'vitest';
import { changeFilter, NO_FILTERS, pageCount, rangeProblem, readFilters, sessionQuery, writeFilters } from './filters';

const SCHOOL = '11111111-1111-4111-8111-111111111111';
const PROVIDER = '22222222-2222-4222-8222-222222222222';

describe('session filters in the address', () => {
  it('reads back what it writes', () => {
    const filters = { schoolId: SCHOOL, providerId: PROVIDER, from: '2026-11-30', to: '2026-12-06', state: 'ended' as const, flagged: true, page: 3 };
    expect(readFilters(writeFilters(filters))).toEqual(filters);
    expect(writeFilters(filters).toString()).toBe(`school=${SCHOOL}&provider=${PROVIDER}&from=2026-11-30&to=2026-12-06&state=ended&flagged=1&page=3`);
  });

  it('writes nothing for no filter, so the plain list is the plain path', () => {
    expect(writeFilters(NO_FILTERS).toString()).toBe('');
  });

  it('drops what the API would refuse instead of asking with it', () => {
    const read = readFilters(new URLSearchParams('school=lincoln&provider=42&from=2026-02-30&to=yesterday&state=posted&flagged=yes&page=-2'));
    expect(read).toEqual(NO_FILTERS);
  });

  it('goes back to the first page when a filter changes', () => {
    expect(changeFilter({ ...NO_FILTERS, page: 4 }, { providerId: PROVIDER })).toEqual({ ...NO_FILTERS, providerId: PROVIDER, page: 1 });
  });

  it('says when the last day is before the first', () => {
    expect(rangeProblem({ from: '2026-12-06', to: '2026-11-30' })).toBe('The last day is before the first day');
    expect(rangeProblem({ from: '2026-11-30', to: '2026-11-30' })).toBeNull();
    expect(rangeProblem({ from: null, to: '2026-11-30' })).toBeNull();
  });

  it('asks the API only for the filters set', () => {
    expect(sessionQuery({ ...NO_FILTERS, providerId: PROVIDER }, 25)).toEqual({
      schoolId: undefined,
      providerId: PROVIDER,
      from: undefined,
      to: undefined,
      state: undefined,
      needsAttention: undefined,
      page: 1,
      pageSize: 25,
    });
    expect(sessionQuery({ ...NO_FILTERS, flagged: true }, 25).needsAttention).toBe(true);
  });

  it('counts at least one page', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
  });
});
