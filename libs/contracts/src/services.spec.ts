import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BACKGROUND_QUEUES, SERVICES, ServiceName, queuesWorkedBy } from './services';

const ROOT = resolve(__dirname, '..', '..', '..');

/** `export const SOMETHING_QUEUE = 'name'` in every app's sources: where each worker names its queue. */
function declaredQueues(): { app: string; queue: string }[] {
  return SERVICES.flatMap((app) =>
    (readdirSync(join(ROOT, 'apps', app, 'src'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .flatMap((file) => [...readFileSync(join(ROOT, 'apps', app, 'src', file), 'utf8').matchAll(/export const \w+_QUEUE\s*=\s*'([^']+)'/g)])
      .map((match) => ({ app, queue: match[1] })),
  );
}

describe('queue catalogue', () => {
  it('lists every background queue a worker declares, under the service that runs it', () => {
    const declared = declaredQueues();
    expect(declared.length).toBeGreaterThanOrEqual(5);
    for (const { app, queue } of declared) expect({ queue, listedUnder: BACKGROUND_QUEUES[app as ServiceName].includes(queue) }).toEqual({ queue, listedUnder: true });
  });

  it('lists no queue that no worker declares', () => {
    const declared = new Set(declaredQueues().map(({ queue }) => queue));
    expect(Object.values(BACKGROUND_QUEUES).flat().filter((queue) => !declared.has(queue))).toEqual([]);
  });

  it("gives each service its commands and events queues first", () => {
    expect(queuesWorkedBy('payroll')).toEqual(['payroll.commands', 'payroll.events']);
    expect(queuesWorkedBy('gateway')).toEqual(['gateway.commands', 'gateway.events', 'gateway.roster-import', 'gateway.webhooks', 'gateway.invitations', 'gateway.district-exports']);
  });
});
