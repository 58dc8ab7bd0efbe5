/**
 * Errors raised by domain and application code. Each carries a stable code;
 * the gateway maps the code's kind to an HTTP status in one place, and the
 * RPC transport carries code, message and fields across services unchanged.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export interface ErrorBody {
  code: string;
  message: string;
  fields?: FieldProblem[];
  details?: Record<string, unknown>;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields?.length ? { fields: this.fields } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }

  static fromBody(kind: ErrorKind, body: ErrorBody): DomainError {
    return new DomainError(kind, body.code, body.message, body.fields, body.details);
  }
}

/** Error codes are upper snake case words joined by dots: `roster import` becomes `ROSTER_IMPORT`. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)*$/;

export function errorCodeWord(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

export class ValidationFailed extends DomainError {
  constructor(fields: FieldProblem[], message = 'The request has invalid fields') {
    super('invalid', 'REQUEST.INVALID', message, fields);
  }
}

/** A rule a service checks beyond its DTO, broken by one field: the same 400 a DTO's validation answers. */
export function invalid(field: string, problem: string): ValidationFailed {
  return new ValidationFailed([{ field, problems: [problem] }]);
}

/** Another district's resource and a missing one look the same: never 403, never its data. */
export class NotFound extends DomainError {
  constructor(resource: string, id?: string) {
    super('not_found', `${errorCodeWord(resource)}.NOT_FOUND`, `${resource} ${id ?? ''} was not found`.replace(/\s+/g, ' ').trim());
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('conflict', code, message, undefined, details);
  }
}

export class Forbidden extends DomainError {
  constructor(code = 'AUTH.FORBIDDEN', message = 'You are not allowed to do this') {
    super('forbidden', code, message);
  }
}

export class Unauthenticated extends DomainError {
  constructor(code = 'AUTH.UNAUTHENTICATED', message = 'Authentication is required') {
    super('unauthenticated', code, message);
  }
}

export class ServiceUnavailable extends DomainError {
  constructor(service: string, reason: string) {
    super('unavailable', 'SERVICE.UNAVAILABLE', `The ${service} service is unavailable: ${reason}`, undefined, { service });
  }
}

export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};
