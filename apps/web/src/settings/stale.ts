/* A write refused because someone else saved first (409 `…STALE`): the screen keeps what was typed and offers the newer version instead of an error. */
import { ApiError } from '../api/errors';

export const STALE_MESSAGE = 'Changed by someone else while you were editing; reload to see their version.';

export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code.endsWith('.STALE');
}

/** The API's per-field problems under one part of the body (`catalog.services.0`), keyed by the rest of the path. */
export function problemsUnder(error: unknown, prefix: string): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const start = `${prefix}.`;
  return Object.fromEntries(
    (error.fields ?? []).flatMap(({ field, problems }) => (field === prefix ? [['', problems.join('. ')]] : field.startsWith(start) ? [[field.slice(start.length), problems.join('. ')]] : [])),
  );
}

/** The field paths of a 400's problems. */
export function problemFields(error: unknown): string[] {
  return error instanceof ApiError ? (error.fields ?? []).map(({ field }) => field) : [];
}
