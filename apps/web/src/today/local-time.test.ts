import { describe, expect, it } from 'vitest';
import { addDays, calendarWindow, formatDateTimeIn, formatTime, fromZonedInput, localDate, mondayOf, startOfDay, toZonedInput, zoneName } from './local-time';

describe('local-time', () => {
  it('gives the district’s day, not the device’s, for an instant', () => {
    // 03:30 UTC on the 5th is still the evening of the 4th in Chicago.
    expect(localDate(new Date('2026-12-05T03:30:00Z'), 'America/Chicago')).toBe('2026-12-04');
    expect(localDate(new Date('2026-12-05T03:30:00Z'), 'Europe/Berlin')).toBe('2026-12-05');
  });

  it('starts a day at local midnight with the offset in force that day', () => {
    expect(startOfDay('2026-12-04', 'America/Chicago')).toBe('2026-12-04T00:00:00-06:00');
    expect(startOfDay('2026-07-04', 'America/Chicago')).toBe('2026-07-04T00:00:00-05:00');
    // The day daylight saving time ends: midnight is still on summer time.
    expect(startOfDay('2026-11-01', 'America/Chicago')).toBe('2026-11-01T00:00:00-05:00');
    expect(startOfDay('2026-03-08', 'America/New_York')).toBe('2026-03-08T00:00:00-05:00');
    expect(startOfDay('2026-12-04', 'Asia/Kolkata')).toBe('2026-12-04T00:00:00+05:30');
  });

  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('weeks run Monday to Sunday', () => {
    expect(mondayOf('2026-12-04')).toBe('2026-11-30'); // a Friday
    expect(mondayOf('2026-11-30')).toBe('2026-11-30'); // a Monday
    expect(mondayOf('2026-12-06')).toBe('2026-11-30'); // a Sunday
  });

  it('asks the calendar for today, or for the whole week, up to the next local midnight', () => {
    expect(calendarWindow('day', '2026-12-04', 'America/Chicago')).toEqual({
      from: '2026-12-04T00:00:00-06:00',
      to: '2026-12-05T00:00:00-06:00',
      days: ['2026-12-04'],
    });
    const week = calendarWindow('week', '2026-11-04', 'America/Chicago');
    expect(week.from).toBe('2026-11-02T00:00:00-06:00');
    expect(week.to).toBe('2026-11-09T00:00:00-06:00');
    expect(week.days).toHaveLength(7);
  });

  describe('district wall clock ⇄ instant', () => {
    it('takes the offset in force at that time on the day DST starts in Chicago (spring forward)', () => {
      expect(fromZonedInput('2026-03-08T01:30', 'America/Chicago')).toBe('2026-03-08T07:30:00.000Z'); // CST, −6
      expect(fromZonedInput('2026-03-08T03:30', 'America/Chicago')).toBe('2026-03-08T08:30:00.000Z'); // CDT, −5
      expect(fromZonedInput('2026-03-08T09:00', 'America/Chicago')).toBe('2026-03-08T14:00:00.000Z');
      // 2:30 does not exist that night: read on the offset before the change, i.e. 3:30 CDT.
      expect(fromZonedInput('2026-03-08T02:30', 'America/Chicago')).toBe('2026-03-08T08:30:00.000Z');
      expect(toZonedInput('2026-03-08T07:30:00.000Z', 'America/Chicago')).toBe('2026-03-08T01:30');
      expect(toZonedInput('2026-03-08T08:30:00.000Z', 'America/Chicago')).toBe('2026-03-08T03:30');
    });

    it('takes the offset in force at that time on the day DST ends in Chicago (fall back)', () => {
      expect(fromZonedInput('2026-11-01T00:30', 'America/Chicago')).toBe('2026-11-01T05:30:00.000Z'); // CDT, −5
      expect(fromZonedInput('2026-11-01T09:00', 'America/Chicago')).toBe('2026-11-01T15:00:00.000Z'); // CST, −6
      // 1:30 happens twice: the first one (daylight time).
      expect(fromZonedInput('2026-11-01T01:30', 'America/Chicago')).toBe('2026-11-01T06:30:00.000Z');
      expect(toZonedInput('2026-11-01T06:30:00.000Z', 'America/Chicago')).toBe('2026-11-01T01:30');
      expect(toZonedInput('2026-11-01T07:30:00.000Z', 'America/Chicago')).toBe('2026-11-01T01:30');
      expect(toZonedInput('2026-11-01T15:00:00.000Z', 'America/Chicago')).toBe('2026-11-01T09:00');
    });

    it('round-trips every quarter hour across both changes', () => {
      for (const day of ['2026-03-07', '2026-03-08', '2026-03-09', '2026-10-31', '2026-11-01', '2026-11-02']) {
        for (let minute = 0; minute < 24 * 60; minute += 15) {
          const local = `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
          if (day === '2026-03-08' && local.slice(11, 13) === '02') continue; // skipped hour
          expect(toZonedInput(fromZonedInput(local, 'America/Chicago') as string, 'America/Chicago')).toBe(local);
        }
      }
    });

    it('works for zones far from the device and from each other', () => {
      expect(fromZonedInput('2026-12-04T09:00', 'Pacific/Honolulu')).toBe('2026-12-04T19:00:00.000Z');
      expect(fromZonedInput('2026-12-04T09:00', 'Asia/Kolkata')).toBe('2026-12-04T03:30:00.000Z');
      expect(fromZonedInput('2026-12-04T09:00', 'Pacific/Kiritimati')).toBe('2026-12-03T19:00:00.000Z');
      expect(toZonedInput('2026-12-03T19:00:00.000Z', 'Pacific/Kiritimati')).toBe('2026-12-04T09:00');
      // Southern hemisphere: summer time in December.
      expect(fromZonedInput('2026-12-04T09:00', 'Australia/Sydney')).toBe('2026-12-03T22:00:00.000Z');
      // Europe/Berlin's autumn change: 2:30 happens twice, the first is summer time.
      expect(fromZonedInput('2026-10-25T02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    });

    it('shows an instant in the zone, not the device’s', () => {
      expect(formatTime('2026-12-04T15:00:00Z', 'America/Chicago')).toMatch(/^9:00\s?AM$/);
      expect(formatDateTimeIn('2026-12-05T03:30:00Z', 'America/Chicago')).toMatch(/Dec 4.*9:30\s?PM/);
      expect(zoneName('America/Chicago')).toMatch(/\(America\/Chicago\)$/);
    });
  });
});
