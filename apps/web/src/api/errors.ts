import type { ErrorReply } from '@sessionledger/api-client';

/**
 * An answer of the API that was not a success, with the API's own words.
 * Every route answers errors as `{ code, message, fields?, details?, correlationId }`.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly fields: ErrorReply['fields'];
  readonly details: ErrorReply['details'];
  readonly correlationId: string | undefined;

  constructor(
    readonly status: number,
    reply: Partial<ErrorReply>,
  ) {
    super(reply.message ?? `The server answered ${status}`);
    this.name = 'ApiError';
    this.code = reply.code ?? `HTTP.${status}`;
    this.fields = reply.fields;
    this.details = reply.details;
    this.correlationId = reply.correlationId;
  }
}

/** What the generated client resolves to: data on success, the error body otherwise. */
interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call, or an `ApiError` thrown: lets TanStack Query see
 * failures as failures.
 *
 *     const me = await call(api.GET('/api/me'));
 */
export async function call<T>(pending: Promise<ClientResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new ApiError(response.status, asErrorReply(error));
  return data as T;
}

/** A proxy or a crash may answer something else than the error shape; keep what is usable. */
function asErrorReply(body: unknown): Partial<ErrorReply> {
  if (body && typeof body === 'object' && typeof (body as ErrorReply).message === 'string') return body as ErrorReply;
  return {};
}
