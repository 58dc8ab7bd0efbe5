import { LoggerService, LogLevel } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { requestContext } from '@sessionledger/common';

/**
 * Structured JSON logs on stdout. Every line carries the service name and,
 * inside a request or job, its correlation id, district and message id.
 * Secrets and personal data are redacted by key wherever they appear.
 */
export const REDACTED_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'clientSecret',
  'firstName',
  'lastName',
  'note',
  'studentNote',
  'clientNote',
  'adminNote',
];

// From a statement's first keyword to the last " - ", where drivers append the database's own message;
// greedy and across lines, since bound values (notes) may hold newlines and dashes.
const SQL_STATEMENT = /\b(select|insert\s+into|update|delete\s+from|with|copy|merge\s+into)\s[\s\S]*\s-\s/i;
const QUOTED = /"[^"\n]*"/g;

/**
 * Database drivers put the failed statement, with its bound values, into the
 * error message (`insert into … values ('a student's note') - invalid byte …`).
 * Logs keep the database's own words and drop the statement and quoted values.
 */
export function redactSql(text: string): string {
  const redacted = text.replace(SQL_STATEMENT, '[sql redacted] - ');
  return redacted === text ? text : redacted.replace(QUOTED, '"[redacted]"');
}

function describeError(error: unknown): { type?: string; message?: string; stack?: string; code?: unknown } {
  if (!error || typeof error !== 'object') return { message: redactSql(String(error)) };
  const { name, message, stack, code } = error as { name?: string; message?: unknown; stack?: unknown; code?: unknown };
  return {
    ...(name && error instanceof Error ? { type: name } : {}),
    ...(typeof message === 'string' ? { message: redactSql(message) } : {}),
    ...(typeof stack === 'string' ? { stack: redactSql(stack) } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(service: string, level: string = 'info', destination?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { service },
        messageKey: 'message',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: {
          paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`), ...REDACTED_KEYS.map((key) => `*.*.${key}`)],
          censor: '[redacted]',
        },
        mixin: () => {
          const context = requestContext.current();
          return context ? { ...context } : {};
        },
      },
      destination ?? pino.destination({ sync: false }),
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(levels: LogLevel[]): void {
    if (levels.includes('debug') || levels.includes('verbose')) this.pino.level = 'debug';
  }

  flush(): void {
    this.pino.flush();
  }

  /**
   * Nest calls `log(message, context)` and `error(message, stack, context)`;
   * this codebase also logs `log({ facts }, 'text')`, which Nest turns into
   * `log({ facts }, 'text', context)`. The last string is the logging class.
   */
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const strings = rest.filter((part): part is string => typeof part === 'string');
    const fields: Record<string, unknown> = {};
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    if (context) fields.context = context;
    for (const part of rest) {
      if (part instanceof Error) fields.err = describeError(part);
      else if (part && typeof part === 'object') Object.assign(fields, part);
    }
    if (message instanceof Error) {
      fields.err = describeError(message);
      this.pino[level](fields, redactSql(message.message));
    } else if (message && typeof message === 'object') {
      const text = strings.length > 1 ? strings[0] : (context ?? 'event');
      const merged: Record<string, unknown> = { ...fields, ...(message as object) };
      if (merged.err) merged.err = describeError(merged.err);
      this.pino[level](merged, redactSql(text));
    } else {
      if (level === 'error' && strings.length > 1) fields.stack = redactSql(strings[0]);
      this.pino[level](fields, redactSql(String(message)));
    }
  }
}
