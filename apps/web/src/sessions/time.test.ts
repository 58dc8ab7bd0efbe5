import { describe, expect, it } from 'vitest';
import { fromLocalInput, minutesBetween, nowToTheMinute, toLocalInput } from './time';

describe('session times', () => {
  it('round-trips a district wall-clock input value through an instant, whatever the device zone', () => {
    expect(fromLocalInput('2026-12-03T15:30', 'America/Chicago')).toBe('2026-12-03T21:30:00.000Z');
    expect(toLocalInput('2026-12-03T21:30:00.000Z', 'America/Chicago')).toBe('2026-12-03T15:30');
  });

  it('refuses a blank or malformed value instead of guessing', () => {
    expect(fromLocalInput('', 'America/Chicago')).toBeNull();
    expect(fromLocalInput('3:30 pm', 'America/Chicago')).toBeNull();
    expect(fromLocalInput('2026-02-30T10:00', 'America/Chicago')).toBeNull();
  });

  it('defaults an end to the current minute, never ahead of the clock', () => {
    const now = new Date(2026, 11, 3, 15, 30, 59, 900);
    expect(nowToTheMinute(now).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(nowToTheMinute(now).getSeconds()).toBe(0);
  });

  it('counts whole minutes and never a negative span', () => {
    expect(minutesBetween('2026-12-03T15:00:00Z', '2026-12-03T15:45:00Z')).toBe(45);
    expect(minutesBetween('2026-12-03T15:45:00Z', '2026-12-03T15:00:00Z')).toBe(0);
  });
});
