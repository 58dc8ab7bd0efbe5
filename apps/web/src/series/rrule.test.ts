import { describe, expect, it } from 'vitest';
import { buildRrule, describeRrule, recurrenceProblems, weekdayOf } from './rrule';

describe('buildRrule', () => {
  it('writes a weekly rule on the chosen weekdays, in calendar order, with a count', () => {
    expect(buildRrule({ weekdays: ['WE', 'MO'], interval: 1, end: { kind: 'count', count: 10 } })).toBe('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
  });

  it('writes every N weeks and an inclusive last date as UNTIL=YYYYMMDD', () => {
    expect(buildRrule({ weekdays: ['TU'], interval: 2, end: { kind: 'until', date: '2026-12-18' } })).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261218');
  });

  it('keeps Sunday last (the week starts on Monday)', () => {
    expect(buildRrule({ weekdays: ['SU', 'SA', 'FR'], interval: 1, end: { kind: 'count', count: 3 } })).toBe('FREQ=WEEKLY;BYDAY=FR,SA,SU;COUNT=3');
  });

  it('names what is missing instead of writing a rule the API would refuse', () => {
    expect(recurrenceProblems({ weekdays: [], interval: 0, end: { kind: 'count', count: 0 } })).toEqual({
      weekdays: 'Choose at least one weekday',
      interval: 'Give a whole number of weeks from 1 to 52',
      count: 'Give a whole number of sessions from 1 to 500',
    });
    expect(recurrenceProblems({ weekdays: ['MO'], interval: 1, end: { kind: 'until', date: '' } })).toEqual({ until: 'Give the last date' });
    expect(() => buildRrule({ weekdays: [], interval: 1, end: { kind: 'count', count: 4 } })).toThrow('Choose at least one weekday');
    expect(() => buildRrule({ weekdays: ['MO'], interval: 1.5, end: { kind: 'count', count: 4 } })).toThrow(/whole number of weeks/);
  });
});

describe('weekdayOf', () => {
  it('gives the weekday of a local date or date-time', () => {
    expect(weekdayOf('2026-12-07')).toBe('MO');
    expect(weekdayOf('2026-12-06T16:00')).toBe('SU');
    expect(weekdayOf('soon')).toBeUndefined();
  });
});

describe('describeRrule', () => {
  it('reads the builder’s rules back in words', () => {
    expect(describeRrule('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10')).toBe('Every week on Monday and Wednesday, 10 times');
    expect(describeRrule('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261218')).toMatch(/^Every 2 weeks on Tuesday, until Dec 18, 2026$/);
    expect(describeRrule('FREQ=DAILY;COUNT=1')).toBe('Every day, 1 time');
  });

  it('shows other rules as they are', () => {
    expect(describeRrule('FREQ=MONTHLY;BYDAY=1MO')).toBe('FREQ=MONTHLY;BYDAY=1MO');
  });
});
