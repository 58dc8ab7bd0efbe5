import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Header, HttpException, Injectable, OnModuleInit, Post, Req, UnsupportedMediaTypeException, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBody, ApiConsumes, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@sessionledger/auth';
import { DomainError } from '@sessionledger/common';
import { ErrorFilter } from '../../http/error.filter';
import { NoIdempotentReplay } from '../../http/idempotency.interceptor';
import { Operation } from '../../http/openapi';
import { ClientCredentialsTokenReply, ClientCredentialsTokenRequest, OAuthErrorReply } from './api-clients.dto';
import { ClientCredentialsUseCase, OAuthError } from './client-credentials.use-case';

export const TOKEN_ROUTE = '/api/oauth/token';
/** A token request is four short parameters. */
const TOKEN_BODY_LIMIT_BYTES = 4096;

/**
 * RFC 6749 requires the token request as a form. Forms are refused
 * everywhere else (415, as before: a page on another site can post a form
 * without asking), so this parser takes one only for the token route; a
 * token request cannot act for anyone signed in, so it gains another site nothing.
 * Fastify applies the 4 KiB limit before the parser runs, so a larger form is
 * refused as too large (413) on any route before it could be refused as a form.
 */
@Injectable()
export class OAuthFormParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
    fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: TOKEN_BODY_LIMIT_BYTES }, (request, body, done) => {
      if (request.routeOptions.url !== TOKEN_ROUTE) {
        done(new UnsupportedMediaTypeException('This route accepts only an application/json body'), undefined);
        return;
      }
      const fields: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        const seen = fields[name];
        fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
      }
      done(null, fields);
    });
  }
}

/** This route's errors are OAuth's (`{ error, error_description }`); what OAuth has no word for keeps the platform's shape. */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly platform = new ErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const invalidInput = (exception instanceof DomainError && exception.kind === 'invalid') || (exception instanceof HttpException && exception.getStatus() === 400);
    const error = exception instanceof OAuthError ? exception : invalidInput ? new OAuthError('invalid_request', (exception as Error).message) : null;
    if (!error) {
      this.platform.catch(exception, host);
      return;
    }
    if (error.status === 401) void reply.header('www-authenticate', 'Basic realm="sessionledger", charset="UTF-8"');
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(error.status).header('cache-control', 'no-store').send({ error: error.error, error_description: error.description });
  }
}

/* No idempotent replay: a replayed answer would hand out a live token again. */
@ApiTags('oauth')
@Controller('oauth')
@NoIdempotentReplay()
@UseFilters(OAuthErrorFilter)
export class OAuthTokenController {
  constructor(private readonly clientCredentials: ClientCredentialsUseCase) {}

  @Public()
  @Post('token')
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: ClientCredentialsTokenRequest })
  @ApiResponse({ status: 400, description: 'invalid_request, unsupported_grant_type or invalid_scope (RFC 6749 §5.2)', type: OAuthErrorReply })
  @ApiResponse({ status: 401, description: 'invalid_client; WWW-Authenticate names Basic', type: OAuthErrorReply })
  @ApiResponse({ status: 429, description: 'slow_down: too many failed client authentications; wait Retry-After seconds', type: OAuthErrorReply })
  @Operation({
    summary: 'Issue an access token to an API client (OAuth 2.0 client credentials)',
    description: 'RFC 6749 §4.4. Client authentication by HTTP Basic or client_id/client_secret in the body. Errors follow RFC 6749 §5.2, not the platform’s error shape.',
    answer: ClientCredentialsTokenReply,
    isPublic: true,
  })
  token(@Body() body: unknown, @Req() request: FastifyRequest): Promise<ClientCredentialsTokenReply> {
    return this.clientCredentials.execute({ body, authorization: request.headers.authorization, address: request.ip });
  }
}
