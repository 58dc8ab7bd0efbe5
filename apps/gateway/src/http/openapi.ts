import { applyDecorators, HttpCode, SetMetadata, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath, SchemaObject } from '@nestjs/swagger';
import { ERROR_CODE_PATTERN } from '@sessionledger/common';

/** One problem with one field of a request: `field` is the path (`services[0].name`), `problems` say what is wrong. */
export class FieldProblemReply {
  @ApiProperty({ example: 'startsAt', maxLength: 500 })
  field: string;

  @ApiProperty({ type: [String], example: ['startsAt must be an ISO 8601 instant'] })
  problems: string[];
}

/** The one error shape every route answers with, whatever the status. */
export class ErrorReply {
  @ApiProperty({
    description: 'Stable, machine-readable: upper snake case words joined by dots',
    example: 'REQUEST.INVALID',
    pattern: ERROR_CODE_PATTERN.source,
  })
  code: string;

  @ApiProperty({ description: 'For people; may change between versions', example: 'The request has invalid fields' })
  message: string;

  @ApiPropertyOptional({ type: [FieldProblemReply] })
  fields?: FieldProblemReply[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Facts specific to the code (for example the active session id)' })
  details?: Record<string, unknown>;

  @ApiProperty({ description: 'Quote it when reporting a problem', example: 'b7c0f7a1-1f0e-4b7e-9c55-2a6f7e0b1d2c' })
  correlationId: string;
}

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `fields` names each field and what is wrong',
  401: 'No valid access token',
  403: 'The caller’s role may not do this',
  404: 'Not found, or not in the caller’s district',
  405: 'The path exists but not with this method',
  409: 'Conflicts with the record’s current state or version (reload and retry)',
  413: 'The body is too large',
  415: 'The body is not JSON (or the route’s declared type)',
  422: 'Understood but not allowed by a business rule',
  429: 'Too many requests; wait for Retry-After seconds',
  503: 'A dependency is unavailable; retry later',
};

/** Errors any authenticated JSON route can answer, whatever it does. */
const ALWAYS = [400, 401, 429] as const;

/** A list reply: items of one type plus the page they are. */
export function pagedSchema(item: Type<unknown>) {
  return {
    type: 'object',
    required: ['items', 'page', 'pageSize', 'total'],
    properties: {
      items: { type: 'array', items: { $ref: getSchemaPath(item) } },
      page: { type: 'integer', minimum: 1, example: 1 },
      pageSize: { type: 'integer', minimum: 1, maximum: 200, example: 50 },
      total: { type: 'integer', minimum: 0, example: 1 },
    },
  };
}

/** Wraps an item type for `Operation({ answer: Paged(Item) })`. */
export class PagedAnswer {
  constructor(readonly item: Type<unknown>) {}
}
export const Paged = (item: Type<unknown>) => new PagedAnswer(item);

/** A success body that is not JSON: `Raw('text/calendar', 'An iCalendar document')`. */
export class RawAnswer {
  constructor(
    readonly mediaType: string,
    readonly description: string,
  ) {}
}
export const Raw = (mediaType: string, description: string) => new RawAnswer(mediaType, description);

/** A redirect answer (`status: 302 | 303`): where the Location header points. */
export class RedirectAnswer {
  constructor(readonly description: string) {}
}
export const Redirect = (description: string) => new RedirectAnswer(description);

/** Request bodies by media type, for routes that take more than JSON; read by api-document.ts. */
export const REQUEST_CONTENT_METADATA = 'sessionledger:openapi-request-content';
export type RequestContent = Record<string, Type<unknown> | SchemaObject>;

export interface OperationSpec {
  /** One line in the imperative or as a noun phrase: "Start a session". */
  summary: string;
  description?: string;
  /**
   * The success body: a class, `[Class]` for an array, `Paged(Class)`, `Raw(mediaType, description)`
   * for a body that is not JSON, `Redirect(description)` for a 302/303, or `null` for no body (204).
   */
  answer: Type<unknown> | [Type<unknown>] | PagedAnswer | RawAnswer | RedirectAnswer | null;
  /** The success status; defaults to 200 (201 for POSTs that create must say so). */
  status?: 200 | 201 | 202 | 204 | 302 | 303;
  /** Error statuses this route can answer besides 400/401/429 (e.g. [403, 404, 409]). */
  errors?: number[];
  /** Public routes answer no 401 (unless `errors` lists it: a sign-in refusing a password). */
  isPublic?: boolean;
  /**
   * The request body by media type when it is not (only) the JSON `@Body()` class:
   * `{ 'application/zip': { type: 'string', format: 'binary' }, 'application/json': UploadBody }`.
   */
  requestContent?: RequestContent;
}

/**
 * Documents one operation from the classes that validate and answer it: the
 * summary, the success body, and every error status with the one error
 * schema. Also sets the HTTP status, so the document and the behaviour
 * cannot disagree.
 */
export function Operation(spec: OperationSpec): MethodDecorator {
  const status = spec.status ?? 200;
  const decorators: Array<MethodDecorator | ClassDecorator> = [
    ApiOperation({ summary: spec.summary, description: spec.description }),
    HttpCode(status),
    ApiExtraModels(ErrorReply, FieldProblemReply),
    successResponse(spec.answer, status),
  ];
  if (spec.requestContent) {
    const classes = Object.values(spec.requestContent).filter((entry): entry is Type<unknown> => typeof entry === 'function');
    decorators.push(SetMetadata(REQUEST_CONTENT_METADATA, spec.requestContent), ApiExtraModels(...classes));
  }
  const errorStatuses = new Set<number>([...ALWAYS, ...(spec.errors ?? [])]);
  // A public route answers 401 only when it says so (a refused password or token).
  if (spec.isPublic && !spec.errors?.includes(401)) errorStatuses.delete(401);
  for (const code of [...errorStatuses].sort()) {
    decorators.push(ApiResponse({ status: code, description: ERROR_DESCRIPTIONS[code] ?? 'Error', type: ErrorReply }));
  }
  return applyDecorators(...decorators);
}

function successResponse(answer: OperationSpec['answer'], status: number): MethodDecorator {
  const description = status === 201 ? 'Created' : status === 202 ? 'Accepted: the work continues in the background' : status === 204 ? 'Done; no body' : 'OK';
  if (answer === null) return ApiResponse({ status, description });
  if (answer instanceof RawAnswer) {
    return ApiResponse({ status, description: answer.description, content: { [answer.mediaType]: { schema: { type: 'string' } } } });
  }
  if (answer instanceof RedirectAnswer) {
    return ApiResponse({
      status,
      description: answer.description,
      headers: { Location: { description: 'Where to go next', schema: { type: 'string', format: 'uri' } } },
    });
  }
  if (answer instanceof PagedAnswer) {
    return applyDecorators(ApiExtraModels(answer.item), ApiResponse({ status, description, schema: pagedSchema(answer.item) }));
  }
  if (Array.isArray(answer)) return ApiResponse({ status, description, type: answer[0], isArray: true });
  return ApiResponse({ status, description, type: answer });
}
