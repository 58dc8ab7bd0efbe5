import { dayNumber } from './local-time';
import { parseRecurrenceRule, RecurrenceInvalid } from './rrule';

/** The problems reported for `text`, in order; fails when the rule is accepted. */
function refusal(text: string): string[] {
  try {
    parseRecurrenceRule(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RecurrenceInvalid);
    const body = (error as RecurrenceInvalid).toBody();
    expect(body.code).toBe('REQUEST.INVALID');
    expect(body.fields?.map((entry) => entry.field)).toEqual(['rrule']);
    return body.fields![0].problems;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe(parseRecurrenceRule.name, () => {
  it('reads every supported part into a typed rule', () => {
    expect(parseRecurrenceRule('RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=2TU,-1FR,WE;BYMONTHDAY=1,-1;BYMONTH=9,1;BYSETPOS=-1,1;WKST=SU')).toEqual({
      freq: 'MONTHLY',
      interval: 2,
      count: 10,
      byDay: [{ weekday: 2, ordinal: 2 }, { weekday: 5, ordinal: -1 }, { weekday: 3 }],
      byMonthDay: [-1, 1],
      byMonth: [1, 9],
      bySetPos: [-1, 1],
      weekStart: 0,
    });
  });

  it('defaults INTERVAL to 1 and WKST to Monday, and accepts lower case and a trailing semicolon', () => {
    expect(parseRecurrenceRule('freq=weekly;byday=tu,th,TH;')).toEqual({
      freq: 'WEEKLY',
      interval: 1,
      byDay: [{ weekday: 2 }, { weekday: 4 }],
      byMonthDay: [],
      byMonth: [],
      bySetPos: [],
      weekStart: 1,
    });
  });

  it('reads UNTIL as an inclusive local date or a UTC instant', () => {
    expect(parseRecurrenceRule('FREQ=DAILY;UNTIL=20260612').until).toEqual({ kind: 'date', day: dayNumber(2026, 6, 12) });
    expect(parseRecurrenceRule('FREQ=DAILY;UNTIL=19971224T000000Z').until).toEqual({ kind: 'instant', instant: new Date('1997-12-24T00:00:00Z') });
    expect(parseRecurrenceRule('FREQ=DAILY;UNTIL=20280229T235959Z').until).toEqual({ kind: 'instant', instant: new Date('2028-02-29T23:59:59Z') });
  });

  describe('refusals name the part', () => {
    it.each([
      ['FREQ=YEARLY;BYMONTH=1', ['FREQ=YEARLY is not supported; use DAILY, WEEKLY or MONTHLY']],
      ['FREQ=HOURLY', ['FREQ=HOURLY is not supported; use DAILY, WEEKLY or MONTHLY']],
      ['FREQ=FORTNIGHTLY', ['FREQ must be DAILY, WEEKLY or MONTHLY, not FORTNIGHTLY']],
      ['INTERVAL=2', ['FREQ is required']],
      ['FREQ=DAILY;BYHOUR=9,10', ['BYHOUR is not supported: a series repeats at the time of day of its start']],
      ['FREQ=DAILY;BYMINUTE=0', ['BYMINUTE is not supported: a series repeats at the time of day of its start']],
      ['FREQ=DAILY;BYSECOND=0', ['BYSECOND is not supported: a series repeats at the time of day of its start']],
      ['FREQ=MONTHLY;BYWEEKNO=20', ['BYWEEKNO is not supported: it only applies to FREQ=YEARLY']],
      ['FREQ=MONTHLY;BYYEARDAY=100', ['BYYEARDAY is not supported: it only applies to yearly rules']],
      ['FREQ=DAILY;X-NAME=1', ['X-NAME is not a recurrence rule part this service understands']],
      ['FREQ=DAILY;FREQ=WEEKLY', ['FREQ appears more than once']],
      ['FREQ=DAILY;COUNT', ['COUNT has no value (expected COUNT=value)']],
      ['FREQ=DAILY;INTERVAL=0', ['INTERVAL must be a positive whole number, not 0']],
      ['FREQ=DAILY;COUNT=-3', ['COUNT must be a positive whole number, not -3']],
      ['FREQ=DAILY;COUNT=2;UNTIL=20260101', ['COUNT and UNTIL cannot both be given']],
      ['FREQ=DAILY;UNTIL=20260101T090000', ['UNTIL=20260101T090000 is a floating local time; give a date (YYYYMMDD) or a UTC date-time ending in Z (YYYYMMDDTHHMMSSZ)']],
      ['FREQ=DAILY;UNTIL=20260230', ['UNTIL must be a real date (YYYYMMDD) or UTC date-time (YYYYMMDDTHHMMSSZ), not 20260230']],
      ['FREQ=DAILY;UNTIL=tomorrow', ['UNTIL must be a real date (YYYYMMDD) or UTC date-time (YYYYMMDDTHHMMSSZ), not TOMORROW']],
      ['FREQ=WEEKLY;BYDAY=2TU', ['BYDAY=2TU: an ordinal weekday is only meaningful with FREQ=MONTHLY']],
      ['FREQ=DAILY;BYDAY=-1FR', ['BYDAY=-1FR: an ordinal weekday is only meaningful with FREQ=MONTHLY']],
      ['FREQ=MONTHLY;BYDAY=6MO', ['BYDAY=6MO: the ordinal must be 1 to 5 or -1 to -5 (a month has at most five of each weekday)']],
      ['FREQ=MONTHLY;BYDAY=0MO', ['BYDAY=0MO: the ordinal must be 1 to 5 or -1 to -5 (a month has at most five of each weekday)']],
      ['FREQ=WEEKLY;BYDAY=TUE', ['BYDAY items must be a weekday (SU, MO, TU, WE, TH, FR, SA), optionally with an ordinal such as 2TU or -1FR, not TUE']],
      ['FREQ=WEEKLY;BYMONTHDAY=1', ['BYMONTHDAY cannot be used with FREQ=WEEKLY']],
      ['FREQ=MONTHLY;BYMONTHDAY=0,32', ['BYMONTHDAY values must be whole numbers from 1 to 31 or -1 to -31, not 0', 'BYMONTHDAY values must be whole numbers from 1 to 31 or -1 to -31, not 32']],
      ['FREQ=MONTHLY;BYMONTH=-1', ['BYMONTH values must be whole numbers from 1 to 12, not -1']],
      ['FREQ=MONTHLY;BYMONTH=13', ['BYMONTH values must be whole numbers from 1 to 12, not 13']],
      ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0', ['BYSETPOS values must be whole numbers from 1 to 366 or -1 to -366, not 0']],
      ['FREQ=MONTHLY;BYSETPOS=1', ['BYSETPOS needs another BY part (BYDAY, BYMONTHDAY or BYMONTH) to pick from']],
      ['FREQ=WEEKLY;WKST=XX', ['WKST must be one of SU, MO, TU, WE, TH, FR, SA, not XX']],
    ])('%s', (text, problems) => {
      expect(refusal(text)).toEqual(problems);
    });

    it('reports every problem of a rule at once', () => {
      expect(refusal('FREQ=YEARLY;BYHOUR=9;BYWEEKNO=1;INTERVAL=x')).toEqual([
        'FREQ=YEARLY is not supported; use DAILY, WEEKLY or MONTHLY',
        'BYHOUR is not supported: a series repeats at the time of day of its start',
        'BYWEEKNO is not supported: it only applies to FREQ=YEARLY',
        'INTERVAL must be a positive whole number, not X',
      ]);
    });

    it('puts the problems in the error message too', () => {
      expect(() => parseRecurrenceRule('FREQ=DAILY;BYHOUR=9')).toThrow('The series is invalid: rrule: BYHOUR is not supported');
    });
  });
});
