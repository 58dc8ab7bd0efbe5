import { expandSeries, type SeriesDefinition } from './expand';
import { RecurrenceInvalid } from './rrule';

const CHICAGO = 'America/Chicago';

function series(overrides: Partial<SeriesDefinition> & Pick<SeriesDefinition, 'rrule' | 'dtstart'>): SeriesDefinition {
  return { timeZone: CHICAGO, durationMinutes: 45, ...overrides };
}

function window(from: string, to: string) {
  return { from: new Date(from), to: new Date(to) };
}

/** [local start, UTC start] pairs: what a provider sees and what is stored. */
function starts(definition: SeriesDefinition, from: string, to: string): [string, string][] {
  return expandSeries(definition, window(from, to)).map((occurrence) => [occurrence.localStart, occurrence.start.toISOString()]);
}

function localStarts(definition: SeriesDefinition, from: string, to: string): string[] {
  return expandSeries(definition, window(from, to)).map((occurrence) => occurrence.localStart);
}

describe(expandSeries.name, () => {
  describe('wall-clock time across DST changes', () => {
    const weekly = series({ rrule: 'FREQ=WEEKLY', dtstart: '2026-03-01T16:00:00' });

    it('keeps a weekly 16:00 session at 16:00 Chicago time when clocks spring forward on 2026-03-08', () => {
      expect(starts(weekly, '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z')).toEqual([
        ['2026-03-01T16:00:00', '2026-03-01T22:00:00.000Z'],
        ['2026-03-08T16:00:00', '2026-03-08T21:00:00.000Z'],
        ['2026-03-15T16:00:00', '2026-03-15T21:00:00.000Z'],
      ]);
    });

    it('keeps it at 16:00 when clocks fall back on 2026-11-01, months into the series', () => {
      expect(starts(weekly, '2026-10-25T00:00:00Z', '2026-11-09T00:00:00Z')).toEqual([
        ['2026-10-25T16:00:00', '2026-10-25T21:00:00.000Z'],
        ['2026-11-01T16:00:00', '2026-11-01T22:00:00.000Z'],
        ['2026-11-08T16:00:00', '2026-11-08T22:00:00.000Z'],
      ]);
    });

    it('moves a 02:30 session forward by the gap on the spring-forward day only (02:30 does not exist that day)', () => {
      const daily = series({ rrule: 'FREQ=DAILY', dtstart: '2026-03-06T02:30:00' });
      expect(starts(daily, '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
        ['2026-03-06T02:30:00', '2026-03-06T08:30:00.000Z'],
        ['2026-03-07T02:30:00', '2026-03-07T08:30:00.000Z'],
        ['2026-03-08T03:30:00', '2026-03-08T08:30:00.000Z'],
        ['2026-03-09T02:30:00', '2026-03-09T07:30:00.000Z'],
      ]);
    });

    it('takes the first 01:30 on the fall-back day (the daylight-time one) and ends by elapsed minutes', () => {
      const daily = series({ rrule: 'FREQ=DAILY', dtstart: '2026-10-31T01:30:00', durationMinutes: 60 });
      const occurrences = expandSeries(daily, window('2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'));
      expect(occurrences.map((occurrence) => [occurrence.localStart, occurrence.start.toISOString(), occurrence.end.toISOString()])).toEqual([
        ['2026-10-31T01:30:00', '2026-10-31T06:30:00.000Z', '2026-10-31T07:30:00.000Z'],
        ['2026-11-01T01:30:00', '2026-11-01T06:30:00.000Z', '2026-11-01T07:30:00.000Z'],
        ['2026-11-02T01:30:00', '2026-11-02T07:30:00.000Z', '2026-11-02T08:30:00.000Z'],
      ]);
    });

    it('keeps the same UTC time all year in zones without DST (Phoenix, Tokyo, UTC)', () => {
      const from = '2026-03-01T00:00:00Z';
      const to = '2026-11-09T00:00:00Z';
      for (const [timeZone, utcTime] of [
        ['America/Phoenix', 'T23:00:00.000Z'],
        ['Asia/Tokyo', 'T07:00:00.000Z'],
        ['UTC', 'T16:00:00.000Z'],
      ]) {
        const occurrences = expandSeries({ ...weekly, timeZone }, window(from, to));
        expect(occurrences).toHaveLength(37);
        expect(occurrences.every((occurrence) => occurrence.localStart.endsWith('T16:00:00'))).toBe(true);
        expect(occurrences.every((occurrence) => occurrence.start.toISOString().endsWith(utcTime))).toBe(true);
      }
    });

    it('reports the local date and a start-plus-duration end', () => {
      const [first] = expandSeries(weekly, window('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'));
      expect(first).toEqual({
        start: new Date('2026-03-01T22:00:00Z'),
        end: new Date('2026-03-01T22:45:00Z'),
        localStart: '2026-03-01T16:00:00',
        localDate: '2026-03-01',
      });
    });
  });

  describe('monthly rules', () => {
    it('finds the last Friday of each month with BYDAY=-1FR, and the same with BYDAY=FR;BYSETPOS=-1', () => {
      const expected: [string, string][] = [
        ['2026-01-30T15:00:00', '2026-01-30T21:00:00.000Z'],
        ['2026-02-27T15:00:00', '2026-02-27T21:00:00.000Z'],
        ['2026-03-27T15:00:00', '2026-03-27T20:00:00.000Z'],
        ['2026-04-24T15:00:00', '2026-04-24T20:00:00.000Z'],
      ];
      for (const rrule of ['FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1']) {
        expect(starts(series({ rrule, dtstart: '2026-01-30T15:00:00' }), '2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z')).toEqual(expected);
      }
    });

    it('finds the second Tuesday with BYDAY=2TU and with BYDAY=TU;BYSETPOS=2', () => {
      const expected = ['2026-01-13T08:00:00', '2026-02-10T08:00:00', '2026-03-10T08:00:00', '2026-04-14T08:00:00'];
      for (const rrule of ['FREQ=MONTHLY;BYDAY=2TU;COUNT=4', 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=4']) {
        expect(localStarts(series({ rrule, dtstart: '2026-01-13T08:00:00' }), '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(expected);
      }
    });

    it('skips months without a 31st for BYMONTHDAY=31 rather than moving to the last day', () => {
      const definition = series({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=31', dtstart: '2026-01-31T10:00:00' });
      expect(localStarts(definition, '2026-01-01T00:00:00Z', '2026-09-01T00:00:00Z')).toEqual([
        '2026-01-31T10:00:00',
        '2026-03-31T10:00:00',
        '2026-05-31T10:00:00',
        '2026-07-31T10:00:00',
        '2026-08-31T10:00:00',
      ]);
    });

    it('counts BYMONTHDAY=-1 from the end of each month, leap February included', () => {
      const definition = series({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', dtstart: '2028-01-01T10:00:00' });
      expect(localStarts(definition, '2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z')).toEqual(['2028-01-31T10:00:00', '2028-02-29T10:00:00', '2028-03-31T10:00:00']);
    });
  });

  describe('bounds', () => {
    it('includes an occurrence falling exactly on a UTC UNTIL', () => {
      const definition = series({ rrule: 'FREQ=WEEKLY;UNTIL=20260315T210000Z', dtstart: '2026-03-01T16:00:00' });
      expect(localStarts(definition, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(['2026-03-01T16:00:00', '2026-03-08T16:00:00', '2026-03-15T16:00:00']);
    });

    it('excludes an occurrence one second after a UTC UNTIL', () => {
      const definition = series({ rrule: 'FREQ=WEEKLY;UNTIL=20260315T205959Z', dtstart: '2026-03-01T16:00:00' });
      expect(localStarts(definition, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(['2026-03-01T16:00:00', '2026-03-08T16:00:00']);
    });

    it('includes the whole local day of a date UNTIL', () => {
      const definition = series({ rrule: 'FREQ=DAILY;UNTIL=20260305', dtstart: '2026-03-03T23:30:00' });
      expect(localStarts(definition, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(['2026-03-03T23:30:00', '2026-03-04T23:30:00', '2026-03-05T23:30:00']);
    });

    it('returns occurrences starting in [from, to): one at from is in, one at to is out', () => {
      const definition = series({ rrule: 'FREQ=WEEKLY', dtstart: '2026-03-01T16:00:00' });
      expect(localStarts(definition, '2026-03-08T21:00:00Z', '2026-03-15T21:00:00Z')).toEqual(['2026-03-08T16:00:00']);
      expect(localStarts(definition, '2026-03-08T21:00:01Z', '2026-03-15T21:00:00Z')).toEqual([]);
    });

    it('expands a month of a series running since 1990 without an end', () => {
      const definition = series({ rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', dtstart: '1990-01-01T09:00:00' });
      expect(localStarts(definition, '2026-03-01T06:00:00Z', '2026-04-01T05:00:00Z')).toEqual([
        '2026-03-02T09:00:00',
        '2026-03-04T09:00:00',
        '2026-03-09T09:00:00',
        '2026-03-11T09:00:00',
        '2026-03-16T09:00:00',
        '2026-03-18T09:00:00',
        '2026-03-23T09:00:00',
        '2026-03-25T09:00:00',
        '2026-03-30T09:00:00',
      ]);
    });

    it('counts COUNT from DTSTART even when the window opens long after it', () => {
      const definition = series({ rrule: 'FREQ=DAILY;INTERVAL=2;COUNT=500', dtstart: '2024-01-01T09:00:00' });
      // The 500th occurrence is 998 days after 2024-01-01: 2026-09-25.
      expect(localStarts(definition, '2026-09-20T00:00:00Z', '2026-10-10T00:00:00Z')).toEqual(['2026-09-21T09:00:00', '2026-09-23T09:00:00', '2026-09-25T09:00:00']);
    });

    it('does not add DTSTART when the rule does not produce it', () => {
      const definition = series({ rrule: 'FREQ=WEEKLY;BYDAY=WE,FR;COUNT=3', dtstart: '2026-01-06T09:00:00' });
      expect(localStarts(definition, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(['2026-01-07T09:00:00', '2026-01-09T09:00:00', '2026-01-14T09:00:00']);
    });

    it('returns nothing for a rule that can never match instead of searching forever', () => {
      const definition = series({ rrule: 'FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30', dtstart: '2026-01-01T09:00:00' });
      expect(localStarts(definition, '2026-01-01T00:00:00Z', '2126-01-01T00:00:00Z')).toEqual([]);
    });
  });

  describe('EXDATE and district closures', () => {
    const weekly = series({ rrule: 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6', dtstart: '2026-03-03T16:00:00' });
    const all = ['2026-03-03T16:00:00', '2026-03-05T16:00:00', '2026-03-10T16:00:00', '2026-03-12T16:00:00', '2026-03-17T16:00:00', '2026-03-19T16:00:00'];
    const march = (definition: SeriesDefinition) => localStarts(definition, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');

    it('expands the unaltered series to six occurrences', () => {
      expect(march(weekly)).toEqual(all);
    });

    it('removes an EXDATE date-time and an EXDATE date without extending COUNT', () => {
      expect(march({ ...weekly, exdates: ['2026-03-05T16:00:00', '2026-03-17'] })).toEqual([all[0], all[2], all[3], all[5]]);
    });

    it('ignores an EXDATE at a time the series does not start', () => {
      expect(march({ ...weekly, exdates: ['2026-03-05T15:00:00'] })).toEqual(all);
    });

    it('skips closure days (not moved) without extending COUNT', () => {
      expect(march({ ...weekly, closures: ['2026-03-10', '2026-03-12', '2026-03-11'] })).toEqual([all[0], all[1], all[4], all[5]]);
    });

    it('matches an EXDATE in the spring-forward gap to the occurrence moved out of it', () => {
      const daily = series({ rrule: 'FREQ=DAILY;COUNT=3', dtstart: '2026-03-07T02:30:00', exdates: ['2026-03-08T02:30:00'] });
      expect(localStarts(daily, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual(['2026-03-07T02:30:00', '2026-03-09T02:30:00']);
    });
  });

  describe('WKST with INTERVAL=2', () => {
    const biweekly = (weekStart: string) =>
      localStarts(series({ rrule: `FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=${weekStart}`, dtstart: '2026-01-06T16:00:00' }), '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');

    it('pairs Tuesday with the following Sunday when weeks start on Monday', () => {
      expect(biweekly('MO')).toEqual(['2026-01-06T16:00:00', '2026-01-11T16:00:00', '2026-01-20T16:00:00', '2026-01-25T16:00:00']);
    });

    it('pairs Tuesday with the preceding Sunday when weeks start on Sunday', () => {
      expect(biweekly('SU')).toEqual(['2026-01-06T16:00:00', '2026-01-18T16:00:00', '2026-01-20T16:00:00', '2026-02-01T16:00:00']);
    });
  });

  describe('refusals', () => {
    function problemsOf(definition: SeriesDefinition, from = '2026-01-01T00:00:00Z', to = '2026-02-01T00:00:00Z') {
      try {
        expandSeries(definition, window(from, to));
      } catch (error) {
        expect(error).toBeInstanceOf(RecurrenceInvalid);
        return (error as RecurrenceInvalid).toBody();
      }
      throw new Error('expected the series to be refused');
    }

    it('names every bad field at once', () => {
      const body = problemsOf({
        rrule: 'FREQ=YEARLY;BYHOUR=9',
        dtstart: '2026-02-30T16:00:00',
        timeZone: 'America/Springfield',
        exdates: ['2026-03-05', 'next tuesday'],
        closures: ['2026-13-01'],
        durationMinutes: 0,
      });
      expect(body.code).toBe('REQUEST.INVALID');
      expect(body.fields?.map((entry) => entry.field)).toEqual(['rrule', 'dtstart', 'timeZone', 'durationMinutes', 'exdates[1]', 'closures[0]']);
      expect(body.fields?.[0].problems).toEqual([
        'FREQ=YEARLY is not supported; use DAILY, WEEKLY or MONTHLY',
        'BYHOUR is not supported: a series repeats at the time of day of its start',
      ]);
      expect(body.message).toContain('timeZone: must be an IANA time zone');
    });

    it('refuses a date-only DTSTART (a session has a start time)', () => {
      expect(problemsOf(series({ rrule: 'FREQ=DAILY', dtstart: '2026-03-01' })).fields).toEqual([
        { field: 'dtstart', problems: ['must be a local date-time YYYY-MM-DDTHH:MM:SS, not 2026-03-01'] },
      ]);
    });

    it('refuses a window that ends before it starts', () => {
      expect(problemsOf(series({ rrule: 'FREQ=DAILY', dtstart: '2026-03-01T09:00:00' }), '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z').fields).toEqual([
        { field: 'to', problems: ['must not be before from'] },
      ]);
    });
  });
});
