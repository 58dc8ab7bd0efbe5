import { describe, expect, it } from 'vitest';
import { addClosureDay, closureDayProblem, closureDaysBody, removeClosureDay, type ClosureDay } from './closure-days';

const DAYS: ClosureDay[] = [
  { date: '2026-11-26', name: 'Thanksgiving' },
  { date: '2026-12-24', name: null },
];

describe('closure days', () => {
  it('adds a day in date order, a blank name as none', () => {
    expect(addClosureDay(DAYS, '2026-12-01', '  ').map((day) => day.date)).toEqual(['2026-11-26', '2026-12-01', '2026-12-24']);
    expect(addClosureDay(DAYS, '2026-12-01', '  ')[1].name).toBeNull();
    expect(addClosureDay(DAYS, '2026-01-19', ' MLK Day ')[0]).toEqual({ date: '2026-01-19', name: 'MLK Day' });
  });

  it('refuses a day already closed, naming it, and a missing date', () => {
    expect(closureDayProblem(DAYS, '2026-11-26')).toBe('2026-11-26 is already closed (Thanksgiving)');
    expect(closureDayProblem(DAYS, '2026-12-24')).toBe('2026-12-24 is already closed');
    expect(closureDayProblem(DAYS, '')).toBe('Choose a date');
    expect(closureDayProblem(DAYS, '2026-12-25')).toBeNull();
  });

  it('removes only the day named', () => {
    expect(removeClosureDay(DAYS, '2026-11-26')).toEqual([{ date: '2026-12-24', name: null }]);
  });

  it('sends a day without a name as just its date', () => {
    expect(closureDaysBody(DAYS)).toEqual({ days: [{ date: '2026-11-26', name: 'Thanksgiving' }, { date: '2026-12-24' }] });
  });
});
