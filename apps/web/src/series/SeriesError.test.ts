import { describe, expect, it } from 'vitest';
import { consequence } from './format';
import { seriesWayOut } from './SeriesError';

describe('seriesWayOut', () => {
  it('names the way out of the API’s series refusals', () => {
    expect(seriesWayOut({ code: 'SERIES.STALE' })).toMatch(/^Someone changed this series/);
    expect(seriesWayOut({ code: 'OCCURRENCE.NOT_FOUND' })).toMatch(/no longer exists/);
    expect(seriesWayOut({ code: 'REQUEST.INVALID', fields: [{ field: 'groupId' }, { field: 'rrule' }] })).toBe(
      'Choose one of your own active groups (the group must be at the series’ school). Change the repeat choices.',
    );
    expect(seriesWayOut({ code: 'REQUEST.INVALID', fields: [{ field: 'somethingElse' }] })).toBeNull();
  });
});

describe('consequence', () => {
  it('says what a cancellation means for the bill and the pay', () => {
    expect(consequence('cancelled_billable', 24).label).toBe('Late cancellation (billable)');
    expect(consequence('cancelled_nonbillable', 48).text).toContain('at least 48 hours');
  });
});
