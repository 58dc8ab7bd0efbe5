import { Writable } from 'node:stream';
import { requestContext } from '@sessionledger/common';
import { JsonLogger } from './json-logger';

function capture(): { logger: JsonLogger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = new JsonLogger('test-service', 'debug', destination);
  return { logger, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line)) };
}

describe(JsonLogger.name, () => {
  it('writes one JSON object per line with the service, level, message and logging class', () => {
    const { logger, lines } = capture();
    logger.log('started', 'Bootstrap');
    expect(lines()).toEqual([expect.objectContaining({ service: 'test-service', level: 'info', message: 'started', context: 'Bootstrap' })]);
  });

  it('carries the correlation id, district and message id of the request or job it runs in', () => {
    const { logger, lines } = capture();
    requestContext.run({ correlationId: 'corr-1', districtId: 'district-1', messageId: 'msg-1' }, () => logger.log('inside'));
    expect(lines()[0]).toMatchObject({ correlationId: 'corr-1', districtId: 'district-1', messageId: 'msg-1' });
  });

  it('never writes passwords, tokens, names or notes, up to two levels deep', () => {
    const { logger, lines } = capture();
    logger.log(
      {
        password: 'hunter2-secret',
        refreshToken: 'rt-secret',
        student: { firstName: 'Zoe', lastName: 'Garcia', session: { studentNote: 'private note' } },
        route: '/api/me',
      },
      'facts',
      'Test',
    );
    const written = JSON.stringify(lines());
    for (const secret of ['hunter2-secret', 'rt-secret', 'Zoe', 'Garcia', 'private note']) expect(written).not.toContain(secret);
    expect(lines()[0]).toMatchObject({ route: '/api/me', message: 'facts', context: 'Test' });
  });

  it('keeps an error’s type and message, and Nest’s stack argument', () => {
    const { logger, lines } = capture();
    logger.error('failed', 'Error: boom\n    at x.ts:1', 'Worker');
    expect(lines()[0]).toMatchObject({ level: 'error', message: 'failed', stack: expect.stringContaining('boom'), context: 'Worker' });
  });
});
