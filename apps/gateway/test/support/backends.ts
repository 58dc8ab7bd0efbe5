import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BackendService } from '@sessionledger/contracts';
import { messagingTransport } from '@sessionledger/messaging';
import { startApp } from '@sessionledger/testing';
import { PayrollModule } from '../../../payroll/src/payroll.module';
import { SchedulingModule } from '../../../scheduling/src/scheduling.module';
import { SessionLogModule } from '../../../session-log/src/session-log.module';
import { StateReportingModule } from '../../../state-reporting/src/state-reporting.module';

const MODULES: Record<BackendService, unknown> = {
  scheduling: SchedulingModule,
  'session-log': SessionLogModule,
  payroll: PayrollModule,
  'state-reporting': StateReportingModule,
};

/** One back-end service in this process, as `main.js serve` runs it (message handlers, relay per its environment). */
export function startBackend(service: BackendService, overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return startApp({ service, module: MODULES[service], ...messagingTransport(service) }, overrides);
}
