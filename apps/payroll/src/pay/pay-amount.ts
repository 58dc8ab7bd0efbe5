/**
 * The pay for a session: rate (integer cents per hour) × adjusted minutes / 60,
 * rounded half-up to the cent, in integer arithmetic only (no floating point
 * touches money): 3250 c/h × 45 min = 146250 / 60 = 2437.5 → 2438 cents.
 * Both inputs are non-negative, so half-up and half-away-from-zero agree.
 */
export function payAmountCents(rateCents: number, minutes: number): number {
  if (!Number.isSafeInteger(rateCents) || !Number.isSafeInteger(minutes) || rateCents < 0 || minutes < 0) {
    throw new Error(`pay needs non-negative integer cents and minutes (got ${rateCents}, ${minutes})`);
  }
  const product = BigInt(rateCents) * BigInt(minutes);
  const cents = product / 60n + (product % 60n >= 30n ? 1n : 0n);
  return Number(cents);
}
