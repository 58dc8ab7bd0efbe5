import type { ServiceName } from '@sessionledger/contracts';
import type { ServicePersistence } from '@sessionledger/persistence';
import { GATEWAY_PERSISTENCE } from '../apps/gateway/src/gateway.persistence';
import { PAYROLL_PERSISTENCE } from '../apps/payroll/src/payroll.persistence';
import { SCHEDULING_PERSISTENCE } from '../apps/scheduling/src/scheduling.persistence';
import { SESSION_LOG_PERSISTENCE } from '../apps/session-log/src/session-log.persistence';
import { STATE_REPORTING_PERSISTENCE } from '../apps/state-reporting/src/state-reporting.persistence';

export const PERSISTENCE_BY_SERVICE: Record<ServiceName, ServicePersistence> = {
  gateway: GATEWAY_PERSISTENCE,
  scheduling: SCHEDULING_PERSISTENCE,
  'session-log': SESSION_LOG_PERSISTENCE,
  payroll: PAYROLL_PERSISTENCE,
  'state-reporting': STATE_REPORTING_PERSISTENCE,
};
