import {
  civilDate,
  dayNumber,
  daysInMonth,
  instantAt,
  isTimeZone,
  parseLocalDate,
  parseLocalDateTime,
  wallClockAt,
  weekdayOf,
  type LocalDateTime,
} from './local-time';

const local = (text: string): LocalDateTime => {
  const value = parseLocalDateTime(text);
  if (!value) throw new Error(`not a local date-time: ${text}`);
  return value;
};

const utc = (text: string, timeZone: string) => instantAt(local(text), timeZone).toISOString();

describe('local time', () => {
  describe(instantAt.name, () => {
    it('reads an ordinary time with the offset in force then', () => {
      expect(utc('2026-01-15T16:00:00', 'America/Chicago')).toBe('2026-01-15T22:00:00.000Z');
      expect(utc('2026-07-15T16:00:00', 'America/Chicago')).toBe('2026-07-15T21:00:00.000Z');
      expect(utc('2026-07-15T16:00:00', 'America/Phoenix')).toBe('2026-07-15T23:00:00.000Z');
      expect(utc('2026-07-15T16:00:00', 'Asia/Kolkata')).toBe('2026-07-15T10:30:00.000Z');
    });

    it('moves a time in the spring-forward gap forward by the gap', () => {
      expect(utc('2026-03-08T02:30:00', 'America/Chicago')).toBe('2026-03-08T08:30:00.000Z');
      expect(utc('2026-03-08T02:00:00', 'America/Chicago')).toBe('2026-03-08T08:00:00.000Z');
      expect(utc('2026-03-29T02:30:00', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
      // A 30-minute gap: 02:15 becomes 02:45.
      expect(wallClockAt(instantAt(local('2026-10-04T02:15:00'), 'Australia/Lord_Howe'), 'Australia/Lord_Howe')).toEqual(local('2026-10-04T02:45:00'));
      // A gap at midnight: 00:30 becomes 01:30 the same day.
      expect(wallClockAt(instantAt(local('2018-11-04T00:30:00'), 'America/Sao_Paulo'), 'America/Sao_Paulo')).toEqual(local('2018-11-04T01:30:00'));
    });

    it('takes the first of a repeated fall-back time', () => {
      expect(utc('2026-11-01T01:30:00', 'America/Chicago')).toBe('2026-11-01T06:30:00.000Z');
      expect(utc('2026-11-01T00:59:59', 'America/Chicago')).toBe('2026-11-01T05:59:59.000Z');
      expect(utc('2026-11-01T02:00:00', 'America/Chicago')).toBe('2026-11-01T08:00:00.000Z');
      expect(utc('2026-10-25T02:30:00', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
      expect(utc('2026-04-05T01:45:00', 'Australia/Lord_Howe')).toBe('2026-04-04T14:45:00.000Z');
    });

    it('round-trips every quarter hour of both change days through wallClockAt, except the skipped hour', () => {
      for (const date of ['2026-03-08', '2026-11-01']) {
        for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
          const text = `${date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
          const back = wallClockAt(instantAt(local(text), 'America/Chicago'), 'America/Chicago');
          const skipped = date === '2026-03-08' && minutes >= 120 && minutes < 180;
          expect(back).toEqual(skipped ? { ...local(text), hour: 3 } : local(text));
        }
      }
    });
  });

  describe('calendar arithmetic', () => {
    it('numbers days from 1970-01-01 and back, across centuries and leap days', () => {
      expect(dayNumber(1970, 1, 1)).toBe(0);
      expect(dayNumber(2000, 3, 1)).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
      expect(dayNumber(1900, 3, 1) - dayNumber(1900, 2, 28)).toBe(1);
      for (const day of [-719_468, -25_000, -1, 0, 11_016, 20_513, 2_932_896]) {
        const { year, month, day: dayOfMonth } = civilDate(day);
        expect(dayNumber(year, month, dayOfMonth)).toBe(day);
      }
      expect(civilDate(dayNumber(2028, 2, 29))).toEqual({ year: 2028, month: 2, day: 29 });
    });

    it('knows weekdays and month lengths', () => {
      expect(weekdayOf(dayNumber(2026, 3, 8))).toBe(0);
      expect(weekdayOf(dayNumber(1997, 9, 2))).toBe(2);
      expect(weekdayOf(dayNumber(1969, 12, 31))).toBe(3);
      expect([daysInMonth(2026, 2), daysInMonth(2028, 2), daysInMonth(1900, 2), daysInMonth(2000, 2), daysInMonth(2026, 12)]).toEqual([28, 29, 28, 29, 31]);
    });

    it('parses only real local dates and times', () => {
      expect(parseLocalDateTime('2026-03-08T02:30:00')).toEqual({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 });
      for (const bad of ['2026-02-29T09:00:00', '2026-03-08T24:00:00', '2026-03-08T09:00', '2026-03-08 09:00:00', '2026-03-08T09:00:00Z']) {
        expect(parseLocalDateTime(bad)).toBeUndefined();
      }
      expect(parseLocalDate('2028-02-29')).toBe(dayNumber(2028, 2, 29));
      expect(parseLocalDate('2026-02-29')).toBeUndefined();
    });
  });

  it('accepts IANA zone names and refuses others', () => {
    expect(['America/Chicago', 'America/Phoenix', 'Pacific/Honolulu', 'UTC'].every(isTimeZone)).toBe(true);
    expect(['', 'America/Springfield', 'Chicago', 'GMT+25'].some(isTimeZone)).toBe(false);
  });
});
