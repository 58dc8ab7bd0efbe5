import { HttpException } from '@nestjs/common';
import { DomainError, ErrorKind } from '@sessionledger/common';

export { fieldProblems } from '@sessionledger/common';
import type { ReplyEnvelope } from './envelopes';

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Turns whatever a handler threw into a reply the caller can map; internals never leave the process. */
export function errorReply(error: unknown): ReplyEnvelope {
  if (error instanceof DomainError) return { ok: false, error: { kind: error.kind, ...error.toBody() } };
  if (error instanceof HttpException) {
    const kind = KIND_BY_STATUS[error.getStatus()] ?? 'internal';
    return { ok: false, error: { kind, code: `HTTP.STATUS_${error.getStatus()}`, message: error.message } };
  }
  return { ok: false, error: { kind: 'internal', code: 'INTERNAL', message: 'The service failed to handle the request' } };
}
