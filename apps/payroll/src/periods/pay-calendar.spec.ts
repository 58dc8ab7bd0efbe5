import { addDays, isMonday, scheduledPeriodAround } from './pay-calendar';

describe('pay calendar', () => {
  const weekly = { frequency: 'weekly' as const, anchorDate: '2026-01-05' };
  const biweekly = { frequency: 'biweekly' as const, anchorDate: '2026-01-05' };

  it('puts a day in the Monday-to-Sunday week counted from the anchor, before or after it', () => {
    expect(scheduledPeriodAround('2026-01-05', weekly)).toEqual({ startsOn: '2026-01-05', endsOn: '2026-01-11' });
    expect(scheduledPeriodAround('2026-01-11', weekly)).toEqual({ startsOn: '2026-01-05', endsOn: '2026-01-11' });
    expect(scheduledPeriodAround('2026-03-04', weekly)).toEqual({ startsOn: '2026-03-02', endsOn: '2026-03-08' });
    expect(scheduledPeriodAround('2026-01-04', weekly)).toEqual({ startsOn: '2025-12-29', endsOn: '2026-01-04' });
    expect(scheduledPeriodAround('2025-06-11', weekly)).toEqual({ startsOn: '2025-06-09', endsOn: '2025-06-15' });
  });

  it('makes biweekly periods of 14 days on the anchor’s rhythm', () => {
    expect(scheduledPeriodAround('2026-01-18', biweekly)).toEqual({ startsOn: '2026-01-05', endsOn: '2026-01-18' });
    expect(scheduledPeriodAround('2026-01-19', biweekly)).toEqual({ startsOn: '2026-01-19', endsOn: '2026-02-01' });
    expect(scheduledPeriodAround('2026-01-04', biweekly)).toEqual({ startsOn: '2025-12-22', endsOn: '2026-01-04' });
  });

  it('does calendar arithmetic across months, leap days and years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isMonday('2026-01-05')).toBe(true);
    expect(isMonday('2026-01-06')).toBe(false);
  });
});
