import { SchoolDays } from '@sessionledger/contracts';
import { minutesOutsideSchoolDay, msOutsideSchoolDay, weekdayOf, zonedInstant } from './school-day';

const CHICAGO = 'America/Chicago';
const HOURS = { start: '08:00', end: '15:00' };
const WEEKDAYS_ONLY: SchoolDays = { monday: HOURS, tuesday: HOURS, wednesday: HOURS, thursday: HOURS, friday: HOURS, saturday: null, sunday: null };
const EVERY_DAY: SchoolDays = { ...WEEKDAYS_ONLY, saturday: HOURS, sunday: HOURS };

const at = (iso: string) => new Date(iso);
const outsideMinutes = (from: string, to: string, days: SchoolDays, zone = CHICAGO) => msOutsideSchoolDay(at(from), at(to), days, zone) / 60_000;

describe('zonedInstant', () => {
  it('reads a wall time with the offset in force that day (CST in winter, CDT in summer)', () => {
    expect(zonedInstant('2026-01-15', '08:00', CHICAGO).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(zonedInstant('2026-07-15', '08:00', CHICAGO).toISOString()).toBe('2026-07-15T13:00:00.000Z');
  });

  it('uses the day’s own offset on a spring-forward day, not the one of its midnight', () => {
    // 2026-03-08: Chicago jumps from 02:00 CST to 03:00 CDT; 08:00 that morning is CDT (UTC-5).
    expect(zonedInstant('2026-03-08', '08:00', CHICAGO).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(zonedInstant('2026-03-08', '01:00', CHICAGO).toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  it('reads a skipped time as the clock shows it after the jump, and a repeated time as its first occurrence', () => {
    expect(zonedInstant('2026-03-08', '02:30', CHICAGO).toISOString()).toBe('2026-03-08T08:30:00.000Z');
    // 2026-11-01: 01:30 happens twice, first in CDT (06:30Z), then in CST (07:30Z).
    expect(zonedInstant('2026-11-01', '01:30', CHICAGO).toISOString()).toBe('2026-11-01T06:30:00.000Z');
    expect(zonedInstant('2026-11-01', '15:00', CHICAGO).toISOString()).toBe('2026-11-01T21:00:00.000Z');
  });

  it('works east of UTC too', () => {
    expect(zonedInstant('2026-03-29', '08:00', 'Europe/Berlin').toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(zonedInstant('2026-03-28', '08:00', 'Europe/Berlin').toISOString()).toBe('2026-03-28T07:00:00.000Z');
  });
});

describe('weekdayOf', () => {
  it('names the weekday of a calendar date', () => {
    expect(weekdayOf('2026-03-08')).toBe('sunday');
    expect(weekdayOf('2026-03-09')).toBe('monday');
    expect(weekdayOf('2026-11-27')).toBe('friday');
  });
});

describe('msOutsideSchoolDay', () => {
  it('counts the part of a session after the school day ends (14:30–16:00 with a day of 08:00–15:00 → 60)', () => {
    // Wednesday 2026-02-11, CST: 14:30 local = 20:30Z.
    expect(outsideMinutes('2026-02-11T20:30:00Z', '2026-02-11T22:00:00Z', WEEKDAYS_ONLY)).toBe(60);
  });

  it('counts before the day starts, nothing inside it, and all of a session spanning the whole day but the day', () => {
    expect(outsideMinutes('2026-02-11T13:15:00Z', '2026-02-11T14:30:00Z', WEEKDAYS_ONLY)).toBe(45); // 07:15–08:30
    expect(outsideMinutes('2026-02-11T15:00:00Z', '2026-02-11T17:00:00Z', WEEKDAYS_ONLY)).toBe(0); // 09:00–11:00
    expect(outsideMinutes('2026-02-11T13:00:00Z', '2026-02-11T22:00:00Z', WEEKDAYS_ONLY)).toBe(120); // 07:00–16:00
  });

  it('counts every minute on a weekday without a school day', () => {
    // Saturday 2026-02-14, 10:00–11:30 local.
    expect(outsideMinutes('2026-02-14T16:00:00Z', '2026-02-14T17:30:00Z', WEEKDAYS_ONLY)).toBe(90);
    expect(outsideMinutes('2026-02-14T16:00:00Z', '2026-02-14T17:30:00Z', EVERY_DAY)).toBe(0);
  });

  it('reads the school day in the district’s time zone on a spring-forward day', () => {
    // Sunday 2026-03-08 (CDT from 02:00): 07:00–09:00 CDT = 12:00Z–14:00Z; the day starts 08:00 CDT = 13:00Z.
    expect(outsideMinutes('2026-03-08T12:00:00Z', '2026-03-08T14:00:00Z', EVERY_DAY)).toBe(60);
    // 14:30–16:00 CDT = 19:30Z–21:00Z; the day ends 15:00 CDT = 20:00Z.
    expect(outsideMinutes('2026-03-08T19:30:00Z', '2026-03-08T21:00:00Z', EVERY_DAY)).toBe(60);
  });

  it('reads the school day in the district’s time zone on a fall-back day', () => {
    // Sunday 2026-11-01 (CST from 02:00): 14:30–16:00 CST = 20:30Z–22:00Z; the day ends 15:00 CST = 21:00Z.
    expect(outsideMinutes('2026-11-01T20:30:00Z', '2026-11-01T22:00:00Z', EVERY_DAY)).toBe(60);
    // Across the repeated hour: 00:30 CDT (05:30Z) to 02:30 CST (08:30Z) is three hours, all before the school day.
    expect(outsideMinutes('2026-11-01T05:30:00Z', '2026-11-01T08:30:00Z', EVERY_DAY)).toBe(180);
  });

  it('splits a session across local midnight between the two days', () => {
    // Thursday 2026-02-12 22:00 local to Friday 09:00 local: 10 hours before Friday's day starts, 1 hour inside it.
    expect(outsideMinutes('2026-02-13T04:00:00Z', '2026-02-13T15:00:00Z', WEEKDAYS_ONLY)).toBe(600);
  });

  it('is 0 for an empty or reversed span', () => {
    expect(outsideMinutes('2026-02-11T22:00:00Z', '2026-02-11T22:00:00Z', WEEKDAYS_ONLY)).toBe(0);
    expect(outsideMinutes('2026-02-11T22:00:00Z', '2026-02-11T21:00:00Z', WEEKDAYS_ONLY)).toBe(0);
  });
});

describe('minutesOutsideSchoolDay', () => {
  const afterSchool = { timeIn: at('2026-02-11T20:30:00Z'), timeOut: at('2026-02-11T22:00:00Z') };

  it('reports the outside minutes of the student’s time in to time out', () => {
    expect(minutesOutsideSchoolDay({ ...afterSchool, timeAwayMinutes: 0, minutes: 90 }, WEEKDAYS_ONLY, CHICAGO)).toBe(60);
  });

  it('takes time away from the outside minutes first, never below 0', () => {
    expect(minutesOutsideSchoolDay({ ...afterSchool, timeAwayMinutes: 20, minutes: 70 }, WEEKDAYS_ONLY, CHICAGO)).toBe(40);
    expect(minutesOutsideSchoolDay({ ...afterSchool, timeAwayMinutes: 75, minutes: 15 }, WEEKDAYS_ONLY, CHICAGO)).toBe(0);
  });

  it('never reports more than the minutes served, and nothing for a student who was not served', () => {
    expect(minutesOutsideSchoolDay({ ...afterSchool, timeAwayMinutes: 0, minutes: 30 }, WEEKDAYS_ONLY, CHICAGO)).toBe(30);
    expect(minutesOutsideSchoolDay({ ...afterSchool, timeAwayMinutes: 0, minutes: 0 }, WEEKDAYS_ONLY, CHICAGO)).toBe(0);
    expect(minutesOutsideSchoolDay({ timeIn: null, timeOut: null, timeAwayMinutes: 0, minutes: 0 }, WEEKDAYS_ONLY, CHICAGO)).toBe(0);
  });
});
