import { isUtf8 } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DomainError, newId } from '@sessionledger/common';

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`, by one
 * pass over its bytes: no parse, no recursion, so a hostile body costs the
 * same as a benign one of its size. Brackets inside strings do not count.
 */
export function exceedsJsonDepth(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

export interface HttpLimits {
  bodyLimitBytes: number;
  jsonMaxDepth: number;
}

/**
 * JSON bodies: checked for valid UTF-8 and nesting depth before they are
 * parsed, so validation never recurses through a hostile structure, then
 * parsed with prototype-poisoning protection. Registering it also stops Nest
 * from adding its form-urlencoded parser, and the built-in text/plain parser
 * is removed: a body that is not JSON answers 415, and a web page on another
 * site cannot post a form to the API.
 */
export function installJsonBodyParser(app: NestFastifyApplication, limits: HttpLimits): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser('application/json', { bodyLimit: limits.bodyLimitBytes }, (request, body, done) => {
    if (!isUtf8(body)) {
      done(new DomainError('invalid', 'REQUEST.INVALID_UTF8', 'The request body is not valid UTF-8'), undefined);
      return;
    }
    if (exceedsJsonDepth(body, limits.jsonMaxDepth)) {
      done(new DomainError('invalid', 'REQUEST.TOO_DEEP', `The JSON body nests arrays and objects deeper than ${limits.jsonMaxDepth} levels`), undefined);
      return;
    }
    parseJson(request as never, body.toString('utf8'), done);
  });
}

/** Headers every answer carries unless its route set its own. */
export function installSecurityHeaders(app: NestFastifyApplication): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    // Answers carry students' records: no browser or proxy may keep them.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('x-frame-options')) void reply.header('x-frame-options', 'DENY');
    // JSON and CSV are never documents to render; pages (API docs) set their own policy.
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    done(null, payload);
  });
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'REQUEST.HEADERS_TOO_LARGE', message: 'The request line or headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST.TIMEOUT', message: 'The request took too long to arrive' },
};

/**
 * Requests Node refuses before Fastify sees them (an over-long URL or header)
 * still get the platform's error shape, with a correlation id to quote.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, code: 'REQUEST.MALFORMED', message: 'The request is not valid HTTP' };
  const body = JSON.stringify({ code: known.code, message: known.message, correlationId: newId() });
  socket.end(
    `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
