import { AnyContract, ContractRegistry } from './contract';
import { CALENDAR_COMMANDS } from './messages/calendar';
import { DASHBOARD_COMMANDS } from './messages/dashboards';
import { INTEGRATION_EVENTS } from './messages/integration';
import { DISTRICT_SETTINGS_CHANGED, SCHOOL_CHANGED } from './messages/directory';
import { PING } from './messages/system';
import { RETENTION_COMMANDS } from './messages/retention';
import { PAYROLL_COMMANDS, PAYROLL_EVENTS } from './messages/payroll';
import { POSTING_COMMANDS, POSTING_EVENTS } from './messages/posting';
import { SCHEDULING_COMMANDS } from './messages/scheduling';
import { SESSION_COMMANDS } from './messages/sessions';
import { STATE_REPORTING_COMMANDS, STATE_REPORTING_EVENTS } from './messages/state-reporting';
import { STATE_EXPORT_COMMANDS } from './messages/state-exports';
import { RECORDS_COMMANDS } from './messages/records';
import { NOTIFICATION_COMMANDS, NOTIFICATION_EVENTS, TASK_EVENTS } from './messages/tasks';
import { WORK_ORDER_COMMANDS } from './messages/work-orders';

/** Every message of the platform. Adding one here is what makes it routable. */
export const CONTRACTS = new ContractRegistry([
  ...Object.values(PING),
  DISTRICT_SETTINGS_CHANGED,
  SCHOOL_CHANGED,
  ...WORK_ORDER_COMMANDS,
  ...SCHEDULING_COMMANDS, ...CALENDAR_COMMANDS,
  ...SESSION_COMMANDS,
  ...POSTING_COMMANDS,
  ...POSTING_EVENTS,
  ...PAYROLL_COMMANDS,
  ...PAYROLL_EVENTS,
  ...STATE_REPORTING_COMMANDS,
  ...STATE_REPORTING_EVENTS,
  ...DASHBOARD_COMMANDS,
  ...STATE_EXPORT_COMMANDS,
  ...RECORDS_COMMANDS,
  ...TASK_EVENTS, ...NOTIFICATION_COMMANDS,
  ...NOTIFICATION_EVENTS,
  ...INTEGRATION_EVENTS,
  ...RETENTION_COMMANDS,
] as AnyContract[]);
