import { describe, expect, it } from 'vitest';
import { attachmentName, formatDay, formatInstant, formatMinutes, formatMoney, formatPeriod } from './format';

describe('payroll words', () => {
  it('writes cents as dollars, reversals negative', () => {
    expect(formatMoney(2250)).toBe('$22.50');
    expect(formatMoney(-2438)).toBe('-$24.38');
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(123456789)).toBe('$1,234,567.89');
  });

  it('writes minutes as hours and minutes', () => {
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(60)).toBe('1 h');
    expect(formatMinutes(135)).toBe('2 h 15 min');
    expect(formatMinutes(-45)).toBe('-45 min');
    expect(formatMinutes(0)).toBe('0 min');
  });

  it('writes the API’s days as they are, whatever the device’s zone', () => {
    expect(formatDay('2026-11-30')).toBe('Mon, Nov 30, 2026');
    expect(formatPeriod('2026-11-30', '2026-12-06')).toBe('Nov 30 – Dec 6, 2026');
    expect(formatPeriod('2026-12-28', '2027-01-03')).toBe('Dec 28, 2026 – Jan 3, 2027');
    expect(formatDay('not a day')).toBe('not a day');
  });

  it('writes an instant on the district’s clock', () => {
    expect(formatInstant('2026-12-21T14:00:00.000Z', 'America/Chicago').replace(/\s/g, ' ')).toBe('Dec 21, 2026, 8:00 AM CST');
  });

  it('saves a file under the API’s name, else the fallback', () => {
    expect(attachmentName('attachment; filename="pay-period-2025-06-09-to-2025-06-15-provisional.csv"', 'x.csv')).toBe('pay-period-2025-06-09-to-2025-06-15-provisional.csv');
    expect(attachmentName('attachment; filename=billing.csv', 'x.csv')).toBe('billing.csv');
    expect(attachmentName(null, 'x.csv')).toBe('x.csv');
    expect(attachmentName('attachment; filename="../../etc/passwd"', 'x.csv')).toBe('x.csv');
  });
});
