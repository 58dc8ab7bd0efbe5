/** The five apps. A message's owner is the service whose queue receives it. */
export const SERVICES = ['gateway', 'scheduling', 'session-log', 'payroll', 'state-reporting'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Back-end services: the ones the gateway sends commands to. */
export const BACKEND_SERVICES = ['scheduling', 'session-log', 'payroll', 'state-reporting'] as const satisfies readonly ServiceName[];
export type BackendService = (typeof BACKEND_SERVICES)[number];

export function commandQueueOf(service: ServiceName): string {
  return `${service}.commands`;
}

export function eventQueueOf(service: ServiceName): string {
  return `${service}.events`;
}

/** PostgreSQL schema each service owns; a service reads and writes only its own. */
export function schemaOf(service: ServiceName): string {
  return service.replace('-', '_');
}

/**
 * BullMQ queues of background work, by the service whose workers run them
 * (`<service>.<purpose>`; the constants live beside each worker). Listed here
 * so each service's `/metrics` reports the queues it is responsible for;
 * services.spec.ts fails when a worker's queue is missing.
 */
export const BACKGROUND_QUEUES: Record<ServiceName, readonly string[]> = {
  gateway: ['gateway.roster-import', 'gateway.webhooks', 'gateway.invitations', 'gateway.district-exports'],
  scheduling: ['scheduling.reminders'],
  'session-log': [],
  payroll: [],
  'state-reporting': ['state-reporting.exports'],
};

/** Every queue a service's workers take jobs from: its commands, its events, its background work. */
export function queuesWorkedBy(service: ServiceName): string[] {
  return [commandQueueOf(service), eventQueueOf(service), ...BACKGROUND_QUEUES[service]];
}
