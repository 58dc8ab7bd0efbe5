import { CanActivate, ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Sign-in and token routes take `application/json` and nothing else, whatever
 * other body parsers the API registers (roster zips, say). A web page can post
 * a form or plain text to another site without the browser asking first; it
 * cannot send JSON that way, so a refused form is a refused cross-site attempt
 * at signing someone in or out. Runs after parsing: the body is never used.
 */
@Injectable()
export class JsonOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType = context.switchToHttp().getRequest<FastifyRequest>().headers['content-type'] ?? '';
    if (contentType.split(';')[0].trim().toLowerCase() !== 'application/json') {
      throw new UnsupportedMediaTypeException('This route accepts only an application/json body');
    }
    return true;
  }
}
