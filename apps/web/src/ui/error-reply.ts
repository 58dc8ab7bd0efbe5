import type { ErrorReply } from '@sessionledger/api-client';

/** Shown when the request never got an answer (offline, server down, blocked). */
export const NETWORK_MESSAGE = 'Sessionledger could not be reached. Check the network connection and try again.';

/**
 * The API's error shape for anything a query or mutation may fail with: an
 * `ErrorReply` itself, an error carrying one (`ApiError` with its fields, or
 * with a `reply`), or anything else, which means the request got no answer.
 */
export function toErrorReply(error: unknown): ErrorReply | null {
  if (error === null || error === undefined || error === false) return null;
  if (isErrorReply(error)) return error;
  if (typeof error === 'object' && 'reply' in error && isErrorReply(error.reply)) return error.reply;
  return { code: 'NETWORK.FAILED', message: NETWORK_MESSAGE, correlationId: '' };
}

function isErrorReply(value: unknown): value is ErrorReply {
  return typeof value === 'object' && value !== null && typeof (value as ErrorReply).code === 'string' && typeof (value as ErrorReply).message === 'string';
}

/**
 * The API's per-field problems keyed by field name, ready for a form's `error`
 * props (`<TextInput error={errors.email} />`). Fields the form does not show
 * stay in the alert (see `ApiErrorAlert`'s `fieldsShownInForm`).
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const reply = toErrorReply(error);
  return Object.fromEntries((reply?.fields ?? []).map(({ field, problems }) => [field, problems.join('. ')]));
}
