import { describe, expect, it } from 'vitest';
import { fromLocalInput, minutesBetween, nowToTheMinute, toLocalInput } from './time';

describe('session times', () => {
  it('round-trips a local input value through an instant', () => {
    const instant = new Date(2026, 11, 3, 15, 30).toISOString();
    expect(toLocalInput(instant)).toBe('2026-12-03T15:30');
    expect(fromLocalInput('2026-12-03T15:30')).toBe(instant);
  });

  it('refuses a blank or malformed value instead of guessing', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('3:30 pm')).toBeNull();
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
