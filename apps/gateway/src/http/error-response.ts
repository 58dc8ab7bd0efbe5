import { HttpException, HttpStatus } from '@nestjs/common';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { DomainError, ErrorBody, HTTP_STATUS_BY_KIND } from '@sessionledger/common';

export interface ErrorResponse {
  status: number;
  body: ErrorBody & { correlationId: string };
  headers?: Record<string, string>;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST.RATE_LIMITED',
};

/**
 * The one mapping from anything thrown to what a client sees:
 * `{ code, message, fields?, correlationId }`, never a stack trace or an
 * internal message. Used by the exception filter and by the idempotency
 * store, so a replayed error is byte-for-byte the original.
 */
export function toErrorResponse(error: unknown, correlationId: string): ErrorResponse {
  if (error instanceof DomainError) {
    const headers =
      error.kind === 'rate_limited' && typeof error.details?.retryAfterSeconds === 'number'
        ? { 'retry-after': String(error.details.retryAfterSeconds) }
        : undefined;
    return { status: HTTP_STATUS_BY_KIND[error.kind], body: { ...error.toBody(), correlationId }, headers };
  }
  if (error instanceof OptimisticLockError) {
    return {
      status: HttpStatus.CONFLICT,
      body: { code: 'RECORD.STALE', message: 'The record was changed by someone else; reload it and try again', correlationId },
    };
  }
  if (error instanceof UniqueConstraintViolationException) {
    return {
      status: HttpStatus.CONFLICT,
      body: { code: 'RECORD.DUPLICATE', message: 'A record with the same unique values already exists', correlationId },
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: { code: CODE_BY_STATUS[status] ?? `HTTP.STATUS_${status}`, message: publicMessage(error, status), correlationId } };
  }
  const status = (error as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals (malformed JSON, body too large, wrong content type).
    return { status, body: { code: CODE_BY_STATUS[status] ?? `HTTP.STATUS_${status}`, message: (error as Error).message, correlationId } };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { code: 'INTERNAL', message: 'Something went wrong on our side; the correlation id identifies it in our logs', correlationId },
  };
}

function publicMessage(error: HttpException, status: number): string {
  if (status === 404) return 'No such route';
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : error.message;
}
