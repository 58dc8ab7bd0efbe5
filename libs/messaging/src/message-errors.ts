import { HttpException } from '@nestjs/common';
import { DomainError, ErrorKind, FieldProblem } from '@sessionledger/common';
import type { ValidationError } from 'class-validator';
import type { ReplyEnvelope } from './envelopes';

export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

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
    return { ok: false, error: { kind, code: `HTTP.${error.getStatus()}`, message: error.message } };
  }
  return { ok: false, error: { kind: 'internal', code: 'INTERNAL', message: 'The service failed to handle the request' } };
}
