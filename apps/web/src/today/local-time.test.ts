import { describe, expect, it } from 'vitest';
import { addDays, calendarWindow, localDate, mondayOf, startOfDay } from './local-time';

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
});
