import { describe, expect, it } from 'vitest';
import { bellScheduleDays, bellScheduleForm, schoolDaysSummary } from './bell-schedule';

describe('bell schedule form', () => {
  it('reads a stored schedule: its days with their hours, the others without school', () => {
    const form = bellScheduleForm({ monday: { start: '08:00', end: '15:30' }, tuesday: null, wednesday: null, thursday: null, friday: { start: '08:00', end: '13:00' }, saturday: null, sunday: null });
    expect(form.monday).toEqual({ schoolDay: true, start: '08:00', end: '15:30' });
    expect(form.tuesday.schoolDay).toBe(false);
    expect(schoolDaysSummary(form)).toBe('Monday 08:00–15:30, Friday 08:00–13:00');
  });

  it('starts a school without a schedule with no school day at all', () => {
    expect(schoolDaysSummary(bellScheduleForm(null))).toBe('No school day set');
  });

  it('sends every weekday, a day without school as null even when hours were typed for it', () => {
    const form = bellScheduleForm(null);
    form.monday = { schoolDay: true, start: '07:45', end: '14:10' };
    form.tuesday = { schoolDay: false, start: '09:00', end: '10:00' };
    expect(bellScheduleDays(form)).toEqual({ monday: { start: '07:45', end: '14:10' }, tuesday: null, wednesday: null, thursday: null, friday: null, saturday: null, sunday: null });
  });
});
