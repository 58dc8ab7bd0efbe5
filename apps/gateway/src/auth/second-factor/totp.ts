import { generateSecret, verify } from 'otplib';

/** RFC 6238 as every authenticator app reads it by default: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Sessionledger';

/** A new 160-bit secret, base32 (RFC 4226 recommends at least 128 bits; 160 is SHA-1's block output). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The Key URI Format authenticator apps scan from a QR code; parameters spelled out, as some apps ignore the defaults. */
export function totpUri(secret: string, accountName: string): string {
  const label = `${encodeURIComponent(TOTP_ISSUER)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({ secret, issuer: TOTP_ISSUER, algorithm: 'SHA1', digits: '6', period: String(TOTP_PERIOD_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/**
 * The time step a code belongs to, when it is right for the step before,
 * the current one or the next (a phone's clock a little off) and later than
 * `afterTimeStep` (a step once accepted never works again); otherwise undefined.
 */
export async function acceptedTimeStep(secret: string, code: string, afterTimeStep: number | null, now = Date.now()): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now / 1000),
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(afterTimeStep !== null ? { afterTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
