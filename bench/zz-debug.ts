import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { OutboxRelay, ServiceBus } from '@sessionledger/messaging';
import { createDatabase, dropTestRun, newTestRun } from '@sessionledger/testing';
import { startGateway } from '../apps/gateway/test/support/gateway-harness';

const proto = OutboxRelay.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const hook of ['onModuleInit', 'onApplicationBootstrap', 'onApplicationShutdown']) {
  const orig = proto[hook];
  if (orig) proto[hook] = function (this: unknown, ...a: unknown[]) { console.log('HOOK', hook, new Error().stack?.split('\n').slice(2, 5).join(' | ')); const r = orig.apply(this, a); console.log('after', hook, (this as Record<string, unknown>).running, r); Promise.resolve(r).then(() => console.log('resolved', hook, (this as Record<string, unknown>).running, (this as Record<string, unknown>).loop), (e) => console.log('rejected', e)); return r; };
}
async function main() {
  const run = newTestRun();
  await createDatabase(run.database);
  try {
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'test', 'migrate-test-database.ts'), run.database], { stdio: 'inherit', env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') } });
    process.env.SL_TEST_DATABASE = run.database;
    process.env.SL_TEST_REDIS_PREFIX = run.redisPrefix;
    const gateway = await startGateway();
    const relay = gateway.get(OutboxRelay) as unknown as Record<string, unknown>;
    console.log('relay', relay.running, relay.loop);
    const bus = gateway.get(ServiceBus) as unknown as Record<string, Record<string, Map<string, unknown>>>;
    console.log('queueEvents', bus.client.queueEvents.size);
    const container = (gateway as unknown as { container: { getModules(): Map<string, { name: string; providers: Map<unknown, { name: unknown; instance: unknown; isResolved: boolean }> }> } }).container;
    for (const [, mod] of container.getModules()) {
      for (const [token, wrapper] of mod.providers) {
        if (token === OutboxRelay || token === ServiceBus) console.log(mod.name, String((wrapper.name as string)), wrapper.isResolved, wrapper.instance === gateway.get(OutboxRelay), (wrapper.instance as Record<string, unknown>)?.running, (wrapper as unknown as { isDependencyTreeStatic(): boolean; isTransient: boolean }).isDependencyTreeStatic(), (wrapper as unknown as { isTransient: boolean }).isTransient);
      }
    }
    console.log(Reflect.getMetadata('design:paramtypes', OutboxRelay));
    await gateway.close();
  } finally {
    await dropTestRun(run);
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
