import { payAmountCents } from './pay-amount';

describe('payAmountCents (rate × minutes / 60, half-up to the cent)', () => {
  it.each([
    [3250, 45, 2438], // 2437.5 → up
    [3250, 60, 3250],
    [3000, 50, 2500],
    [1, 29, 0], // 0.4833 → down
    [1, 30, 1], // 0.5 → up
    [1, 89, 1], // 1.4833 → down
    [1, 90, 2], // 1.5 → up
    [100_000, 24 * 60, 2_400_000],
    [3333, 15, 833], // 833.25 → down
    [3333, 25, 1389], // 1388.75 → up
  ])('%i c/h for %i min is %i cents', (rate, minutes, cents) => {
    expect(payAmountCents(rate, minutes)).toBe(cents);
  });

  it('refuses fractions and negatives rather than rounding them', () => {
    expect(() => payAmountCents(3250.5, 45)).toThrow();
    expect(() => payAmountCents(3250, -15)).toThrow();
  });
});
