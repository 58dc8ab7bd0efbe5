import type { BackendService, ServiceName } from './services';

type Class<T> = new (...args: never[]) => T;

/**
 * A request/reply message: the pattern, the service that owns it, the class
 * its payload is validated against, and (as a type only) what it answers.
 */
export interface CommandContract<Payload, Reply> {
  readonly kind: 'command';
  readonly pattern: string;
  readonly owner: BackendService;
  readonly payload: Class<Payload>;
  readonly reply?: Reply;
}

/** An event: who produces it, which services consume it (one queue each). */
export interface EventContract<Payload> {
  readonly kind: 'event';
  readonly name: string;
  readonly producer: ServiceName;
  readonly consumers: readonly ServiceName[];
  readonly payload: Class<Payload>;
}

export function defineCommand<Payload, Reply>(
  owner: BackendService,
  name: string,
  payload: Class<Payload>,
): CommandContract<Payload, Reply> {
  return { kind: 'command', pattern: `${owner}.${name}`, owner, payload };
}

export function defineEvent<Payload>(
  producer: ServiceName,
  name: string,
  payload: Class<Payload>,
  consumers: readonly ServiceName[],
): EventContract<Payload> {
  return { kind: 'event', name: `${producer}.${name}`, producer, consumers, payload };
}

export type AnyContract = CommandContract<unknown, unknown> | EventContract<unknown>;

export class ContractRegistry {
  private readonly byPattern = new Map<string, AnyContract>();

  constructor(contracts: readonly AnyContract[]) {
    for (const contract of contracts) {
      const key = contract.kind === 'command' ? contract.pattern : contract.name;
      if (this.byPattern.has(key)) throw new Error(`Message ${key} is defined twice`);
      this.byPattern.set(key, contract);
    }
  }

  find(pattern: string): AnyContract | undefined {
    return this.byPattern.get(pattern);
  }

  all(): AnyContract[] {
    return [...this.byPattern.values()];
  }
}
