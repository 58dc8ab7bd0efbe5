import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line of a request or job carries. Set once where work enters
 * a process (HTTP request, queue job) and read by the logger.
 */
export interface RequestContext {
  correlationId: string;
  districtId?: string;
  messageId?: string;
  actorId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  /** Adds facts learnt mid-request (the district once the token is read). */
  enrich(facts: Partial<RequestContext>): void {
    const store = storage.getStore();
    if (store) Object.assign(store, facts);
  },
};
