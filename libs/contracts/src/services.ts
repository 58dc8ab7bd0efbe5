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
