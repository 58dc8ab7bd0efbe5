import { createHash } from 'node:crypto';

/**
 * The content a signature binds, and its hash. Canonical JSON: object keys
 * sorted, no insignificant whitespace, arrays in their order — so anyone
 * holding a posted snapshot can recompute the hash and compare.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields a signature adds to a snapshot; they are not part of what is signed. */
export const SIGNATURE_FIELDS = ['contentHash', 'signedAt', 'signedBy'] as const;

/** SHA-256 (hex) of a posted snapshot's canonical JSON, leaving out the signature's own fields. */
export function postedContentHash(snapshot: object): string {
  const signed = Object.fromEntries(Object.entries(snapshot).filter(([key]) => !(SIGNATURE_FIELDS as readonly string[]).includes(key)));
  return createHash('sha256').update(canonicalJson(signed)).digest('hex');
}
