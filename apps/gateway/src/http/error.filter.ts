import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response';

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(error, String(request.id));
    if (response.status >= 500) {
      this.logger.error({ err: { message: (error as Error)?.message, stack: (error as Error)?.stack }, route: request.routeOptions?.url }, 'request failed');
    }
    void reply.status(response.status).headers(response.headers ?? {}).send(response.body);
  }
}
